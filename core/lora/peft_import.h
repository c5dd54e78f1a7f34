#pragma once
// Loading a PEFT LoRA adapter directory (ours or one trained with PEFT) onto a model.
#include <string>
#include <vector>

#include "core/lora/adapter_set.h"

namespace aletheia {

class Model;

// Reads adapter_config.json + adapter_model.safetensors from `dir` into an adapter set for
// `model` (trainable A/B; the model is only read); planOfAdapters gives the plan they form.
// Throws aletheia::Error naming the file and tensor when a key names a module the model does
// not have, when shapes disagree with the module, or when the adapter is not LoRA.
AdapterSet importPeft(const Model& model, const std::string& dir);

// Overwrites trainable LoRA tensors (as applyPlan made them, named "<module path>.lora_A/_B")
// with the values stored in the PEFT adapter directory `dir`, so that a run starts from an
// adapter made elsewhere (PEFT's own initialisation, an earlier run). Throws aletheia::Error
// naming the file and tensor when one is missing or misshapen.
void loadPeftValues(const std::vector<TrainableParam>& params, const std::string& dir);

}  // namespace aletheia
