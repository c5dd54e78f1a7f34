#include "core/cli/experiment_args.h"

#include <filesystem>
#include <iostream>

#include "core/cli/usage_error.h"
#include "core/config/experiment_io.h"
#include "core/model/model_config.h"
#include "core/session/experiment_data.h"
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
    ExperimentConfig cfg = loadExperiment(args.value("config"), options);
    // As the Studio does when it loads the model: sequences cut to the model's positions.
    const std::string modelConfig = (std::filesystem::path(cfg.model.path) / "config.json").string();
    if (std::filesystem::is_regular_file(modelConfig)) {
        const int64_t positions = ModelConfig::load(modelConfig).maxPositions;
        if (fitSequenceLengths(cfg, positions))
            std::cerr << command << ": the model has " << positions << " positions: sequence length set to "
                      << cfg.data.sequence_len << "\n";
    }
    return cfg;
}

std::string prepareRunDir(const ExperimentConfig& cfg) {
    writeRunConfig(cfg, cfg.output.dir);  // the copy documents exactly what ran
    return cfg.output.dir;
}

}  // namespace aletheia::cli
