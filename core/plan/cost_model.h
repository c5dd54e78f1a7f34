#pragma once
// Predicted cost of one training step of a plan, relative to uniform LoRA on the same model,
// sequence length and batch. Analytic FLOP counts turned into seconds by two coefficients
// (seconds per forward FLOP, per backward FLOP) that calibrateCost() fits on the current device.
//
// Why the backward depth matters: autograd must run backward through every layer above the
// lowest adapted one (to reach its adapter), while frozen layers below it run forward only.
#include <cstdint>
#include <vector>

#include "core/plan/adapter_plan.h"
#include "core/probe/module_table.h"

namespace aletheia {

struct StepShape {
    std::int64_t batch = 1;
    std::int64_t seq = 512;
    std::int64_t hidden = 0;
    std::int64_t vocab = 0;
    std::int64_t attnDim = 0;   // heads * head_dim (the width of q)
};

struct CostCoefficients {
    double forwardSecPerFlop = 1e-10;
    double backwardSecPerFlop = 1e-10;
    double fixedSeconds = 0.0;  // per-step overhead (optimizer, loss, launches)
    bool calibrated = false;    // false: the defaults, the FLOP ratio is all the prediction knows
};

struct CostEstimate {
    int backwardDepth = -1;            // lowest adapted layer (-1: nothing adapted)
    std::int64_t trainableParams = 0;
    double forwardFlops = 0, backwardFlops = 0;   // this plan, one step
    double seconds = 0;                           // predicted step time of this plan
    double uniformForwardFlops = 0, uniformBackwardFlops = 0;
    double uniformSeconds = 0;                    // predicted step time of uniform LoRA
    double speedup = 1.0;                         // uniformSeconds / seconds
    double flopRatio = 1.0;                       // uniform FLOPs / plan FLOPs
};

// One timed step, for fitting the coefficients.
struct CostSample {
    double forwardFlops = 0, backwardFlops = 0, seconds = 0;
};

class CostModel {
public:
    CostModel(ModuleTable table, StepShape shape, CostCoefficients coeff = {}, int uniformRank = 16);

    // FLOPs of one step: forward of every layer and the head, backward (input gradients) of the
    // head and of the layers from `depth` up, plus LoRA forward/backward of the adapted modules.
    void flops(const AdapterPlan& plan, double& forward, double& backward) const;
    double seconds(double forwardFlops, double backwardFlops) const;
    CostEstimate estimate(const AdapterPlan& plan) const;

    // Uniform LoRA: rank r on every non-router module of every layer (the baseline).
    AdapterPlan uniformPlan() const;
    const ModuleTable& table() const { return table_; }
    const StepShape& shape() const { return shape_; }
    const CostCoefficients& coefficients() const { return coeff_; }
    void setCoefficients(const CostCoefficients& c) { coeff_ = c; }

    // Pieces the cost-aware planner uses without building plans (all per step).
    double layerForwardFlops(int layer) const { return layerForward_[static_cast<size_t>(layer)]; }
    double layerBackwardFlops(int layer) const;      // input-gradient pass through one layer
    double headForwardFlops() const;
    double loraFlops(int module, int rank, double& backward) const;  // returns forward

private:
    ModuleTable table_;
    StepShape shape_;
    CostCoefficients coeff_;
    int uniformRank_;
    std::vector<double> layerForward_;
    std::vector<double> layerAttention_;
    double uniformForward_ = 0, uniformBackward_ = 0;  // cached: estimate() runs on every slider move
    double tokens() const { return static_cast<double>(shape_.batch * shape_.seq); }
};

// Least-squares fit of seconds = fixed + a * forwardFlops + b * backwardFlops (fixed = 0 when
// fewer than three samples). Coefficients are kept non-negative.
CostCoefficients fitCoefficients(const std::vector<CostSample>& samples);

}  // namespace aletheia
