#include "core/session/config_diff.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "core/common/yaml_parse.h"
#include "core/config/experiment_io.h"

namespace aletheia {

namespace {

// "section.key" -> value text, in document order; nested maps give dotted keys, sequences and
// scalars are values (a list of target modules is one value).
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
    if (node.IsMap()) {
        for (const auto& kv : node)
            flatten(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), out);
        return;
    }
    YAML::Emitter e;
    e << YAML::Flow << node;
    out.emplace_back(prefix, node.IsNull() ? "" : e.c_str());
}

std::vector<std::pair<std::string, std::string>> flatKeys(const ExperimentConfig& cfg) {
    std::vector<std::pair<std::string, std::string>> keys;
    flatten(parseYaml(experimentToYaml(cfg), "<experiment>"), "", keys);
    return keys;
}

}  // namespace

std::vector<ConfigDifference> diffExperiments(const ExperimentConfig& a, const ExperimentConfig& b) {
    const auto ka = flatKeys(a), kb = flatKeys(b);
    const std::map<std::string, std::string> mb(kb.begin(), kb.end());
    std::map<std::string, bool> seen;
    std::vector<ConfigDifference> diff;
    for (const auto& [key, value] : ka) {
        seen[key] = true;
        if (key == "output.dir") continue;
        const auto other = mb.find(key);
        const std::string vb = other == mb.end() ? "" : other->second;
        if (value != vb) diff.push_back({key, value, vb});
    }
    for (const auto& [key, value] : kb)
        if (!seen.count(key) && key != "output.dir") diff.push_back({key, "", value});
    return diff;
}

std::vector<ConfigDifference> diffRunConfigs(const std::string& runDirA, const std::string& runDirB) {
    ExperimentLoadOptions options;
    options.checkFiles = false;
    const auto load = [&](const std::string& dir) {
        return loadExperiment((std::filesystem::path(dir) / "config.yaml").string(), options);
    };
    return diffExperiments(load(runDirA), load(runDirB));
}

}  // namespace aletheia
