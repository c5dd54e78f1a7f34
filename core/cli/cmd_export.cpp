#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/session/run_adapter.h"
#include "core/common/error.h"
#include "core/io/gguf_writer.h"
#include "core/lora/adapter_set.h"
#include "core/lora/gguf_export.h"
#include "core/lora/merge.h"
#include "core/lora/peft_export.h"

namespace aletheia::cli {

namespace fs = std::filesystem;

CommandSpec exportCommand() {
    CommandSpec c;
    c.name = "export";
    c.summary = "export the trained adapter (PEFT, GGUF) or the merged model";
    c.usage = "aletheia export --config exp.yaml [--format peft,merged,gguf,gguf-merged] [--gguf-type f16] [--set KEY=VALUE ...]";
    c.description =
        "Takes the newest checkpoint of the run directory and writes, per output.export_formats:\n"
        "  peft         adapter/ (adapter_model.safetensors + adapter_config.json), loadable with PeftModel\n"
        "  merged       merged/ (config.json + model.safetensors with the adapter merged into the weights)\n"
        "  gguf         gguf/ adapter.gguf (llama.cpp LoRA), base.gguf (llama, mistral, qwen2), Ollama Modelfile\n"
        "  gguf-merged  gguf-merged/ model.gguf (adapter merged in) + Ollama Modelfile\n"
        "GGUF tensors are output.gguf_type: f32, f16 (default), bf16 or q8_0.";
    c.options = experimentOptions();
    c.options.push_back({"format", "LIST", "the same as --set output.export_formats=[LIST] (comma-separated)"});
    c.options.push_back({"gguf-type", "TYPE", "the same as --set output.gguf_type=TYPE"});
    c.run = [](const ParsedArgs& a) {
        ParsedArgs args = a;  // the shorthands become --set overrides: one way to say each option
        if (a.has("format")) args.values["set"].push_back("output.export_formats=[" + a.value("format") + "]");
        if (a.has("gguf-type")) args.values["set"].push_back("output.gguf_type=" + a.value("gguf-type"));
        const ExperimentConfig cfg = experimentFromArgs(args, "export");
        const std::string dir = cfg.output.dir;
        Model model = loadExperimentModel(cfg);
        const auto adapter = checkpointAdapter(dir);
        if (!adapter)
            throw Error("no trained adapter in " + dir + " (run `aletheia train --config ...` first)", {"", "output.dir", -1});
        const AdapterSet adapters = adapter->attach(model);
        std::cerr << "export: adapters from " << adapter->path << "\n";
        const AdapterPlan plan = planOfAdapters(adapters);
        const auto& formats = cfg.output.export_formats;
        if (std::find(formats.begin(), formats.end(), "peft") != formats.end()) {
            const std::string out = (fs::path(dir) / "adapter").string();
            exportPeft(model, adapters, plan, out, baseModelNameFor(cfg.model.path));
            std::cout << out << "\n";
        }
        if (std::find(formats.begin(), formats.end(), "merged") != formats.end()) {
            const std::string out = (fs::path(dir) / "merged").string();
            saveMerged(model, adapters, out, cfg.model.path);  // with the tokenizer: a merged checkpoint must load alone
            std::cout << out << "\n";
        }
        const GgufType type = ggufTypeFromName(cfg.output.gguf_type);
        if (std::find(formats.begin(), formats.end(), "gguf") != formats.end())
            for (const auto& f : exportGgufAdapterDir(model, adapters, cfg.model.path, type, (fs::path(dir) / "gguf").string()))
                std::cout << f << "\n";
        if (std::find(formats.begin(), formats.end(), "gguf-merged") != formats.end())
            for (const auto& f : exportGgufMergedDir(model, adapters, cfg.model.path, type, (fs::path(dir) / "gguf-merged").string()))
                std::cout << f << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
