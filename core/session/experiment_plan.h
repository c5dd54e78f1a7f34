#pragma once
// The experiment's plan: config.plan + config.lora mapped onto core/plan, for every policy,
// allocation and alpha rule. One mapping for CLI and Studio, so the same YAML gives the same
// cells, ranks and alphas, the same uniform baseline and the same cost-model prediction.
#include <functional>
#include <memory>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/plan/cost_model.h"
#include "core/plan/make_plan.h"
#include "core/probe/probe_scores.h"

namespace aletheia {

// The ranks and alphas config.plan.allocation and config.lora ask for.
RankOptions rankOptionsFor(const ExperimentConfig& cfg);

// The step the cost model prices: one micro-batch of train.micro_batch_size x data.sequence_len.
StepShape stepShapeFor(const ExperimentConfig& cfg, const Model& model);
// The cost model both front ends predict with (uniform LoRA at lora.lora_r as the reference).
// With `timedProbe` (scores whose probe timed its batches) its seconds per FLOP come from the
// probe; without, it is the FLOP ratio alone. Planning (cost_aware's step budget) uses the FLOP
// ratio, so that the same YAML and scores give the same plan on any machine.
std::unique_ptr<CostModel> costModelFor(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                                        const ProbeScores* timedProbe = nullptr);

// The plan of config.plan / config.lora. `scores` is called only when the policy needs them.
// Throws aletheia::Error (naming the config key) when the plan adapts nothing or names a module
// the model does not have.
AdapterPlan planExperiment(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                           const std::function<ProbeScores()>& scores);

// The baseline a plan is measured against: uniform LoRA (rank lora.lora_r, the config's alpha
// rule and dropout) on every layer, restricted to lora.lora_target_modules when given.
// uniformExperiment is `cfg` planned that way (what a baseline run's config.yaml records, so that
// it says how the run was planned); uniformPlanFor its plan.
ExperimentConfig uniformExperiment(const ExperimentConfig& cfg);
AdapterPlan uniformPlanFor(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table);

}  // namespace aletheia
