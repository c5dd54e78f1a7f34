#include "core/lora/adapter_set.h"

#include <cmath>

#include "core/common/error.h"
#include "core/model/cell_name.h"
#include "core/model/model.h"

namespace aletheia {

void AdapterSet::add(const Linear& l, LoraAdapter lora) {
    if (!index_.emplace(l.name, entries_.size()).second) fail("'" + l.name + "' is given two LoRA adapters");
    entries_.push_back({l.name, l.layer, cellModule(l), std::move(lora)});
}

const LoraAdapter* AdapterSet::find(const std::string& linear) const {
    const auto it = index_.find(linear);
    return it == index_.end() ? nullptr : &entries_[it->second].lora;
}

torch::Tensor AdapterSet::delta(const torch::Tensor& x, const Linear& l, bool dropout) const {
    const LoraAdapter* a = find(l.name);
    return a ? a->delta(x, dropout) : torch::Tensor();
}

std::vector<TrainableParam> adapterParameters(const AdapterSet& adapters) {
    std::vector<TrainableParam> out;
    for (const auto& e : adapters.entries()) {
        out.push_back({e.linear + ".lora_A", e.layer, e.lora.A});
        out.push_back({e.linear + ".lora_B", e.layer, e.lora.B});
    }
    return out;
}

std::vector<std::pair<const Linear*, const LoraAdapter*>> loraLinears(const Model& model, const AdapterSet& adapters) {
    std::vector<std::pair<const Linear*, const LoraAdapter*>> out;
    for (const Linear* l : model.linears())
        if (const LoraAdapter* a = adapters.find(l->name)) out.emplace_back(l, a);
    return out;
}

std::vector<double> layerDeltaNorms(const AdapterSet& adapters, int numLayers) {
    std::vector<double> sq(size_t(std::max(0, numLayers)), 0.0);
    std::vector<int> layers;
    std::vector<torch::Tensor> norms;
    for (const auto& e : adapters.entries()) {
        if (e.layer < 0 || size_t(e.layer) >= sq.size()) continue;
        layers.push_back(e.layer);
        norms.push_back(e.lora.deltaNorm().to(torch::kFloat64).cpu());  // tiny r x r work each
    }
    if (norms.empty()) return sq;
    auto host = torch::stack(norms);
    auto acc = host.accessor<double, 1>();
    for (size_t i = 0; i < layers.size(); ++i) sq[size_t(layers[i])] += acc[int64_t(i)] * acc[int64_t(i)];
    for (auto& v : sq) v = std::sqrt(v);
    return sq;
}

AdapterPlan planOfAdapters(const AdapterSet& adapters) {
    AdapterPlan plan;
    for (const auto& e : adapters.entries()) {
        plan.cells.push_back({e.layer, e.cell, e.lora.spec().rank, e.lora.spec().alpha});
        plan.dropout = e.lora.spec().dropout;
        plan.rslora = e.lora.spec().rslora;
    }
    return plan;
}

}  // namespace aletheia
