#pragma once
// A training checkpoint's adapters put back on a model: for export, evaluation or comparison
// after the run (resuming a run is train()'s own business).
#include <string>

#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;

// Attaches fresh adapters for `plan` (applyPlan) and overwrites them with the LoRA tensors of
// the checkpoint directory `checkpointDir` (writeCheckpoint's layout). Throws aletheia::Error
// naming the checkpoint and the tensor when one is missing or misshapen.
void loadCheckpointAdapters(Model& model, const AdapterPlan& plan, const std::string& checkpointDir);

}  // namespace aletheia
