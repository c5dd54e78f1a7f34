#include "core/config/config_error.h"

namespace aletheia {

std::string formatProblem(const std::string& file, const ConfigProblem& p) {
    std::string s;
    if (!file.empty()) s += file + (p.line > 0 ? ":" + std::to_string(p.line) : std::string()) + ": ";
    else if (p.line > 0) s += "line " + std::to_string(p.line) + ": ";
    if (!p.key.empty()) s += "'" + p.key + "': ";
    return s + p.message;
}

namespace {
std::string joined(const std::string& file, const std::vector<ConfigProblem>& problems) {
    std::string s;
    for (const auto& p : problems) {
        if (!s.empty()) s += "\n";
        s += formatProblem(file, p);
    }
    return s;
}
}  // namespace

ConfigError::ConfigError(std::string file, std::vector<ConfigProblem> problems)
    : Error(joined(file, problems)), file_(std::move(file)), problems_(std::move(problems)) {}

}  // namespace aletheia
