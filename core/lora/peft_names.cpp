#include "core/lora/peft_names.h"

#include <cctype>

namespace aletheia {

std::string peftKey(const std::string& modulePath, char which) {
    return "base_model.model." + modulePath + ".lora_" + std::string(1, which) + ".weight";
}

std::optional<PeftKey> parsePeftKey(const std::string& name) {
    static const std::string prefix = "base_model.model.";
    if (name.rfind(prefix, 0) != 0) return std::nullopt;
    for (const std::string tail : {".weight", ".default.weight"}) {
        // <prefix><path>.lora_X<tail>, with a non-empty path
        const size_t need = prefix.size() + 1 + 7 + tail.size();  // 7: ".lora_X"
        if (name.size() < need || name.compare(name.size() - tail.size(), tail.size(), tail) != 0) continue;
        const size_t lora = name.size() - tail.size() - 7;
        if (name.compare(lora, 6, ".lora_") != 0) continue;
        const char which = name[lora + 6];
        if (which != 'A' && which != 'B') continue;
        return PeftKey{name.substr(prefix.size(), lora - prefix.size()), which};
    }
    return std::nullopt;
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
    // Searched from the right with plain string operations (no std::regex: it recurses per character).
    const std::string needle = "." + pattern + ".";
    for (size_t at = path.rfind(needle); at != std::string::npos; at = at == 0 ? std::string::npos : path.rfind(needle, at - 1)) {
        size_t d = at + needle.size(), end = d;
        while (end < path.size() && std::isdigit(static_cast<unsigned char>(path[end]))) ++end;
        // Layer numbers have at most 9 digits here, so stoi cannot overflow.
        if (end > d && end < path.size() && path[end] == '.' && end - d <= 9) return std::stoi(path.substr(d, end - d));
    }
    return -1;
}

}  // namespace aletheia
