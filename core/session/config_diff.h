#pragma once
// The keys in which two experiments differ (the Compare stage's config diff): both read with
// their defaults filled in, so a key written in one file and left at its default in the other
// is not a difference, and output.dir (every run has its own) is left out.
#include <string>
#include <vector>

#include "core/config/experiment.h"

namespace aletheia {

struct ConfigDifference {
    std::string key;     // "train.learning_rate"
    std::string a, b;    // the values as YAML text ("" when a side has no such key)
};

// In schema order (sections, then keys, as experimentToYaml writes them).
std::vector<ConfigDifference> diffExperiments(const ExperimentConfig& a, const ExperimentConfig& b);
// Of two run directories' config.yaml (the data files need not exist any more).
std::vector<ConfigDifference> diffRunConfigs(const std::string& runDirA, const std::string& runDirB);

}  // namespace aletheia
