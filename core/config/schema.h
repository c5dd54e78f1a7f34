#pragma once
// The experiment schema as data: one entry per YAML key, each knowing how to read itself
// (with its type and range checks) and write itself. Loading, saving, --set overrides,
// did-you-mean and the key list in docs/CONFIG.md all come from this one table.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/experiment.h"

namespace aletheia {

struct ConfigField {
    std::string section;  // "model", "train", ... ("" for top-level keys such as `name`)
    std::string key;
    std::string type;     // for docs and --help: "integer >= 1", "one of: cosine, linear"
    // Stores `node` into cfg; returns "" or what is wrong with the value.
    // Relative paths resolve against baseDir.
    std::function<std::string(ExperimentConfig&, const YAML::Node&, const std::filesystem::path& baseDir)>
        read;
    // The current value as YAML; paths below baseDir are written relative to it.
    std::function<YAML::Node(const ExperimentConfig&, const std::filesystem::path& baseDir)> write;

    std::string dotted() const { return section.empty() ? key : section + "." + key; }
};

// Every key, in the order saveExperiment writes them.
const std::vector<ConfigField>& experimentSchema();
// nullptr when unknown. Accepts "train.learning_rate" or a top-level key ("name").
const ConfigField* findConfigField(const std::string& dotted);
// Section names in file order: model, data, probe, plan, lora, train, output.
const std::vector<std::string>& configSections();

// Text of a double that reads back to the same value, without float noise (2e-4 -> "0.0002").
std::string shortestDouble(double v);
// Absolute, normalised path: `p` resolved against baseDir (and "~/" against $HOME).
std::string resolvePath(const std::string& p, const std::filesystem::path& baseDir);

}  // namespace aletheia
