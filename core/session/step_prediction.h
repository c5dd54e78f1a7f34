#pragma once
// Predicted against measured step time of a training run: the Plan stage's probe-calibrated
// prediction (probe_calibration.h) checked by the run itself.
#include <string>
#include <vector>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"

namespace aletheia {

// Seconds per optimizer step of `plan` (one micro-batch step times the accumulation), as the
// cost model calibrated from `scores`' probe timings predicts; 0 when that probe was not timed.
double predictedStepSeconds(const ExperimentConfig& cfg, const Model& model, const ProbeScores& scores,
                            const AdapterPlan& plan);

// "step 812 ms measured (median of steps 2-20), 760 ms predicted: prediction 6.4% low";
// empty without a prediction or a step to measure. The first step (allocator and cache warm-up)
// is left out when there are more.
std::string predictedVsMeasured(double predictedSeconds, const std::vector<double>& stepSeconds);

}  // namespace aletheia
