#include "core/plan/selection.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/model/cell_name.h"
#include "core/plan/cost_model.h"

namespace aletheia {

std::string selectionPolicyName(SelectionPolicy p) {
    switch (p) {
        case SelectionPolicy::TopPct: return "top_pct";
        case SelectionPolicy::Threshold: return "threshold";
        case SelectionPolicy::Uniform: return "uniform";
        case SelectionPolicy::CostAware: return "cost_aware";
        case SelectionPolicy::Manual: return "manual";
    }
    return "top_pct";
}

SelectionPolicy selectionPolicyFromName(const std::string& n) {
    if (n == "top_pct") return SelectionPolicy::TopPct;
    if (n == "threshold") return SelectionPolicy::Threshold;
    if (n == "uniform") return SelectionPolicy::Uniform;
    if (n == "cost_aware") return SelectionPolicy::CostAware;
    if (n == "manual") return SelectionPolicy::Manual;
    throw Error("unknown selection policy (expected top_pct, threshold, uniform, cost_aware or manual)",
                {"", n, -1});
}

namespace {

// '*' matches any run of characters. The classic two-pointer wildcard match: on a mismatch,
// let the most recent '*' swallow one more character. O(|p| * |s|) at worst, no recursion
// (the recursive version was exponential in the number of stars).
bool globMatch(const char* p, const char* s) {
    const char* star = nullptr;  // last '*' seen in p
    const char* resume = nullptr;  // where s continues when that star takes one more character
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            ++p;
            ++s;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*') ++p;
    return *p == '\0';
}

bool parseInt(const std::string& s, int& out) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    out = std::stoi(s);
    return true;
}

bool moduleMatches(const TargetModule& m, const std::string& what) {
    if (what == "*" || globMatch(what.c_str(), m.module.c_str())) return true;
    if (globMatch(what.c_str(), peftModuleOfCell(m.module).c_str())) return true;  // "w1": every expert's
    if (what == "attention") return m.kind == ModuleKind::Attention;
    if (what == "mlp") return m.kind == ModuleKind::Mlp;
    return std::find(m.roles.begin(), m.roles.end(), what) != m.roles.end();
}

// "experts.3.w1" and "experts.7.w1" are the same projection for normalisation purposes.
std::string poolKey(const TargetModule& m) {
    std::string k;
    for (char c : m.module) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (k.empty() || k.back() != '#') k += '#';
        } else {
            k += c;
        }
    }
    return k;
}

std::vector<int> adaptable(const ModuleTable& t, bool includeRouter) {
    std::vector<int> out;
    for (size_t i = 0; i < t.modules.size(); ++i)
        if (includeRouter || t.modules[i].kind != ModuleKind::Router) out.push_back(static_cast<int>(i));
    return out;
}

// For each candidate backward depth d, spend what the step-time budget leaves after the fixed
// cost of that depth on modules at or above d, best importance per second first; keep the best d.
std::vector<int> costAware(const ProbeScores& s, const SelectionOptions& opt, const CostModel& cost) {
    const ModuleTable& t = s.table;
    const auto candidates = adaptable(t, opt.includeRouter);
    const auto uniform = cost.estimate(cost.uniformPlan());
    const double budget = opt.stepBudget * uniform.seconds;
    double total = 0;
    for (int i : candidates) total += std::max(0.0, s.targetScores[static_cast<size_t>(i)]);
    if (total <= 0) total = 1;

    double fwdBase = cost.headForwardFlops();
    for (int l = 0; l < t.numLayers; ++l) fwdBase += cost.layerForwardFlops(l);
    std::vector<int> best;
    double bestValue = -1;
    double bwdBase = cost.headForwardFlops();  // head input gradient
    for (int d = t.numLayers - 1; d >= 0; --d) {
        bwdBase += cost.layerBackwardFlops(d);
        double fwd = fwdBase, bwd = bwdBase;
        if (cost.seconds(fwd, bwd) > budget) break;  // deeper is only dearer
        struct Item { int idx; double value, fwd, bwd; };
        std::vector<Item> items;
        for (int i : candidates) {
            if (t.modules[static_cast<size_t>(i)].layer < d) continue;
            Item it{i, std::max(0.0, s.targetScores[static_cast<size_t>(i)]) / total, 0, 0};
            it.fwd = cost.loraFlops(i, opt.costAwareRank, it.bwd);
            items.push_back(it);
        }
        std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
            return a.value / (cost.seconds(a.fwd, a.bwd) - cost.seconds(0, 0) + 1e-30) >
                   b.value / (cost.seconds(b.fwd, b.bwd) - cost.seconds(0, 0) + 1e-30);
        });
        std::vector<int> chosen;
        double value = 0;
        bool hasDepth = false;
        // Depth d only pays off if layer d itself gets its best module: take it first.
        for (size_t k = 0; k < items.size() && !hasDepth; ++k)
            if (t.modules[static_cast<size_t>(items[k].idx)].layer == d) {
                std::rotate(items.begin(), items.begin() + long(k), items.begin() + long(k) + 1);
                hasDepth = true;
            }
        for (const auto& it : items) {
            if (cost.seconds(fwd + it.fwd, bwd + it.bwd) > budget) continue;
            fwd += it.fwd;
            bwd += it.bwd;
            value += it.value;
            chosen.push_back(it.idx);
        }
        if (value > bestValue && !chosen.empty()) {
            bestValue = value;
            best = chosen;
        }
    }
    return best;
}

}  // namespace

std::vector<int> matchPattern(const ModuleTable& table, const std::string& pattern) {
    const auto colon = pattern.find(':');
    const std::string layers = pattern.substr(0, colon);
    const std::string what = colon == std::string::npos ? "*" : pattern.substr(colon + 1);
    int lo = 0, hi = table.numLayers - 1;
    if (layers != "*") {
        const auto dash = layers.find('-');
        bool ok = dash == std::string::npos ? parseInt(layers, lo) && parseInt(layers, hi)
                                            : parseInt(layers.substr(0, dash), lo) && parseInt(layers.substr(dash + 1), hi);
        if (!ok || lo > hi)
            throw Error("bad layer part in pattern (expected *, N or A-B, optionally followed by :module)",
                        {"", pattern, -1});
        if (hi >= table.numLayers)
            throw Error("layer out of range: the model has " + std::to_string(table.numLayers) + " layers (0-" +
                            std::to_string(table.numLayers - 1) + ")",
                        {"", pattern, -1});
    }
    std::vector<int> out;
    for (size_t i = 0; i < table.modules.size(); ++i) {
        const auto& m = table.modules[i];
        if (m.layer >= lo && m.layer <= hi && moduleMatches(m, what)) out.push_back(static_cast<int>(i));
    }
    if (out.empty()) {
        std::set<std::string> names;
        for (const auto& m : table.modules) names.insert(m.module);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw Error("pattern matches no module (modules of this model: " + list + ")", {"", pattern, -1});
    }
    return out;
}

std::vector<double> normalisedScores(const ModuleTable& table, const std::vector<double>& targetScores) {
    std::map<std::string, double> best;
    for (size_t i = 0; i < table.modules.size(); ++i) {
        double& b = best[poolKey(table.modules[i])];
        b = std::max(b, targetScores[i]);
    }
    std::vector<double> out(table.modules.size(), 0.0);
    for (size_t i = 0; i < table.modules.size(); ++i) {
        const double b = best[poolKey(table.modules[i])];
        out[i] = b > 0 ? targetScores[i] / b : 0.0;
    }
    return out;
}

std::vector<int> selectModules(const ProbeScores& scores, const SelectionOptions& opt, const CostModel* cost) {
    const ModuleTable& t = scores.table;
    if (scores.targetScores.size() != t.modules.size()) fail("probe scores do not match the module table");
    std::vector<char> on(t.modules.size(), 0);
    switch (opt.policy) {
        case SelectionPolicy::TopPct: {
            if (!(opt.topPct > 0 && opt.topPct <= 100)) fail("top_pct must be in (0, 100]");
            std::vector<char> layerOn(static_cast<size_t>(t.numLayers), 0);
            for (int l : topLayers(scores.layerScores, opt.topPct)) layerOn[static_cast<size_t>(l)] = 1;
            for (int i : adaptable(t, opt.includeRouter)) on[size_t(i)] = layerOn[size_t(t.modules[size_t(i)].layer)];
            break;
        }
        case SelectionPolicy::Threshold: {
            const auto norm = normalisedScores(t, scores.targetScores);
            for (int i : adaptable(t, opt.includeRouter)) on[size_t(i)] = norm[size_t(i)] >= opt.threshold;
            break;
        }
        case SelectionPolicy::Uniform:
            for (int i : adaptable(t, opt.includeRouter)) on[size_t(i)] = 1;
            break;
        case SelectionPolicy::CostAware:
            if (!cost) fail("cost_aware selection needs a cost model");
            if (opt.stepBudget <= 0) fail("cost_aware step budget must be positive");
        {
            const auto chosen = costAware(scores, opt, *cost);
            if (chosen.empty())
                fail("cost_aware: a step budget of " + std::to_string(opt.stepBudget) +
                     " x uniform LoRA is below the cost of the forward pass alone; raise it");
            for (int i : chosen) on[size_t(i)] = 1;
        }
            break;
        case SelectionPolicy::Manual: break;
    }
    for (const auto& p : opt.include)
        for (int i : matchPattern(t, p)) on[size_t(i)] = 1;
    for (const auto& p : opt.exclude)
        for (int i : matchPattern(t, p)) on[size_t(i)] = 0;
    std::vector<int> out;
    for (size_t i = 0; i < on.size(); ++i)
        if (on[i]) out.push_back(static_cast<int>(i));
    return out;
}

}  // namespace aletheia
