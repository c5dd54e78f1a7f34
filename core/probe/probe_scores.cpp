#include "core/probe/probe_scores.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "core/common/error.h"

namespace aletheia {

namespace {

Matrix zeros(size_t rows, size_t cols) { return Matrix(rows, std::vector<double>(cols, 0.0)); }

// Combines per-batch scores the way the rule prescribes (sum for norms, mean for fisher).
double combine(ScoringRule rule, double sum, int batches) {
    return sumsOverBatches(rule) || batches == 0 ? sum : sum / batches;
}

// Sums of the parts' statistics per weight: a fused weight's norm is over all its rows.
struct WeightStat {
    int target = -1;
    double weightSq = 0.0, numel = 0.0;
    std::vector<double> gradSq;
};

}  // namespace

std::vector<int> rankLayers(const std::vector<double>& layerScores) {
    std::vector<int> order(layerScores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return layerScores[a] > layerScores[b]; });
    return order;
}

std::vector<int> topLayers(const std::vector<double>& layerScores, double pct) {
    const int L = static_cast<int>(layerScores.size());
    // The reference keeps int(L * pct / 100) layers (floor), at least one.
    int k = static_cast<int>(std::floor(L * pct / 100.0 + 1e-9));
    k = std::clamp(k, L > 0 ? 1 : 0, L);
    auto order = rankLayers(layerScores);
    std::vector<int> top(order.begin(), order.begin() + k);
    std::sort(top.begin(), top.end());
    return top;
}

ProbeScores scoreStats(const ProbeStats& stats, ScoringRule rule) {
    ProbeScores s;
    s.rule = rule;
    s.batches = stats.batches;
    s.timing = stats.timing;
    s.table = stats.table;
    if (s.table.roles.empty()) s.table.collectRoles();
    s.modules = s.table.roles;
    const size_t L = static_cast<size_t>(s.table.numLayers), M = s.modules.size();
    const size_t T = s.table.modules.size(), B = static_cast<size_t>(stats.batches);

    s.history.assign(B, zeros(L, M));
    s.layerHistory = zeros(B, L);
    std::map<std::string, WeightStat> weights;
    // (layer, expert, role) -> per-batch score, for the MoE breakdown.
    std::map<std::tuple<int, int, std::string>, std::vector<double>> expertCells;

    for (const auto& p : stats.parts) {
        // Statistics and table come from the same model; check anyway, since a mismatch would
        // otherwise write outside the matrices.
        if (p.target < 0 || static_cast<size_t>(p.target) >= T)
            throw Error("probe scores: weight has no module in the table", {"", p.weight, -1});
        const TargetModule& t = s.table.modules[static_cast<size_t>(p.target)];
        const int roleCol = s.table.roleIndex(p.role);
        if (roleCol < 0 || t.layer < 0 || static_cast<size_t>(t.layer) >= L)
            throw Error("probe scores: role '" + p.role + "' of layer " + std::to_string(t.layer) +
                            " has no cell in the module table",
                        {"", p.weight, -1});
        if (p.gradSq.size() != B)
            throw Error("probe scores: " + std::to_string(p.gradSq.size()) + " batch values, expected " +
                            std::to_string(B),
                        {"", p.weight, -1});
        const auto col = static_cast<size_t>(roleCol);
        const double numel = static_cast<double>(p.rows * t.in);
        WeightStat& w = weights[p.weight];
        w.target = p.target;
        w.weightSq += p.weightSq;
        w.numel += numel;
        w.gradSq.resize(B, 0.0);
        for (size_t b = 0; b < B; ++b) {
            w.gradSq[b] += p.gradSq[b];
            const double v = scoreOf(rule, p.gradSq[b], numel, p.weightSq);
            s.history[b][static_cast<size_t>(t.layer)][col] += v;
            if (p.expert >= 0) {
                auto& cell = expertCells[{t.layer, p.expert, p.role}];
                cell.resize(B, 0.0);
                cell[b] += v;
            }
        }
    }

    s.scores = zeros(L, M);
    s.spread = zeros(L, M);
    for (size_t l = 0; l < L; ++l)
        for (size_t m = 0; m < M; ++m) {
            double sum = 0.0, sumSq = 0.0;
            for (size_t b = 0; b < B; ++b) {
                sum += s.history[b][l][m];
                sumSq += s.history[b][l][m] * s.history[b][l][m];
            }
            s.scores[l][m] = combine(rule, sum, stats.batches);
            if (B > 1 && sum > 0) {
                const double mean = sum / B;
                const double var = std::max(0.0, sumSq / B - mean * mean) * B / (B - 1);
                s.spread[l][m] = std::sqrt(var) / mean;
            }
        }

    s.targetScores.assign(T, 0.0);
    s.layerScores.assign(L, 0.0);
    for (const auto& [name, w] : weights) {
        const auto layer = static_cast<size_t>(s.table.modules[static_cast<size_t>(w.target)].layer);
        double sum = 0.0, normSum = 0.0;
        for (size_t b = 0; b < B; ++b) {
            const double v = scoreOf(rule, w.gradSq[b], w.numel, w.weightSq);
            sum += v;
            s.layerHistory[b][layer] += v;
            normSum += std::sqrt(w.gradSq[b]);
        }
        const double score = combine(rule, sum, stats.batches);
        s.targetScores[static_cast<size_t>(w.target)] += score;
        s.layerScores[layer] += score;
        if (B > 0) s.weightGradNorms[name] = normSum / static_cast<double>(B);
    }

    for (const auto& [key, perBatch] : expertCells) {
        const double sum = std::accumulate(perBatch.begin(), perBatch.end(), 0.0);
        s.experts.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key),
                             combine(rule, sum, stats.batches)});
    }
    return s;
}

double ProbeScores::topLayerAgreement(double pct) const {
    if (layerHistory.empty()) return 1.0;
    const auto final = topLayers(layerScores, pct);
    int same = 0;
    for (const auto& perBatch : layerHistory) same += topLayers(perBatch, pct) == final;
    return static_cast<double>(same) / static_cast<double>(layerHistory.size());
}

}  // namespace aletheia
