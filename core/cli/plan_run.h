#pragma once
// The plan step of a run directory: plan.yaml reused or made (core/session) and saved.
#include <functional>
#include <string>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"
#include "core/session/experiment_plan.h"

namespace aletheia::cli {

// moduleTable(model) (core/probe/probe.h), for files that cannot include probe.h: its `Batch`
// and the trainer's `Batch` share a name.
ModuleTable modulesOf(const Model& model);

// The plan a run trains: <dir>/plan.yaml from `aletheia plan`, else the config's plan made now
// (from the run's saved probe scores when the policy needs scores) and saved to plan.yaml, so
// that train, bench, eval and export all use the same one. Throws aletheia::Error when the
// policy needs scores and there are none: run `aletheia plan` first. A distributed run calls it on
// rank 0 only and broadcasts the plan.
AdapterPlan runPlan(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table, const std::string& dir);

}  // namespace aletheia::cli
