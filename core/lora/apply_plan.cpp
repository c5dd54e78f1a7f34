#include "core/lora/apply_plan.h"

#include <cmath>
#include <set>

#include "core/common/error.h"
#include "core/lora/lora_adapter.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

// splitmix64 over (seed, layer, FNV-1a(module)): a per-cell seed independent of cell order.
uint64_t cellSeed(uint64_t seed, int layer, const std::string& module) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : module) h = (h ^ c) * 1099511628211ull;
    uint64_t z = seed ^ (uint64_t(uint32_t(layer)) << 32) ^ h;
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::string modulesOfLayer(Model& model, int layer) {
    std::string s;
    for (Linear* l : model.linears())
        if (l->layer == layer && l->expert <= 0) s += (s.empty() ? "" : ", ") + pooledCellModule(*l);
    return s.empty() ? std::string("(no such layer)") : s + (s.find("experts.*.") != std::string::npos ? " (or one expert: experts.<index>.<module>)" : "");
}

}  // namespace

std::vector<Linear*> cellLinears(const Model& model, int layer, const std::string& module) {
    std::vector<Linear*> out;
    for (Linear* l : model.linears())
        if (l->layer == layer && cellCovers(module, *l)) out.push_back(l);
    return out;
}

std::vector<TrainableParam> applyPlan(Model& model, const AdapterPlan& plan, uint64_t seed) {
    std::vector<std::pair<Linear*, const AdapterCell*>> targets;
    std::set<const Linear*> seen;
    for (const auto& c : plan.cells) {
        const auto ls = cellLinears(model, c.layer, c.module);
        if (ls.empty())
            fail("the plan adapts layer " + std::to_string(c.layer) + " module '" + c.module +
                 "', which this model does not have; layer " + std::to_string(c.layer) + " has: " +
                 modulesOfLayer(model, c.layer));
        if (c.rank <= 0) fail("the plan gives layer " + std::to_string(c.layer) + " '" + c.module + "' rank " +
                              std::to_string(c.rank) + "; ranks must be positive");
        for (Linear* l : ls) {
            if (!seen.insert(l).second)
                fail("the plan adapts layer " + std::to_string(c.layer) + " '" + cellModule(*l) +
                     "' twice (is it listed both alone and under " + pooledCellModule(*l) + "?)");
            targets.emplace_back(l, &c);
        }
    }
    removeAdapters(model);
    for (auto& p : model.parameters()) p.set_requires_grad(false);

    for (auto [l, c] : targets) {
        LoraSpec spec{c->rank, c->alpha, plan.rslora, plan.dropout};
        l->adapter = std::make_shared<LoraAdapter>(l->inFeatures(), l->outFeatures(), spec,
                                                   cellSeed(seed, l->layer, cellModule(*l)), l->weight.device());
    }
    return adapterParameters(model);
}

void removeAdapters(Model& model) {
    for (Linear* l : model.linears()) l->adapter.reset();
}

std::vector<std::pair<const Linear*, LoraAdapter*>> loraLinears(const Model& model) {
    std::vector<std::pair<const Linear*, LoraAdapter*>> out;
    for (const Linear* l : const_cast<Model&>(model).linears())
        if (auto* a = dynamic_cast<LoraAdapter*>(l->adapter.get())) out.emplace_back(l, a);
    return out;
}

std::vector<TrainableParam> adapterParameters(const Model& model) {
    std::vector<TrainableParam> out;
    for (auto [l, a] : loraLinears(model)) {
        out.push_back({l->name + ".lora_A", l->layer, a->A});
        out.push_back({l->name + ".lora_B", l->layer, a->B});
    }
    return out;
}

void setAdaptersTraining(const Model& model, bool training) {
    for (auto [l, a] : loraLinears(model)) a->training = training;
}

std::vector<double> layerDeltaNorms(const Model& model) {
    std::vector<double> sq(size_t(std::max<int64_t>(0, model.numLayers())), 0.0);
    std::vector<int> layers;
    std::vector<torch::Tensor> norms;
    for (auto [l, a] : loraLinears(model)) {
        if (l->layer < 0 || size_t(l->layer) >= sq.size()) continue;
        layers.push_back(l->layer);
        norms.push_back(a->deltaNorm().to(torch::kFloat64).cpu());  // tiny r x r work each
    }
    if (norms.empty()) return sq;
    auto host = torch::stack(norms);
    auto acc = host.accessor<double, 1>();
    for (size_t i = 0; i < layers.size(); ++i) sq[size_t(layers[i])] += acc[int64_t(i)] * acc[int64_t(i)];
    for (auto& v : sq) v = std::sqrt(v);
    return sq;
}

AdapterPlan planOfAdapters(const Model& model) {
    AdapterPlan plan;
    for (auto [l, a] : loraLinears(model)) {
        plan.cells.push_back({l->layer, cellModule(*l), a->spec().rank, a->spec().alpha});
        plan.dropout = a->spec().dropout;
        plan.rslora = a->spec().rslora;
    }
    return plan;
}

}  // namespace aletheia
