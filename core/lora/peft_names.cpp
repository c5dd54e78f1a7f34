#include "core/lora/peft_names.h"

#include <regex>

namespace aletheia {

std::string peftKey(const std::string& modulePath, char which) {
    return "base_model.model." + modulePath + ".lora_" + std::string(1, which) + ".weight";
}

std::string layersPatternOf(const std::string& path, int layer) {
    const std::string needle = "." + std::to_string(layer) + ".";
    const auto at = path.find(needle);
    if (at == std::string::npos) return "";
    const auto start = path.rfind('.', at - 1);
    return path.substr(start == std::string::npos ? 0 : start + 1, at - (start == std::string::npos ? 0 : start + 1));
}

int peftLayerIndex(const std::string& path, const std::string& pattern) {
    if (pattern.empty()) return -1;
    // PEFT: re.match(rf".*\.{layers_pattern}\.(\d+)\.", key) — greedy, so the last occurrence wins.
    const std::regex re(".*\\." + pattern + "\\.(\\d+)\\..*");
    std::smatch m;
    if (!std::regex_match(path, m, re)) return -1;
    return std::stoi(m[1].str());
}

}  // namespace aletheia
