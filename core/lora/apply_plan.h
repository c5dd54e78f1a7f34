#pragma once
// Puts LoRA adapters on exactly the (layer, module) cells of an AdapterPlan and freezes the rest.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/cell_name.h"
#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;
struct Linear;
class LoraAdapter;

// One trainable tensor, named stably across runs (checkpoints key on the name).
struct TrainableParam {
    std::string name;      // "<linear name>.lora_A" / ".lora_B", or the HF parameter name
    int layer = -1;        // decoder layer, -1 for embeddings / final norm / head
    torch::Tensor tensor;  // leaf, requires_grad
};

// Freezes every base parameter, removes existing adapters and attaches a fresh LoraAdapter to
// each projection a cell covers (rank, alpha from the cell; dropout, rsLoRA from the plan). Cells are checked
// before anything changes: a cell naming a module the model does not have throws
// aletheia::Error listing the modules that layer does have, and leaves the model untouched.
// Init depends only on (seed, layer, projection), not on the order of cells, nor on whether an
// expert is planned alone or with the other experts.
std::vector<TrainableParam> applyPlan(Model& model, const AdapterPlan& plan, uint64_t seed);

// The projections of `model` a cell adapts (core/model/cell_name.h): one, or every expert's copy
// for an "experts.*.<module>" cell; empty when the layer has no such module.
std::vector<Linear*> cellLinears(const Model& model, int layer, const std::string& module);

// Detaches every adapter (the base model is back as loaded).
void removeAdapters(Model& model);
// The adapters currently on the model, with their trainable tensors, in model order.
std::vector<TrainableParam> adapterParameters(const Model& model);
// Every projection carrying a LoRA adapter, in model order.
std::vector<std::pair<const Linear*, LoraAdapter*>> loraLinears(const Model& model);
// Dropout on (training) or off (evaluation) in every adapter.
void setAdaptersTraining(const Model& model, bool training);
// Per decoder layer ||scaling B A||_F summed in quadrature over the layer's adapters.
std::vector<double> layerDeltaNorms(const Model& model);
// The plan the model's adapters implement (for export after training).
AdapterPlan planOfAdapters(const Model& model);

}  // namespace aletheia
