#include "core/lora/gguf_export.h"

#include <filesystem>

#include "core/lora/merge.h"
#include "core/lora/ollama_modelfile.h"
#include "core/model/family_spec.h"
#include "core/model/model.h"

namespace aletheia {
namespace fs = std::filesystem;

std::vector<std::string> exportGgufAdapterDir(const Model& model, const AdapterSet& adapters,
                                              const std::string& modelDir, GgufType type, const std::string& dir) {
    fs::create_directories(dir);
    const std::string adapter = (fs::path(dir) / "adapter.gguf").string();
    exportGgufLora(model, adapters, type, adapter);
    std::vector<std::string> written = {adapter};
    std::string note;
    if (familySpec(model.config().modelType).ggufModel) {
        const std::string base = (fs::path(dir) / "base.gguf").string();
        exportGgufModel(model, modelDir, type, base);  // `model` itself: the adapters live beside its weights
        written.push_back(base);
    } else {
        note = "base.gguf: convert the base checkpoint with llama.cpp's convert_hf_to_gguf.py (Aletheia writes the "
               "whole-model GGUF for llama, mistral and qwen2 only)";
    }
    writeOllamaModelfile(dir, "./base.gguf", "./adapter.gguf", modelDir, note);
    written.push_back((fs::path(dir) / "Modelfile").string());
    return written;
}

std::vector<std::string> exportGgufMergedDir(const Model& model, const AdapterSet& adapters,
                                             const std::string& modelDir, GgufType type, const std::string& dir) {
    fs::create_directories(dir);
    const std::string path = (fs::path(dir) / "model.gguf").string();
    exportGgufModel(mergedModel(model, adapters), modelDir, type, path);
    writeOllamaModelfile(dir, "./model.gguf", "", modelDir);
    return {path, (fs::path(dir) / "Modelfile").string()};
}

}  // namespace aletheia
