#include "core/lora/ollama_modelfile.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/io/json_file.h"
#include "core/text/json_file.h"

namespace aletheia {
namespace fs = std::filesystem;

std::string ollamaModelfile(const std::string& from, const std::string& adapter, const std::string& chatTemplate,
                            const std::string& note) {
    std::string m = "# Ollama: ollama create my-finetune -f Modelfile && ollama run my-finetune\n";
    if (!note.empty()) m += "# " + note + "\n";
    m += "FROM " + from + "\n";
    if (!adapter.empty()) m += "ADAPTER " + adapter + "\n";
    if (chatTemplate.find("<|im_start|>") != std::string::npos) {
        m += "TEMPLATE \"\"\"{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n"
             "{{ end }}<|im_start|>assistant\n\"\"\"\n";
        m += "PARAMETER stop \"<|im_end|>\"\n";
    }
    return m;
}

void writeOllamaModelfile(const std::string& dir, const std::string& from, const std::string& adapter,
                          const std::string& tokenizerDir, const std::string& note) {
    std::string chatTemplate;
    const fs::path tc = fs::path(tokenizerDir) / "tokenizer_config.json";
    if (!tokenizerDir.empty() && fs::exists(tc)) {
        const nlohmann::json j = text::readJsonFile(tc.string());
        if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string())
            chatTemplate = j["chat_template"].get<std::string>();
    }
    const std::string text = ollamaModelfile(from, adapter, chatTemplate, note);
    writeFileAtomically((fs::path(dir) / "Modelfile").string(), [&](std::ostream& out) { out << text; });
}

}  // namespace aletheia
