#pragma once
// Every problem found in an experiment file, reported together (not one per run).
#include <string>
#include <vector>

#include "core/common/error.h"

namespace aletheia {

struct ConfigProblem {
    std::string key;      // dotted key, e.g. "train.learning_rate" ("" for the whole file)
    long line = -1;       // 1-based YAML line; -1 when the value came from --set or has no line
    std::string message;  // what is wrong, with a did-you-mean where one helps
};

// Thrown by loadExperiment/applyOverride. what() lists every problem, one per line:
//   exp.yaml:12: 'train.learning_rate': expected a number, got 'fast'
class ConfigError : public Error {
public:
    ConfigError(std::string file, std::vector<ConfigProblem> problems);
    const std::string& file() const { return file_; }
    const std::vector<ConfigProblem>& problems() const { return problems_; }

private:
    std::string file_;
    std::vector<ConfigProblem> problems_;
};

// "file:line: 'key': message" (parts omitted when unknown).
std::string formatProblem(const std::string& file, const ConfigProblem& p);

}  // namespace aletheia
