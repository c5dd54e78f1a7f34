#include "core/cli/experiment_args.h"

#include <filesystem>
#include <fstream>

#include "core/cli/usage_error.h"
#include "core/config/experiment_io.h"

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
    std::error_code ec;
    std::filesystem::create_directories(cfg.output.dir, ec);
    if (ec) failIn(cfg.output.dir, "cannot create the run directory: " + ec.message(), "output.dir");
    // Absolute paths: the copy documents exactly what ran, wherever it is read from.
    const std::string path = (std::filesystem::path(cfg.output.dir) / "config.yaml").string();
    std::ofstream(path) << experimentToYaml(cfg);
    return cfg.output.dir;
}

}  // namespace aletheia::cli
