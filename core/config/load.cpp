// loadExperiment: walk the YAML document against the schema, collecting every problem
// (with its line) instead of stopping at the first, then run the cross-key and file checks.
#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/common/yaml_parse.h"
#include "core/config/did_you_mean.h"
#include "core/config/experiment_io.h"
#include "core/config/schema.h"

namespace aletheia {

namespace fs = std::filesystem;

namespace {

long lineOf(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.line >= 0 ? m.line + 1 : -1;
}

// A value to store: from the document (with its line) or from --set (line -1).
struct Entry {
    const ConfigField* field;
    YAML::Node value;
    long line;
    fs::path baseDir;
};

bool isSection(const std::string& s) {
    const auto& all = configSections();
    return std::find(all.begin(), all.end(), s) != all.end();
}

// " (did you mean 'x'?)" for a key that is not in `section` ("" = top level).
std::string suggestKey(const std::string& section, const std::string& key) {
    std::vector<std::string> sameSection, everyKey;
    for (const auto& f : experimentSchema()) {
        if (f.section == section) sameSection.push_back(f.key);
        everyKey.push_back(f.key);
    }
    if (section.empty())
        for (const auto& s : configSections()) sameSection.push_back(s);
    // Right key, wrong section: name the section it belongs to.
    for (const auto& f : experimentSchema())
        if (f.key == key && !f.section.empty()) return " (it belongs in section '" + f.section + "': " + f.dotted() + ")";
    if (auto hint = didYouMean(key, sameSection); !hint.empty()) return hint;
    const std::string close = closestMatch(key, everyKey);
    for (const auto& f : experimentSchema())
        if (!close.empty() && f.key == close) return " (did you mean '" + f.dotted() + "'?)";
    return {};
}

std::vector<std::string> allDottedKeys() {
    std::vector<std::string> keys;
    for (const auto& f : experimentSchema()) keys.push_back(f.dotted());
    return keys;
}

// One --set assignment, split and parsed. `problem` is "" when it is usable.
struct Assignment {
    std::string key;
    const ConfigField* field = nullptr;
    YAML::Node value;
    std::string problem;
};

Assignment parseAssignment(const std::string& text) {
    Assignment a;
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        a.problem = "--set expects key=value (e.g. train.learning_rate=1e-4), got '" + text + "'";
        return a;
    }
    a.key = text.substr(0, eq);
    a.field = findConfigField(a.key);
    if (!a.field) {
        a.problem = "unknown key in --set" + didYouMean(a.key, allDottedKeys());
        return a;
    }
    // --set values are YAML too ("1e-4", "[q_proj, v_proj]"); text that is not valid YAML is
    // taken literally.
    try {
        a.value = parseYaml(text.substr(eq + 1), "--set " + a.key);
    } catch (const Error&) {
        a.value = YAML::Node(text.substr(eq + 1));
    }
    return a;
}

class Loader {
public:
    Loader(std::string label, fs::path baseDir) : label_(std::move(label)), baseDir_(std::move(baseDir)) {}

    ExperimentConfig run(const std::string& text, const ExperimentLoadOptions& options) {
        YAML::Node root;
        try {
            root = parseYaml(text, label_);
        } catch (const Error& e) {
            add("", e.context().line, e.problem());
            throwIfProblems();
        }
        if (root.IsMap()) {
            walkRoot(root);
        } else if (!root.IsNull()) {
            add("", lineOf(root), "the file must be a mapping of sections (model, data, probe, plan, lora, "
                                  "train, output)");
        }
        for (const auto& o : options.overrides) addOverride(o);

        ExperimentConfig cfg;
        for (const auto& [key, e] : entries_) {
            if (auto p = e.field->read(cfg, e.value, e.baseDir); !p.empty())
                add(key, e.line, e.line < 0 ? p + " (from --set)" : p);
        }
        // Defaults that are paths (output.dir) resolve against the file's folder too: re-read
        // every unset key's default through the same reader.
        for (const auto& f : experimentSchema())
            if (!entries_.count(f.dotted())) f.read(cfg, f.write(cfg, {}), baseDir_);
        // Value problems first: cross-key checks on half-read values would only add noise.
        if (problems_.empty()) {
            for (auto p : checkExperiment(cfg, options.checkFiles)) {
                auto it = entries_.find(p.key);
                add(p.key, it == entries_.end() ? -1 : it->second.line, p.message);
            }
        }
        throwIfProblems();
        return cfg;
    }

private:
    void add(const std::string& key, long line, const std::string& message) {
        problems_.push_back({key, line, message});
    }

    void throwIfProblems() {
        if (problems_.empty()) return;
        // Document order; problems without a line (from --set or missing keys) last.
        std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
            const long la = a.line < 0 ? LONG_MAX : a.line, lb = b.line < 0 ? LONG_MAX : b.line;
            return la < lb;
        });
        throw ConfigError(label_, problems_);
    }

    // Records a document value, rejecting duplicates.
    void record(const ConfigField& f, const YAML::Node& key, const YAML::Node& value) {
        const long line = lineOf(key);
        if (entries_.count(f.dotted())) {
            add(f.dotted(), line, "duplicate key (first given on line " +
                                      std::to_string(entries_.at(f.dotted()).line) + ")");
            return;
        }
        entries_[f.dotted()] = Entry{&f, value, line, baseDir_};
    }

    void walkRoot(const YAML::Node& root) {
        std::set<std::string> seenSections;
        for (const auto& kv : root) {
            const std::string name = kv.first.Scalar();
            const long line = lineOf(kv.first);
            if (const ConfigField* f = findConfigField(name); f && f->section.empty()) {
                record(*f, kv.first, kv.second);
            } else if (isSection(name)) {
                if (!seenSections.insert(name).second) add(name, line, "duplicate section");
                walkSection(name, kv.second);
            } else {
                add(name, line, "unknown section" + suggestKey("", name));
            }
        }
    }

    void walkSection(const std::string& section, const YAML::Node& body) {
        if (body.IsNull()) return;  // "train:" with nothing under it: all defaults
        if (!body.IsMap()) {
            add(section, lineOf(body), "expected a mapping of keys under '" + section + "'");
            return;
        }
        for (const auto& kv : body) {
            const std::string key = kv.first.Scalar();
            if (const ConfigField* f = findConfigField(section + "." + key)) {
                record(*f, kv.first, kv.second);
            } else {
                add(section + "." + key, lineOf(kv.first),
                    "unknown key '" + key + "' in section '" + section + "'" + suggestKey(section, key));
            }
        }
    }

    void addOverride(const std::string& text) {
        Assignment a = parseAssignment(text);
        if (!a.problem.empty()) add(a.key, -1, a.problem);
        else entries_[a.key] = Entry{a.field, a.value, -1, fs::current_path()};
    }

    std::string label_;
    fs::path baseDir_;
    std::map<std::string, Entry> entries_;
    std::vector<ConfigProblem> problems_;
};

}  // namespace

ExperimentConfig parseExperiment(const std::string& yamlText, const std::string& baseDir,
                                 const ExperimentLoadOptions& options, const std::string& label) {
    return Loader(label, baseDir.empty() ? fs::current_path() : fs::absolute(baseDir)).run(yamlText, options);
}

ExperimentConfig loadExperiment(const std::string& path, const ExperimentLoadOptions& options) {
    std::error_code ec;
    std::ifstream in;
    // Regular files only: a FIFO or device (/dev/zero) would block or never end.
    if (fs::is_regular_file(path, ec)) in.open(path, std::ios::binary);
    if (!in.is_open() || !in)
        throw ConfigError(path, {{"", -1, "cannot read the experiment file (missing, or not a regular file)"}});
    std::ostringstream text;
    text << in.rdbuf();
    const fs::path folder = fs::absolute(path).parent_path();
    return parseExperiment(text.str(), folder.string(), options, path);
}

void applyOverride(ExperimentConfig& cfg, const std::string& assignment) {
    Assignment a = parseAssignment(assignment);
    if (a.problem.empty()) a.problem = a.field->read(cfg, a.value, fs::current_path());
    if (!a.problem.empty()) throw ConfigError("--set", {{a.key, -1, a.problem}});
}

}  // namespace aletheia
