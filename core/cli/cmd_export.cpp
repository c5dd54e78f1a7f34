#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/run_adapter.h"
#include "core/common/error.h"
#include "core/lora/adapter_set.h"
#include "core/lora/merge.h"
#include "core/lora/peft_export.h"

namespace aletheia::cli {

namespace fs = std::filesystem;

CommandSpec exportCommand() {
    CommandSpec c;
    c.name = "export";
    c.summary = "export the trained adapter (PEFT) or the merged model";
    c.usage = "aletheia export --config exp.yaml [--set KEY=VALUE ...]";
    c.description =
        "Takes the newest checkpoint of the run directory and writes, per output.export_formats:\n"
        "  peft    adapter/ (adapter_model.safetensors + adapter_config.json), loadable with PeftModel\n"
        "  merged  merged/ (config.json + model.safetensors with the adapter merged into the weights)";
    c.options = experimentOptions();
    c.run = [](const ParsedArgs& a) {
        const ExperimentConfig cfg = experimentFromArgs(a, "export");
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
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
