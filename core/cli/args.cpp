#include "core/cli/args.h"

#include "core/cli/usage_error.h"
#include "core/config/did_you_mean.h"

namespace aletheia::cli {

std::string ParsedArgs::value(const std::string& name, const std::string& fallback) const {
    auto it = values.find(name);
    return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

namespace {
const OptionSpec* findOption(const CommandSpec& spec, const std::string& name) {
    for (const auto& o : spec.options)
        if (o.name == name) return &o;
    return nullptr;
}
}  // namespace

ParsedArgs parseArgs(const CommandSpec& spec, const std::vector<std::string>& args) {
    ParsedArgs out;
    bool onlyPositionals = false;  // after "--"
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (onlyPositionals || a.size() < 2 || a.rfind("-", 0) != 0) {
            out.positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositionals = true;
            continue;
        }
        // --name=value or --name value
        std::string name = a.substr(a.rfind("--", 0) == 0 ? 2 : 1);
        std::string inlineValue;
        bool hasInline = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
            hasInline = true;
        }
        const OptionSpec* o = findOption(spec, name);
        if (!o) {
            std::vector<std::string> names;
            for (const auto& opt : spec.options) names.push_back(opt.name);
            throw UsageError(spec.name, "unknown option '" + a + "'" + didYouMean(name, names));
        }
        if (o->valueName.empty()) {
            if (hasInline) throw UsageError(spec.name, "option --" + name + " takes no value");
            out.values[name] = {"1"};
            continue;
        }
        std::string v;
        if (hasInline) {
            v = inlineValue;
        } else {
            if (i + 1 >= args.size()) throw UsageError(spec.name, "option --" + name + " needs a value (" + o->valueName + ")");
            v = args[++i];
        }
        auto& slot = out.values[name];
        if (!slot.empty() && !o->repeatable) throw UsageError(spec.name, "option --" + name + " given twice");
        slot.push_back(v);
    }
    const int n = static_cast<int>(out.positionals.size());
    if (n < spec.minPositionals) throw UsageError(spec.name, "missing argument; usage: " + spec.usage);
    if (n > spec.maxPositionals)
        throw UsageError(spec.name, "unexpected argument '" + out.positionals[spec.maxPositionals] +
                                        "'; usage: " + spec.usage);
    return out;
}

std::string helpText(const CommandSpec& spec) {
    std::string s = "usage: " + spec.usage + "\n\n" + spec.summary + "\n";
    if (!spec.description.empty()) s += "\n" + spec.description + "\n";
    s += "\noptions:\n";
    auto line = [&](std::string left, const std::string& help) {
        left = "  " + left;
        if (left.size() < 26) left.resize(26, ' ');
        else left += "\n" + std::string(26, ' ');
        s += left + help + "\n";
    };
    for (const auto& o : spec.options)
        line("--" + o.name + (o.valueName.empty() ? "" : " " + o.valueName), o.help + (o.repeatable ? " (repeatable)" : ""));
    line("-h, --help", "show this help");
    return s;
}

}  // namespace aletheia::cli
