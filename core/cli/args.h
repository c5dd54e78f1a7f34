#pragma once
// Command-line parsing for one subcommand: declared options, positionals, repeated --set.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace aletheia::cli {

struct OptionSpec {
    std::string name;       // without dashes: "config"
    std::string valueName;  // "" for a flag; otherwise shown in help: "FILE"
    std::string help;
    bool repeatable = false;
};

struct ParsedArgs {
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>> values;  // flags map to {"1"}

    bool has(const std::string& name) const { return values.count(name) > 0; }
    std::string value(const std::string& name, const std::string& fallback = {}) const;
    std::vector<std::string> all(const std::string& name) const;
};

struct CommandSpec {
    std::string name;
    std::string summary;                   // one line, for `aletheia --help`
    std::string usage;                     // "aletheia inspect <model-dir>"
    std::string description;               // paragraphs for `aletheia <cmd> --help`
    std::vector<OptionSpec> options;       // --help is implicit
    int minPositionals = 0;
    int maxPositionals = 0;
    std::function<int(const ParsedArgs&)> run;
};

// Parses argv after the command name. Throws UsageError (an aletheia::Error: exit code 1)
// for unknown options, missing values, repeated single options or wrong positional counts.
ParsedArgs parseArgs(const CommandSpec& spec, const std::vector<std::string>& args);

// The text `aletheia <cmd> --help` prints.
std::string helpText(const CommandSpec& spec);

}  // namespace aletheia::cli
