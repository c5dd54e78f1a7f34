#include "core/plan/rank_allocation.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace aletheia {

std::string rankPolicyName(RankPolicy p) {
    switch (p) {
        case RankPolicy::Uniform: return "uniform";
        case RankPolicy::Asymmetric: return "asymmetric";
        case RankPolicy::Budget: return "budget";
    }
    return "uniform";
}

RankPolicy rankPolicyFromName(const std::string& n) {
    if (n == "uniform") return RankPolicy::Uniform;
    if (n == "asymmetric") return RankPolicy::Asymmetric;
    if (n == "budget" || n == "proportional") return RankPolicy::Budget;
    throw Error("unknown rank allocation (expected uniform, asymmetric or budget)", {"", n, -1});
}

std::string alphaRuleName(AlphaRule a) {
    switch (a) {
        case AlphaRule::Ratio: return "ratio";
        case AlphaRule::Fixed: return "fixed";
        case AlphaRule::RsLora: return "rslora";
    }
    return "ratio";
}

AlphaRule alphaRuleFromName(const std::string& n) {
    if (n == "ratio") return AlphaRule::Ratio;
    if (n == "fixed") return AlphaRule::Fixed;
    if (n == "rslora") return AlphaRule::RsLora;
    throw Error("unknown alpha rule (expected ratio, fixed or rslora)", {"", n, -1});
}

std::int64_t uniformParamBudget(const ModuleTable& table, int r) {
    std::int64_t total = 0;
    for (const auto& m : table.modules)
        if (m.kind != ModuleKind::Router) total += m.loraParams(r);
    return total;
}

double alphaFor(int rank, const RankOptions& opt) {
    return opt.alphaRule == AlphaRule::Ratio ? opt.alphaRatio * rank : opt.alpha;
}

namespace {

int roundToMultiple(double r, int multiple) {
    return static_cast<int>(std::lround(r / multiple)) * multiple;
}

// Budget policy: continuous ranks r_i = clamp(c * w_i, lo, hi) with c found by bisection so that
// sum r_i * cost_i = budget, then rounded to multiples and nudged back towards the budget one
// step at a time, so the total ends within one rounding step of it.
std::vector<int> budgetRanks(const ModuleTable& table, const std::vector<int>& selected,
                             const std::vector<double>& scores, const RankOptions& opt) {
    const int step = std::max(1, opt.multiple);
    const int lo = std::max(step, (opt.minRank + step - 1) / step * step);
    const int hi = std::max(lo, opt.maxRank / step * step);
    const double budget = static_cast<double>(opt.budget > 0 ? opt.budget : uniformParamBudget(table, 16));
    const size_t n = selected.size();
    std::vector<double> w(n), cost(n);
    bool anyPositive = false;
    for (size_t i = 0; i < n; ++i) {
        const auto& m = table.modules[static_cast<size_t>(selected[i])];
        const double s = std::max(0.0, scores.empty() ? 0.0 : scores[static_cast<size_t>(selected[i])]);
        w[i] = std::pow(s, opt.power);
        anyPositive = anyPositive || w[i] > 0;
        cost[i] = static_cast<double>(m.in + m.out);
    }
    if (!anyPositive) std::fill(w.begin(), w.end(), 1.0);  // no scores: share equally
    auto ideal = [&](double c, size_t i) { return std::clamp(c * w[i], double(lo), double(hi)); };
    auto total = [&](double c) {
        double t = 0;
        for (size_t i = 0; i < n; ++i) t += ideal(c, i) * cost[i];
        return t;
    };
    double cLo = 0.0, cHi = 1.0;
    while (total(cHi) < budget && cHi < 1e30) cHi *= 2;
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (cLo + cHi);
        (total(mid) < budget ? cLo : cHi) = mid;
    }
    std::vector<double> target(n);
    std::vector<int> r(n);
    double used = 0;
    for (size_t i = 0; i < n; ++i) {
        target[i] = ideal(cHi, i);
        r[i] = std::clamp(roundToMultiple(target[i], step), lo, hi);
        used += r[i] * cost[i];
    }
    // Over budget: take a step from the most over-rounded module until under.
    while (used > budget) {
        int best = -1;
        for (size_t i = 0; i < n; ++i)
            if (r[i] - step >= lo && (best < 0 || r[i] - target[i] > r[best] - target[best])) best = int(i);
        if (best < 0) break;
        r[best] -= step;
        used -= step * cost[best];
    }
    // Under budget by more than a step: give a step to the most under-rounded module that fits.
    for (;;) {
        int best = -1;
        for (size_t i = 0; i < n; ++i)
            if (r[i] + step <= hi && used + step * cost[i] <= budget &&
                (best < 0 || target[i] - r[i] > target[best] - r[best]))
                best = int(i);
        if (best < 0) break;
        r[best] += step;
        used += step * cost[best];
    }
    return r;
}

}  // namespace

std::vector<int> allocateRanks(const ModuleTable& table, const std::vector<int>& selected,
                               const std::vector<double>& targetScores, const RankOptions& opt) {
    for (int r : {opt.rank, opt.attentionRank, opt.mlpRank})
        if (r <= 0) fail("LoRA rank must be positive, got " + std::to_string(r));
    if (opt.policy == RankPolicy::Budget) return budgetRanks(table, selected, targetScores, opt);
    std::vector<int> ranks;
    ranks.reserve(selected.size());
    for (int idx : selected) {
        const auto& m = table.modules[static_cast<size_t>(idx)];
        if (opt.policy == RankPolicy::Uniform) ranks.push_back(opt.rank);
        else ranks.push_back(m.kind == ModuleKind::Mlp ? opt.mlpRank : opt.attentionRank);
    }
    return ranks;
}

}  // namespace aletheia
