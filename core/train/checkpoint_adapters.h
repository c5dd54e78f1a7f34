#pragma once
// A training checkpoint's adapters, rebuilt beside a model: for export, evaluation or comparison
// after the run (resuming a run is train()'s own business).
#include <string>

#include "core/lora/adapter_set.h"
#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;

// Fresh adapters for `plan` on `model` (applyPlan), overwritten with the LoRA tensors of the
// checkpoint directory `checkpointDir` (writeCheckpoint's layout). Throws aletheia::Error naming
// the checkpoint and the tensor when one is missing or misshapen.
AdapterSet loadCheckpointAdapters(const Model& model, const AdapterPlan& plan, const std::string& checkpointDir);

}  // namespace aletheia
