#pragma once
// The plan step of an experiment: the config's plan section mapped onto core/plan, probing
// only when the policy needs scores.
#include <functional>
#include <string>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/plan/cost_model.h"
#include "core/probe/probe_scores.h"

namespace aletheia::cli {

// moduleTable(model) (core/probe/probe.h), for files that cannot include probe.h: its `Batch`
// and the trainer's `Batch` share a name.
ModuleTable modulesOf(const Model& model);

// The step the cost model prices: one micro-batch of train.micro_batch_size x data.sequence_len.
StepShape stepShapeFor(const ExperimentConfig& cfg, const Model& model);

// `probe` runs the probe when the policy needs scores (it is not called otherwise).
AdapterPlan planExperiment(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                           const std::function<ProbeScores()>& probe);

// The baseline the plan is measured against: uniform LoRA (rank lora.lora_r, the config's alpha
// rule) on every layer, restricted to lora.lora_target_modules when given.
AdapterPlan uniformPlanFor(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table);

// The plan a run trains: <dir>/plan.yaml from `aletheia plan`, else the config's plan made now
// (from the run's saved probe scores when the policy needs scores) and saved to plan.yaml, so
// that train, bench, eval and export all use the same one. Throws aletheia::Error when the
// policy needs scores and there are none: run `aletheia plan` first.
AdapterPlan runPlan(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table, const std::string& dir);

}  // namespace aletheia::cli
