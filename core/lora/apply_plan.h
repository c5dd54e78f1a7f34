#pragma once
// The LoRA adapters of an AdapterPlan: exactly its (layer, module) cells, in a set the run owns.
#include <cstdint>
#include <string>
#include <vector>

#include "core/lora/adapter_set.h"
#include "core/model/cell_name.h"
#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;
struct Linear;

// A fresh LoraAdapter for each projection a cell covers (rank, alpha from the cell; dropout,
// rsLoRA from the plan), in model order. The model is only read. Cells are checked first: a
// cell naming a module the model does not have throws aletheia::Error listing the modules that
// layer does have. Init depends only on (seed, layer, projection), not on the order of cells, nor
// on whether an expert is planned alone or with the other experts.
AdapterSet applyPlan(const Model& model, const AdapterPlan& plan, uint64_t seed);

// The projections of `model` a cell adapts (core/model/cell_name.h): one, or every expert's copy
// for an "experts.*.<module>" cell; empty when the layer has no such module.
std::vector<Linear*> cellLinears(const Model& model, int layer, const std::string& module);

}  // namespace aletheia
