#include "core/lora/apply_plan.h"

#include <cmath>
#include <map>

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

std::string modulesOfLayer(const Model& model, int layer) {
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

AdapterSet applyPlan(const Model& model, const AdapterPlan& plan, uint64_t seed) {
    std::map<const Linear*, const AdapterCell*> targets;
    for (const auto& c : plan.cells) {
        const auto ls = cellLinears(model, c.layer, c.module);
        if (ls.empty())
            fail("the plan adapts layer " + std::to_string(c.layer) + " module '" + c.module +
                 "', which this model does not have; layer " + std::to_string(c.layer) + " has: " +
                 modulesOfLayer(model, c.layer));
        if (c.rank <= 0) fail("the plan gives layer " + std::to_string(c.layer) + " '" + c.module + "' rank " +
                              std::to_string(c.rank) + "; ranks must be positive");
        for (Linear* l : ls)
            if (!targets.emplace(l, &c).second)
                fail("the plan adapts layer " + std::to_string(c.layer) + " '" + cellModule(*l) +
                     "' twice (is it listed both alone and under " + pooledCellModule(*l) + "?)");
    }
    AdapterSet set;
    for (const Linear* l : model.linears()) {  // model order: parameters keep one order whatever the plan's
        const auto it = targets.find(l);
        if (it == targets.end()) continue;
        const AdapterCell& c = *it->second;
        const LoraSpec spec{c.rank, c.alpha, plan.rslora, plan.dropout};
        set.add(*l, LoraAdapter(l->inFeatures(), l->outFeatures(), spec, cellSeed(seed, l->layer, cellModule(*l)),
                                l->weight.device()));
    }
    return set;
}

}  // namespace aletheia
