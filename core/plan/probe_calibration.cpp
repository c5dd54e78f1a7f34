#include "core/plan/probe_calibration.h"

namespace aletheia {

void probeBatchFlops(const CostModel& cost, double& forward, double& backward) {
    const int L = cost.table().numLayers;
    forward = cost.headForwardFlops();
    backward = cost.headForwardFlops();
    for (int l = 0; l < L; ++l) {
        forward += cost.layerForwardFlops(l);
        backward += cost.layerBackwardFlops(l);
    }
    const double tokens = double(cost.shape().batch * cost.shape().seq);
    for (const auto& m : cost.table().modules) {
        // The same choice as weightGradSqNorms: Gram form when n (in + out) < in out.
        const double n = tokens * m.tokenFraction, in = double(m.in), out = double(m.out);
        const double norm = n * (in + out) < in * out ? 2.0 * n * n * (in + out) : 2.0 * n * in * out;
        backward += norm * m.count;
    }
}

CostCoefficients coefficientsFromProbe(const ModuleTable& table, const StepShape& like,
                                       const std::vector<ProbeBatchTiming>& timing) {
    CostCoefficients c;
    double fwdFlops = 0, bwdFlops = 0, fwdSeconds = 0, bwdSeconds = 0;
    for (size_t b = timing.size() > 1 ? 1 : 0; b < timing.size(); ++b) {
        StepShape shape = like;
        shape.batch = timing[b].rows;
        shape.seq = timing[b].seq;
        double f = 0, g = 0;
        probeBatchFlops(CostModel(table, shape), f, g);
        fwdFlops += f;
        bwdFlops += g;
        fwdSeconds += timing[b].forwardSeconds;
        bwdSeconds += timing[b].backwardSeconds;
    }
    if (fwdFlops <= 0 || bwdFlops <= 0 || fwdSeconds <= 0 || bwdSeconds <= 0) return c;
    c.forwardSecPerFlop = fwdSeconds / fwdFlops;
    c.backwardSecPerFlop = bwdSeconds / bwdFlops;
    c.calibrated = true;
    return c;
}

}  // namespace aletheia
