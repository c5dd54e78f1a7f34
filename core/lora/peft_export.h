#pragma once
// The trained adapter as a Hugging Face PEFT adapter directory, loadable with
// PeftModel.from_pretrained(base, dir):
//   adapter_config.json        r, lora_alpha, target_modules, layers_to_transform, rank_pattern,
//                              alpha_pattern, use_rslora, fan_in_fan_out, task_type, peft_type ...
//   adapter_model.safetensors  base_model.model.<module path>.lora_A.weight [r, in]
//                              base_model.model.<module path>.lora_B.weight [out, r]
// Adapters sit on the real modules, fused ones included (query_key_value, qkv_proj, c_attn ...),
// so PEFT injects them at the same places.
#include <string>

#include <nlohmann/json.hpp>

#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;
class AdapterSet;

// Writes `dir` (created if needed) from `adapters` on `model`, which must implement `plan` (as
// applyPlan or importPeft made them). Both files are written atomically.
void exportPeft(const Model& model, const AdapterSet& adapters, const AdapterPlan& plan, const std::string& dir,
                const std::string& baseModelName);

// The adapter_config.json for `plan` on `model`. target_modules are the planned modules' short
// names when PEFT's matching of (target_modules x layers_to_transform) selects exactly the
// planned cells, else their full paths. rank_pattern/alpha_pattern hold full-path keys
// ("model.layers.3.mlp.down_proj") for cells whose rank/alpha differ from r/lora_alpha.
nlohmann::json peftConfig(const Model& model, const AdapterPlan& plan, const std::string& baseModelName);

// What adapter_config.json names as the base model of a checkpoint folder: its config.json's
// `_name_or_path` when set (where it came from), else the folder's absolute path. A bare folder
// name ("model") would be taken by peft for a Hub id.
std::string baseModelNameFor(const std::string& modelDir);

// PEFT's rule for whether a target_modules entry names module path `key`: equal, or a suffix
// after a dot.
bool peftTargetMatches(const std::string& target, const std::string& key);
// PEFT's rank_pattern/alpha_pattern lookup for `key`: exact key first, then a regex that must
// match a dotted suffix of `key` (PCRE2 under a step limit). Returns the pattern key, or "" if none
// matches; throws aletheia::Error whose item is the pattern key if it does not compile or gives up.
std::string peftPatternKey(const nlohmann::json& pattern, const std::string& key);

}  // namespace aletheia
