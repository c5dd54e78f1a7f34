#pragma once
// Loading a PEFT LoRA adapter directory (ours or one trained with PEFT) onto a model.
#include <string>

#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;

// Reads adapter_config.json + adapter_model.safetensors from `dir`, replaces the model's
// adapters with the stored ones (frozen base, trainable A/B) and returns the plan they form.
// Throws aletheia::Error naming the file and tensor when a key names a module the model does
// not have, when shapes disagree with the module, or when the adapter is not LoRA.
AdapterPlan importPeft(Model& model, const std::string& dir);

}  // namespace aletheia
