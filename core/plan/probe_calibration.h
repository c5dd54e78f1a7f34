#pragma once
// The cost model's seconds per FLOP taken from the gradient probe itself: the probe already runs
// forward + backward through every layer on the user's data, shape and device, and times each
// batch (ProbeBatchTiming), so no separate calibration run is needed. Forward: every layer and the
// full-vocabulary head. Backward: the loss and head input gradient, every layer's input gradient,
// and each projection's weight-gradient norm (gradient_norm_linear.h: direct dW or the Gram form,
// whichever that code picks).
#include <vector>

#include "core/plan/cost_model.h"
#include "core/probe/probe_scores.h"

namespace aletheia {

// FLOPs of one probe batch of `cost`'s shape.
void probeBatchFlops(const CostModel& cost, double& forward, double& backward);

// Seconds per forward / backward FLOP over the timed batches (the first is a warm-up and left out
// when there are more). `like` gives the model's widths; each batch brings its own [rows, seq].
// Returns the uncalibrated defaults when `timing` is empty.
CostCoefficients coefficientsFromProbe(const ModuleTable& table, const StepShape& like,
                                       const std::vector<ProbeBatchTiming>& timing);

}  // namespace aletheia
