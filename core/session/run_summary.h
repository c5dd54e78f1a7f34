#pragma once
// A finished (or stopped) training run read back from its run directory (core/session/
// run_recorder.h): what the Studio's Compare stage lists after a restart, whichever front end
// ran it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/plan/adapter_plan.h"

namespace aletheia {

struct RunSummary {
    std::string dir;               // the run directory
    std::string name;              // its folder name
    std::string model;             // config.yaml's model.path: the base model the run adapted
    AdapterPlan plan;              // plan.yaml
    int64_t steps = 0;             // the last step in metrics.jsonl
    double meanStepSeconds = 0.0;  // mean step_time_s, leaving out the first step (warm-up)
    double finalTrainLoss = 0.0;   // NaN when no step was recorded
    double finalEvalLoss = 0.0;    // NaN when no evaluation ran
    std::string lastCheckpoint;    // "" when none
    std::string outcome;           // the end line's (outcomeName), "interrupted" when there is none
    bool baseline = false;         // a uniform-LoRA baseline (folder name "uniform-...")
};

// The run in `dir`; nullopt when it is not a run directory (no config.yaml or plan.yaml).
// Unreadable or cut-off metric lines are skipped (a crash may leave the last one half-written).
std::optional<RunSummary> readRunSummary(const std::string& dir);
// Every run directory directly under `parent`, oldest first (by folder name, which starts with
// the run's kind and carries its start time). A run directory that cannot be read is left out,
// with the reason appended to `problems`.
std::vector<RunSummary> listRuns(const std::string& parent, std::vector<std::string>* problems = nullptr);

}  // namespace aletheia
