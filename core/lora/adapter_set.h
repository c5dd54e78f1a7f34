#pragma once
// The LoRA adapters of one run, kept beside the model (as llama.cpp keeps LoRA beside the
// weights): the run owns them and passes them to linear() through ForwardHooks::adapters, so the
// model's weights are never changed and two runs on one model never see each other's adapters.
//
//   AdapterSet adapters = applyPlan(model, plan, seed);
//   ForwardHooks hooks;  hooks.adapters = &adapters;
//   model.forward(ids, mask, labels, hooks);
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/torch.h>

#include "core/lora/lora_adapter.h"
#include "core/model/linear.h"
#include "core/plan/adapter_plan.h"

namespace aletheia {

class Model;

// One trainable tensor, named stably across runs (checkpoints key on the name).
struct TrainableParam {
    std::string name;      // "<linear name>.lora_A" / ".lora_B", or the HF parameter name
    int layer = -1;        // decoder layer, -1 for embeddings / final norm / head
    torch::Tensor tensor;  // leaf, requires_grad
};

class AdapterSet final : public LinearAdapters {
public:
    struct Entry {
        std::string linear;  // Linear::name of the adapted projection: how linear() finds it
        int layer = -1;
        std::string cell;    // cellModule of the projection (core/model/cell_name.h)
        LoraAdapter lora;
    };

    // Adds an adapter for `l`, after those already added (callers add in model order).
    // Throws aletheia::Error when `l` already has one.
    void add(const Linear& l, LoraAdapter lora);

    // The adapter of the projection named `linear`, or null.
    const LoraAdapter* find(const std::string& linear) const;
    const std::vector<Entry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    size_t size() const { return entries_.size(); }

    torch::Tensor delta(const torch::Tensor& x, const Linear& l, bool dropout) const override;
    bool adapts(const Linear& l) const override { return find(l.name) != nullptr; }

private:
    std::vector<Entry> entries_;
    std::unordered_map<std::string, size_t> index_;  // Linear::name -> entries_ index
};

// The trainable A and B of every adapter, in the set's order.
std::vector<TrainableParam> adapterParameters(const AdapterSet& adapters);
// The projections of `model` that carry an adapter of the set, with it, in model order.
std::vector<std::pair<const Linear*, const LoraAdapter*>> loraLinears(const Model& model, const AdapterSet& adapters);
// Per decoder layer (numLayers of them) ||scaling B A||_F summed in quadrature over the layer's adapters.
std::vector<double> layerDeltaNorms(const AdapterSet& adapters, int numLayers);
// The plan the set implements, one cell per adapted projection (for export after training).
AdapterPlan planOfAdapters(const AdapterSet& adapters);

}  // namespace aletheia
