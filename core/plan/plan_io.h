#pragma once
// Plans on disk: a readable YAML (hand-editable, what `aletheia plan` writes and the
// experiment's plan.file reads) and PEFT's LoraConfig fields.
//
//   # Aletheia adapter plan
//   dropout: 0.05
//   rslora: false
//   layers:
//     12:
//       q_proj: {r: 16, alpha: 32}
//       down_proj: {r: 64, alpha: 128}
#include <string>

#include <nlohmann/json.hpp>

#include "core/plan/adapter_plan.h"
#include "core/probe/module_table.h"

namespace aletheia {

// The largest rank a plan file may give a cell (the experiment schema's bound on ranks too).
constexpr int kMaxPlanRank = 4096;

std::string planToYaml(const AdapterPlan& plan);
// Throws aletheia::Error with `source` (a file name, for messages) and the line of the problem.
// The result is not checked against a model: call validatePlan (plan_table.h) for that.
AdapterPlan planFromYaml(const std::string& text, const std::string& source = "plan.yaml");
AdapterPlan loadPlan(const std::string& path);
void savePlan(const AdapterPlan& plan, const std::string& path);

// PEFT LoraConfig fields: r and lora_alpha (the most common values), target_modules,
// layers_to_transform when the plan is a full layers x modules product (else target_modules is
// one regex over full module paths, which PEFT full-matches), rank_pattern / alpha_pattern for
// cells that differ (keys: module-path regexes, which PEFT matches as `(.*\.)?key$`),
// lora_dropout, use_rslora.
nlohmann::json planToPeft(const AdapterPlan& plan, const ModuleTable& table);

}  // namespace aletheia
