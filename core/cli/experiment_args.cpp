#include "core/cli/experiment_args.h"

#include "core/cli/usage_error.h"
#include "core/config/experiment_io.h"
#include "core/session/run_recorder.h"

namespace aletheia::cli {

std::vector<OptionSpec> experimentOptions() {
    return {
        {"config", "FILE", "the experiment YAML (docs/CONFIG.md)"},
        {"set", "KEY=VALUE", "override one key, e.g. --set train.learning_rate=1e-4", true},
    };
}

ExperimentConfig experimentFromArgs(const ParsedArgs& args, const std::string& command) {
    if (!args.has("config")) throw UsageError(command, "--config FILE is required");
    ExperimentLoadOptions options;
    options.overrides = args.all("set");
    return loadExperiment(args.value("config"), options);
}

std::string prepareRunDir(const ExperimentConfig& cfg) {
    writeRunConfig(cfg, cfg.output.dir);  // the copy documents exactly what ran
    return cfg.output.dir;
}

}  // namespace aletheia::cli
