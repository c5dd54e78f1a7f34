#pragma once
// Loading, validating, overriding and saving an experiment (docs/CONFIG.md).
#include <string>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/experiment.h"

namespace aletheia {

struct ExperimentLoadOptions {
    // "section.key=value" (the CLI's --set), applied before validation; values are YAML
    // ("1e-4", "[q_proj, v_proj]", "true"), relative paths resolve against the current folder.
    std::vector<std::string> overrides;
    // Require model.path and data.train and check that every named file exists. The GUI turns
    // this off to open an experiment that is still being written.
    bool checkFiles = true;
};

// Reads and validates `path`. Throws ConfigError listing every problem (unknown keys with a
// did-you-mean, wrong types, out-of-range values, inconsistent choices, missing files), each
// with its YAML line. Relative paths resolve against the YAML file's folder.
ExperimentConfig loadExperiment(const std::string& path, const ExperimentLoadOptions& options = {});

// Same from text; `baseDir` resolves relative paths, `label` names the source in messages.
ExperimentConfig parseExperiment(const std::string& yamlText, const std::string& baseDir,
                                 const ExperimentLoadOptions& options = {},
                                 const std::string& label = "<experiment>");

// The cross-key and file checks loadExperiment runs, for a config built in code (GUI).
std::vector<ConfigProblem> checkExperiment(const ExperimentConfig& cfg, bool checkFiles);

// One --set override ("train.learning_rate=1e-4") applied to cfg; throws ConfigError.
void applyOverride(ExperimentConfig& cfg, const std::string& assignment);

// Every key with its value, sections in schema order, paths below `baseDir` written relative.
std::string experimentToYaml(const ExperimentConfig& cfg, const std::string& baseDir = {});
// Writes experimentToYaml(cfg, folder of path) to path; throws Error if it cannot.
void saveExperiment(const ExperimentConfig& cfg, const std::string& path);

}  // namespace aletheia
