#include "core/session/step_prediction.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/session/experiment_plan.h"
#include "core/train/step_benchmark.h"

namespace aletheia {

double predictedStepSeconds(const ExperimentConfig& cfg, const Model& model, const ProbeScores& scores,
                            const AdapterPlan& plan) {
    if (scores.timing.empty() || plan.cells.empty()) return 0.0;
    const auto cost = costModelFor(cfg, model, scores.table, &scores);
    if (!cost->coefficients().calibrated) return 0.0;
    return cost->estimate(plan).seconds * std::max(1, cfg.train.gradient_accumulation_steps);
}

std::string predictedVsMeasured(double predictedSeconds, const std::vector<double>& stepSeconds) {
    if (!(predictedSeconds > 0) || stepSeconds.empty()) return {};
    const size_t first = stepSeconds.size() > 1 ? 1 : 0;
    const double measured = medianOf({stepSeconds.begin() + long(first), stepSeconds.end()});
    const double error = (predictedSeconds - measured) / measured * 100.0;
    char buf[200];
    std::snprintf(buf, sizeof buf, "step %.0f ms measured (median of steps %zu-%zu), %.0f ms predicted: prediction %.1f%% %s",
                  measured * 1e3, first + 1, stepSeconds.size(), predictedSeconds * 1e3, std::abs(error),
                  error >= 0 ? "high" : "low");
    return buf;
}

}  // namespace aletheia
