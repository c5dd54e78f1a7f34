#include "core/plan/cost_model.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace aletheia {

CostModel::CostModel(ModuleTable table, StepShape shape, CostCoefficients coeff, int uniformRank)
    : table_(std::move(table)), shape_(shape), coeff_(coeff), uniformRank_(uniformRank) {
    layerForward_.assign(static_cast<size_t>(table_.numLayers), 0.0);
    layerAttention_.assign(static_cast<size_t>(table_.numLayers), 0.0);
    const double n = tokens();
    for (const auto& m : table_.modules)
        layerForward_[static_cast<size_t>(m.layer)] += 2.0 * n * double(m.in) * double(m.out) * m.count * m.tokenFraction;
    // Scores Q K^T and the weighted sum P V: 2 * 2 * tokens * seq * attnDim (full, unmasked).
    for (size_t l = 0; l < layerForward_.size(); ++l) {
        layerAttention_[l] = 4.0 * n * double(shape_.seq) * double(shape_.attnDim);
        layerForward_[l] += layerAttention_[l];
    }
    flops(uniformPlan(), uniformForward_, uniformBackward_);
}

double CostModel::headForwardFlops() const { return 2.0 * tokens() * double(shape_.hidden) * double(shape_.vocab); }

// Input gradients cost what the forward matmuls cost; attention backward has twice the
// matmuls of its forward (dQ, dK from dS; dP, dV from dO). Frozen weights: no weight gradients.
double CostModel::layerBackwardFlops(int layer) const {
    const auto l = static_cast<size_t>(layer);
    return layerForward_[l] + layerAttention_[l];
}

double CostModel::loraFlops(int module, int rank, double& backward) const {
    const auto& m = table_.modules[static_cast<size_t>(module)];
    const double fwd = 2.0 * tokens() * double(rank) * double(m.in + m.out) * m.count * m.tokenFraction;
    backward = 2.0 * fwd;  // gradients of A, B and of the input
    return fwd;
}

void CostModel::flops(const AdapterPlan& plan, double& forward, double& backward) const {
    forward = headForwardFlops();
    backward = 0.0;
    for (double f : layerForward_) forward += f;
    const int depth = plan.lowestLayer();
    if (depth < 0) return;
    backward += headForwardFlops();
    for (int l = depth; l < table_.numLayers; ++l) backward += layerBackwardFlops(l);
    for (const auto& c : plan.cells) {
        const int idx = table_.find(c.layer, c.module);
        if (idx < 0) throw Error("plan names a module the model does not have",
                                 {"", "layer " + std::to_string(c.layer) + " " + c.module, -1});
        double b = 0.0;
        const double share = table_.cellShare(idx, c.module);
        forward += share * loraFlops(idx, c.rank, b);
        backward += share * b;
    }
}

double CostModel::seconds(double forwardFlops, double backwardFlops) const {
    return coeff_.fixedSeconds + coeff_.forwardSecPerFlop * forwardFlops + coeff_.backwardSecPerFlop * backwardFlops;
}

AdapterPlan CostModel::uniformPlan() const {
    AdapterPlan p;
    for (const auto& m : table_.modules)
        if (m.kind != ModuleKind::Router)
            p.cells.push_back({m.layer, m.module, uniformRank_, 2.0 * uniformRank_});
    return p;
}

CostEstimate CostModel::estimate(const AdapterPlan& plan) const {
    CostEstimate e;
    e.backwardDepth = plan.lowestLayer();
    for (const auto& c : plan.cells) {
        const int idx = table_.find(c.layer, c.module);
        if (idx >= 0)
            e.trainableParams += std::llround(table_.cellShare(idx, c.module) *
                                              double(table_.modules[static_cast<size_t>(idx)].loraParams(c.rank)));
    }
    flops(plan, e.forwardFlops, e.backwardFlops);
    e.uniformForwardFlops = uniformForward_;
    e.uniformBackwardFlops = uniformBackward_;
    e.seconds = seconds(e.forwardFlops, e.backwardFlops);
    e.uniformSeconds = seconds(e.uniformForwardFlops, e.uniformBackwardFlops);
    e.speedup = e.seconds > 0 ? e.uniformSeconds / e.seconds : 1.0;
    const double planFlops = e.forwardFlops + e.backwardFlops;
    e.flopRatio = planFlops > 0 ? (e.uniformForwardFlops + e.uniformBackwardFlops) / planFlops : 1.0;
    return e;
}

namespace {
// Solves the k x k normal equations (k <= 3) by Gaussian elimination; false if singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double> b, std::vector<double>& x) {
    const size_t k = b.size();
    for (size_t c = 0; c < k; ++c) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; ++r)
            if (std::abs(a[r][c]) > std::abs(a[piv][c])) piv = r;
        if (std::abs(a[piv][c]) < 1e-300) return false;
        std::swap(a[c], a[piv]);
        std::swap(b[c], b[piv]);
        for (size_t r = 0; r < k; ++r) {
            if (r == c) continue;
            const double f = a[r][c] / a[c][c];
            for (size_t j = c; j < k; ++j) a[r][j] -= f * a[c][j];
            b[r] -= f * b[c];
        }
    }
    x.resize(k);
    for (size_t c = 0; c < k; ++c) x[c] = b[c] / a[c][c];
    return true;
}
}  // namespace

CostCoefficients fitCoefficients(const std::vector<CostSample>& samples) {
    if (samples.size() < 2) fail("cost calibration needs at least two timed steps");
    const bool withFixed = samples.size() >= 3;
    // Features scaled to GFLOP so the normal equations stay well conditioned.
    auto features = [&](const CostSample& s) {
        std::vector<double> f = {s.forwardFlops * 1e-9, s.backwardFlops * 1e-9};
        if (withFixed) f.push_back(1.0);
        return f;
    };
    const size_t k = withFixed ? 3 : 2;
    std::vector<std::vector<double>> ata(k, std::vector<double>(k, 0.0));
    std::vector<double> atb(k, 0.0), x;
    for (const auto& s : samples) {
        const auto f = features(s);
        for (size_t i = 0; i < k; ++i) {
            atb[i] += f[i] * s.seconds;
            for (size_t j = 0; j < k; ++j) ata[i][j] += f[i] * f[j];
        }
    }
    if (!solve(ata, atb, x)) fail("cost calibration: timed steps do not separate forward from backward cost");
    CostCoefficients c;
    c.forwardSecPerFlop = std::max(0.0, x[0]) * 1e-9;
    c.backwardSecPerFlop = std::max(0.0, x[1]) * 1e-9;
    c.fixedSeconds = withFixed ? std::max(0.0, x[2]) : 0.0;
    c.calibrated = true;
    return c;
}

}  // namespace aletheia
