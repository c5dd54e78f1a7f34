#pragma once
// What every experiment command (probe, plan, train, eval, export, bench) shares:
// --config FILE and repeated --set KEY=VALUE, validated before any heavy work.
#include <string>
#include <vector>

#include "core/cli/args.h"
#include "core/config/experiment.h"

namespace aletheia::cli {

std::vector<OptionSpec> experimentOptions();

// loadExperiment(--config, --set ...); throws UsageError without --config, ConfigError on
// any problem in the file (both exit code 1).
ExperimentConfig experimentFromArgs(const ParsedArgs& args, const std::string& command);

// Creates output.dir and writes the resolved experiment to <dir>/config.yaml; returns the dir.
std::string prepareRunDir(const ExperimentConfig& cfg);

}  // namespace aletheia::cli
