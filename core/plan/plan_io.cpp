#include "core/plan/plan_io.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/common/error.h"
#include "core/common/regular_file.h"
#include "core/common/yaml_parse.h"
#include "core/io/json_file.h"
#include "core/model/cell_name.h"

namespace aletheia {

namespace {

long lineOf(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : -1; }

template <typename T>
T scalarAs(const YAML::Node& n, const std::string& src, const std::string& key, const char* expected) {
    try {
        return n.as<T>();
    } catch (const YAML::Exception&) {
        throw Error(std::string("expected ") + expected, {src, key, lineOf(n)});
    }
}

// Regex for the module path(s) of a table entry (every expert of an expert group).
std::string pathPattern(const TargetModule& m) {
    if (!m.pathPattern.empty()) return m.pathPattern;
    std::string path = m.weight.empty() ? m.module : m.weight;
    const std::string suffix = ".weight";
    if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
        path.resize(path.size() - suffix.size());
    std::string out;
    for (char c : path) out += c == '.' ? std::string("\\.") : std::string(1, c);
    return out;
}

// The module path(s) a plan cell adapts: its entry's, narrowed to one expert for "experts.3.w1".
std::string cellPathPattern(const TargetModule& m, const std::string& cell) {
    std::string path = pathPattern(m);
    if (!isSingleExpertCell(cell)) return path;
    const std::string any = "\\.\\d+\\.";
    const auto at = path.rfind(any);
    const std::string index = cell.substr(8, cell.find('.', 8) - 8);  // "experts.<index>.<module>"
    if (at != std::string::npos) path.replace(at, any.size(), "\\." + index + "\\.");
    return path;
}

template <typename K>
K mostCommon(const std::map<K, int>& counts) {
    K best{};
    int n = -1;
    for (const auto& [k, c] : counts)
        if (c > n) best = k, n = c;
    return best;
}

}  // namespace

std::string planToYaml(const AdapterPlan& plan) {
    std::map<int, std::vector<const AdapterCell*>> byLayer;
    for (const auto& c : plan.cells) byLayer[c.layer].push_back(&c);
    YAML::Emitter out;
    out << YAML::Comment("Aletheia adapter plan: layer -> module -> LoRA rank r and alpha") << YAML::Newline;
    out << YAML::BeginMap;
    out << YAML::Key << "dropout" << YAML::Value << plan.dropout;
    out << YAML::Key << "rslora" << YAML::Value << plan.rslora;
    out << YAML::Key << "layers" << YAML::Value << YAML::BeginMap;
    for (const auto& [layer, cells] : byLayer) {
        out << YAML::Key << layer << YAML::Value << YAML::BeginMap;
        for (const auto* c : cells) {
            out << YAML::Key << c->module << YAML::Value << YAML::Flow << YAML::BeginMap;
            out << YAML::Key << "r" << YAML::Value << c->rank << YAML::Key << "alpha" << YAML::Value << c->alpha;
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

AdapterPlan planFromYaml(const std::string& text, const std::string& src) {
    const YAML::Node root = parseYaml(text, src);
    if (!root.IsMap()) throw Error("a plan is a mapping with a 'layers' key", {src, "", -1});
    AdapterPlan plan;
    for (const auto& kv : root) {
        const auto key = scalarAs<std::string>(kv.first, src, "", "a key");
        if (key == "dropout") plan.dropout = scalarAs<double>(kv.second, src, key, "a number");
        else if (key == "rslora") plan.rslora = scalarAs<bool>(kv.second, src, key, "true or false");
        else if (key != "layers") throw Error("unknown key (expected dropout, rslora, layers)", {src, key, lineOf(kv.first)});
    }
    const auto layers = root["layers"];
    if (!layers || !layers.IsMap()) throw Error("missing 'layers' mapping (layer -> module -> {r, alpha})", {src, "layers", -1});
    for (const auto& lk : layers) {
        const int layer = scalarAs<int>(lk.first, src, "layers", "a layer number");
        const std::string where = "layers." + std::to_string(layer);
        if (layer < 0) throw Error("layer numbers start at 0", {src, where, lineOf(lk.first)});
        if (!lk.second.IsMap()) throw Error("expected module -> {r, alpha}", {src, where, lineOf(lk.second)});
        for (const auto& mk : lk.second) {
            AdapterCell c;
            c.layer = layer;
            c.module = scalarAs<std::string>(mk.first, src, where, "a module name");
            const std::string at = where + "." + c.module;
            if (!mk.second.IsMap() || !mk.second["r"])
                throw Error("expected {r: RANK, alpha: ALPHA}", {src, at, lineOf(mk.second)});
            c.rank = scalarAs<int>(mk.second["r"], src, at + ".r", "an integer rank");
            c.alpha = mk.second["alpha"] ? scalarAs<double>(mk.second["alpha"], src, at + ".alpha", "a number")
                                         : 2.0 * c.rank;  // the default ratio
            // The experiment schema's bound on every rank: LoRA ranks are 4-256 in practice, and
            // the A/B matrices of a larger one may not fit in memory (rank x hidden size each).
            if (c.rank <= 0 || c.rank > kMaxPlanRank)
                throw Error("rank must be an integer in [1, " + std::to_string(kMaxPlanRank) + "], got " +
                                std::to_string(c.rank),
                            {src, at + ".r", lineOf(mk.second["r"])});
            if (!(c.alpha > 0) || !std::isfinite(c.alpha))
                throw Error("alpha must be a positive number, got " + std::to_string(c.alpha),
                            {src, at + ".alpha", lineOf(mk.second["alpha"])});
            plan.cells.push_back(c);
        }
    }
    if (!(plan.dropout >= 0 && plan.dropout < 1))
        throw Error("dropout must be in [0, 1), got " + std::to_string(plan.dropout), {src, "dropout", lineOf(root["dropout"])});
    return plan;
}

AdapterPlan loadPlan(const std::string& path) {
    requireRegularFile(path);  // a FIFO or device would never end
    std::ifstream in(path);
    if (!in) throw Error("cannot open plan file", {path, "", -1});
    std::stringstream ss;
    ss << in.rdbuf();
    return planFromYaml(ss.str(), path);
}

void savePlan(const AdapterPlan& plan, const std::string& path) {
    // Atomic: a reader (another process, a crash half-way) sees the old plan or the new, never half.
    const std::string text = planToYaml(plan);
    writeFileAtomically(path, [&](std::ostream& out) { out << text; });
}

nlohmann::json planToPeft(const AdapterPlan& plan, const ModuleTable& table) {
    std::map<int, int> rankCount;
    std::map<double, int> alphaCount;
    std::set<int> layers;
    std::vector<std::string> modules;  // first-seen order
    std::set<std::pair<int, std::string>> cells;
    for (const auto& c : plan.cells) {
        ++rankCount[c.rank];
        ++alphaCount[c.alpha];
        layers.insert(c.layer);
        if (std::find(modules.begin(), modules.end(), c.module) == modules.end()) modules.push_back(c.module);
        cells.insert({c.layer, c.module});
    }
    const int r = plan.cells.empty() ? 16 : mostCommon(rankCount);
    const double alpha = plan.cells.empty() ? 32.0 : mostCommon(alphaCount);
    // PEFT applies target_modules to every layer of layers_to_transform: only a full product fits.
    bool product = cells.size() == layers.size() * modules.size();
    for (const auto& c : plan.cells) product = product && !isSingleExpertCell(c.module);
    for (int l : layers)
        for (const auto& m : modules)
            if (product && table.find(l, m) < 0) product = false;

    nlohmann::json j;
    j["peft_type"] = "LORA";
    j["task_type"] = "CAUSAL_LM";
    j["r"] = r;
    j["lora_alpha"] = alpha;
    j["lora_dropout"] = plan.dropout;
    j["use_rslora"] = plan.rslora;
    j["bias"] = "none";
    nlohmann::json rankPattern = nlohmann::json::object(), alphaPattern = nlohmann::json::object();
    nlohmann::json targets = nlohmann::json::array();
    std::string alternatives;  // PEFT full-matches a string target_modules against module paths
    if (product) {
        for (const auto& m : modules) targets.push_back(peftModuleOfCell(m));
        j["layers_to_transform"] = std::vector<int>(layers.begin(), layers.end());
    }
    for (const auto& c : plan.cells) {
        const int i = table.find(c.layer, c.module);
        if (i < 0)
            throw Error("plan cell names no module of this model", {"", "layer " + std::to_string(c.layer) + " " + c.module, -1});
        const std::string path = cellPathPattern(table.modules[static_cast<size_t>(i)], c.module);
        if (!product) alternatives += (alternatives.empty() ? "" : "|") + path;
        if (c.rank != r) rankPattern[path] = c.rank;
        if (c.alpha != alpha) alphaPattern[path] = c.alpha;
    }
    if (product) j["target_modules"] = targets;
    else j["target_modules"] = ".*?(?:" + alternatives + ")";
    j["rank_pattern"] = rankPattern;
    j["alpha_pattern"] = alphaPattern;
    return j;
}

}  // namespace aletheia
