#pragma once
// Fits the cost model's seconds-per-FLOP on the current device from a few timed steps, and a
// step timer that needs no LoRA: forward through every block, backward only from the head down
// to the plan's lowest adapted layer (the input of that block is made to require grad).
// A trainer with real LoRA steps passes its own timer to calibrateCost instead.
#include <functional>

#include "core/model/model.h"
#include "core/plan/cost_model.h"
#include "core/probe/probe.h"

namespace aletheia {

// Seconds of one step of `plan` (median of several, after a warm-up).
using StepTimer = std::function<double(const AdapterPlan& plan)>;

// Times two plans that differ only in backward depth (uniform LoRA: depth 0; the top layer
// only: depth L-1) and solves seconds = a * forwardFlops + b * backwardFlops.
CostCoefficients calibrateCost(const CostModel& cost, const StepTimer& timeStep);

// The LoRA-free proxy step. repeats >= 1; the median is returned.
double timeProxyStep(const Model& model, const AdapterPlan& plan, const Batch& batch, int repeats = 3);

// Median wall time of `repeats` calls of fn after one warm-up call.
double medianSeconds(const std::function<void()>& fn, int repeats);

}  // namespace aletheia
