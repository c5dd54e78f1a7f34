#pragma once
// The plan step of an experiment: the config's plan section mapped onto core/plan, probing
// only when the policy needs scores.
#include <functional>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"

namespace aletheia::cli {

// moduleTable(model) (core/probe/probe.h), for files that cannot include probe.h: its `Batch`
// and the trainer's `Batch` share a name.
ModuleTable modulesOf(const Model& model);

// `probe` runs the probe when the policy needs scores (it is not called otherwise).
AdapterPlan planExperiment(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                           const std::function<ProbeScores()>& probe);

}  // namespace aletheia::cli
