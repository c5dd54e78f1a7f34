#include "core/config/schema_fields.h"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "core/config/did_you_mean.h"

namespace aletheia::fields {

namespace {

// How a value looks in a message: 'abc', a list, a mapping, nothing.
std::string describe(const YAML::Node& n) {
    if (n.IsScalar()) return "'" + n.Scalar() + "'";
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    return "nothing";
}

std::string num(double v) { return shortestDouble(v); }

std::string rangeProblem(double v, const Range& r) {
    const bool belowLow = r.lowExclusive ? !(v > r.low) : !(v >= r.low);
    if (!belowLow && v <= r.high) return {};
    const std::string lowText = std::string(r.lowExclusive ? "> " : ">= ") + num(r.low);
    if (std::isinf(r.high)) return "must be " + lowText + ", got " + num(v);
    if (r.lowExclusive) return "must be " + lowText + " and <= " + num(r.high) + ", got " + num(v);
    return "must be between " + num(r.low) + " and " + num(r.high) + ", got " + num(v);
}

std::string rangeType(const char* base, const Range& r) {
    std::string t = base;
    if (std::isinf(r.low) && std::isinf(r.high)) return t;
    if (std::isinf(r.high)) return t + (r.lowExclusive ? " > " : " >= ") + num(r.low);
    return t + " in " + (r.lowExclusive ? "(" : "[") + num(r.low) + ", " + num(r.high) + "]";
}

// Reads an integer scalar, or returns the problem.
template <class T>
std::string readInteger(const YAML::Node& n, const Range& r, T& out) {
    if (!n.IsScalar()) return "expected an integer, got " + describe(n);
    long long v = 0;
    try {
        v = n.as<long long>();
    } catch (const YAML::Exception&) {
        return "expected an integer, got " + describe(n);
    }
    if (auto p = rangeProblem(static_cast<double>(v), r); !p.empty()) return p;
    out = static_cast<T>(v);
    return {};
}

template <class T>
ConfigField integerOf(const char* section, const char* key, Ref<T> ref, Range r) {
    ConfigField f{section, key, rangeType("integer", r), {}, {}};
    f.read = [ref, r](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        return readInteger(n, r, ref(c));
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        // const_cast: accessors are written once for both reading and writing.
        return YAML::Node(static_cast<long long>(ref(const_cast<ExperimentConfig&>(c))));
    };
    return f;
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

std::string checkOption(const std::string& v, const std::vector<std::string>& options) {
    for (const auto& o : options)
        if (o == v) return {};
    return "must be one of: " + join(options) + "; got '" + v + "'" + didYouMean(v, options);
}

YAML::Node flowList(YAML::Node list) {
    list.SetStyle(YAML::EmitterStyle::Flow);
    return list;
}

}  // namespace

ConfigField integer(const char* section, const char* key, Ref<int> ref, Range r) {
    return integerOf(section, key, ref, r);
}
ConfigField integer64(const char* section, const char* key, Ref<std::int64_t> ref, Range r) {
    return integerOf(section, key, ref, r);
}

ConfigField number(const char* section, const char* key, Ref<double> ref, Range r) {
    ConfigField f{section, key, rangeType("number", r), {}, {}};
    f.read = [ref, r](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        if (!n.IsScalar()) return "expected a number, got " + describe(n);
        double v = 0;
        try {
            v = n.as<double>();
        } catch (const YAML::Exception&) {
            return "expected a number, got " + describe(n);
        }
        if (!std::isfinite(v)) return "expected a finite number, got " + describe(n);
        if (auto p = rangeProblem(v, r); !p.empty()) return p;
        ref(c) = v;
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        return YAML::Node(shortestDouble(ref(const_cast<ExperimentConfig&>(c))));
    };
    return f;
}

ConfigField boolean(const char* section, const char* key, Ref<bool> ref) {
    ConfigField f{section, key, "true or false", {}, {}};
    f.read = [ref](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        try {
            if (n.IsScalar()) {
                ref(c) = n.as<bool>();
                return std::string();
            }
        } catch (const YAML::Exception&) {
        }
        return "expected true or false, got " + describe(n);
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        return YAML::Node(ref(const_cast<ExperimentConfig&>(c)));
    };
    return f;
}

namespace {
// A string field whose value must pass `check` ("" = fine).
ConfigField checkedText(const char* section, const char* key, std::string type, Ref<std::string> ref,
                        std::function<std::string(const std::string&)> check) {
    ConfigField f{section, key, std::move(type), {}, {}};
    f.read = [ref, check](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        if (!n.IsScalar()) return "expected a string, got " + describe(n);
        const std::string v = n.Scalar();
        if (check) {
            if (auto p = check(v); !p.empty()) return p;
        }
        ref(c) = v;
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        return YAML::Node(ref(const_cast<ExperimentConfig&>(c)));
    };
    return f;
}
}  // namespace

ConfigField text(const char* section, const char* key, Ref<std::string> ref) {
    return checkedText(section, key, "string", ref, nullptr);
}

ConfigField choice(const char* section, const char* key, Ref<std::string> ref,
                   std::vector<std::string> options) {
    return checkedText(section, key, "one of: " + join(options), ref,
                       [options](const std::string& v) { return checkOption(v, options); });
}

ConfigField device(const char* section, const char* key, Ref<std::string> ref) {
    return checkedText(section, key, "auto, cpu, cuda or cuda:N", ref, [](const std::string& v) {
        static const std::regex pattern("auto|cpu|cuda(:[0-9]+)?");
        if (std::regex_match(v, pattern)) return std::string();
        return "must be auto, cpu, cuda or cuda:N; got '" + v + "'" +
               didYouMean(v, {"auto", "cpu", "cuda"});
    });
}

ConfigField path(const char* section, const char* key, Ref<std::string> ref) {
    ConfigField f{section, key, "path (relative to the YAML file)", {}, {}};
    f.read = [ref](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path& base) {
        if (n.IsNull()) {
            ref(c).clear();
            return std::string();
        }
        if (!n.IsScalar()) return "expected a path, got " + describe(n);
        ref(c) = n.Scalar().empty() ? std::string() : resolvePath(n.Scalar(), base);
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path& base) {
        const std::string& p = ref(const_cast<ExperimentConfig&>(c));
        if (p.empty() || base.empty()) return YAML::Node(p);
        // Inside the experiment's folder: write it relative, so the folder can move as a whole.
        const auto rel = std::filesystem::path(p).lexically_relative(base);
        const bool inside = !rel.empty() && *rel.begin() != "..";
        return YAML::Node(inside ? rel.generic_string() : p);
    };
    return f;
}

ConfigField stringList(const char* section, const char* key, Ref<std::vector<std::string>> ref,
                       std::vector<std::string> options) {
    ConfigField f{section, key, options.empty() ? "list of strings" : "list of: " + join(options), {}, {}};
    f.read = [ref, options](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        std::vector<std::string> out;
        if (n.IsScalar()) {
            out.push_back(n.Scalar());
        } else if (n.IsSequence()) {
            for (const auto& item : n) {
                if (!item.IsScalar()) return "expected a list of strings, got " + describe(item) + " in it";
                out.push_back(item.Scalar());
            }
        } else if (!n.IsNull()) {
            return "expected a list of strings, got " + describe(n);
        }
        if (!options.empty())
            for (const auto& v : out)
                if (auto p = checkOption(v, options); !p.empty()) return p;
        ref(c) = out;
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        YAML::Node list(YAML::NodeType::Sequence);
        for (const auto& v : ref(const_cast<ExperimentConfig&>(c))) list.push_back(v);
        return flowList(list);
    };
    return f;
}

ConfigField intList(const char* section, const char* key, Ref<std::vector<int>> ref, Range r) {
    ConfigField f{section, key, "list of " + rangeType("integer", r) + "s", {}, {}};
    f.read = [ref, r](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        std::vector<int> out;
        auto add = [&](const YAML::Node& item) {
            int v = 0;
            auto p = readInteger(item, r, v);
            if (p.empty()) out.push_back(v);
            return p;
        };
        if (n.IsScalar()) {
            if (auto p = add(n); !p.empty()) return p;
        } else if (n.IsSequence()) {
            for (const auto& item : n)
                if (auto p = add(item); !p.empty()) return p;
        } else if (!n.IsNull()) {
            return "expected a list of integers, got " + describe(n);
        }
        ref(c) = out;
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        YAML::Node list(YAML::NodeType::Sequence);
        for (int v : ref(const_cast<ExperimentConfig&>(c))) list.push_back(v);
        return flowList(list);
    };
    return f;
}

ConfigField rankTable(const char* section, const char* key, Ref<std::map<std::string, int>> ref) {
    ConfigField f{section, key, "mapping module name -> rank (integer in [1, 4096])", {}, {}};
    f.read = [ref](ExperimentConfig& c, const YAML::Node& n, const std::filesystem::path&) {
        std::map<std::string, int> out;
        if (n.IsMap()) {
            for (const auto& kv : n) {
                const std::string module = kv.first.Scalar();
                int rank = 0;
                if (auto p = readInteger(kv.second, Range{1, 4096}, rank); !p.empty())
                    return "rank of '" + module + "': " + p;
                out[module] = rank;
            }
        } else if (!n.IsNull()) {
            return "expected a mapping of module name -> rank, got " + describe(n);
        }
        ref(c) = out;
        return std::string();
    };
    f.write = [ref](const ExperimentConfig& c, const std::filesystem::path&) {
        YAML::Node table(YAML::NodeType::Map);
        for (const auto& [module, rank] : ref(const_cast<ExperimentConfig&>(c))) table[module] = rank;
        return table;
    };
    return f;
}

}  // namespace aletheia::fields
