// saveExperiment: every key, in schema order, one blank line between sections.
#include <filesystem>
#include <fstream>

#include "core/config/experiment_io.h"
#include "core/config/schema.h"

namespace aletheia {

std::string experimentToYaml(const ExperimentConfig& cfg, const std::string& baseDir) {
    const std::filesystem::path base =
        baseDir.empty() ? std::filesystem::path() : std::filesystem::absolute(baseDir).lexically_normal();
    std::string text = "# Aletheia Studio experiment; keys are documented in docs/CONFIG.md\n";
    // One emitter per section keeps yaml-cpp from running sections together.
    auto emit = [&](const YAML::Node& node) {
        YAML::Emitter out;
        out << node;
        text += std::string(out.c_str()) + "\n";
    };
    YAML::Node top(YAML::NodeType::Map);
    for (const auto& f : experimentSchema())
        if (f.section.empty()) top[f.key] = f.write(cfg, base);
    emit(top);
    for (const auto& section : configSections()) {
        YAML::Node body(YAML::NodeType::Map);
        for (const auto& f : experimentSchema())
            if (f.section == section) body[f.key] = f.write(cfg, base);
        YAML::Node wrapper(YAML::NodeType::Map);
        wrapper[section] = body;
        text += "\n";
        emit(wrapper);
    }
    return text;
}

void saveExperiment(const ExperimentConfig& cfg, const std::string& path) {
    const auto folder = std::filesystem::absolute(path).parent_path();
    const std::string text = experimentToYaml(cfg, folder.string());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) failIn(path, "cannot write the experiment file");
    out << text;
    if (!out.flush()) failIn(path, "writing the experiment file failed");
}

}  // namespace aletheia
