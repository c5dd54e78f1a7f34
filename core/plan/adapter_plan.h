#pragma once
// The hand-off between planning and training: which projections get LoRA, with which rank
// and alpha. Produced by core/plan (policies, rank allocation), consumed by core/lora.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

// One adapted projection. `module` is the PEFT target name of the real (possibly fused)
// module, as `Linear::module` spells it ("q_proj", "query_key_value", "experts.3.w1" ...).
struct AdapterCell {
    int layer = -1;
    std::string module;
    int rank = 0;
    double alpha = 0.0;
};

struct AdapterPlan {
    std::vector<AdapterCell> cells;
    double dropout = 0.0;
    bool rslora = false;  // scaling alpha/sqrt(r) instead of alpha/r

    // Backward must run down to the lowest adapted layer; layers below it cost forward only.
    // -1 when the plan is empty.
    int lowestLayer() const {
        int lo = -1;
        for (const auto& c : cells)
            if (lo < 0 || c.layer < lo) lo = c.layer;
        return lo;
    }
    const AdapterCell* find(int layer, const std::string& module) const {
        for (const auto& c : cells)
            if (c.layer == layer && c.module == module) return &c;
        return nullptr;
    }
};

}  // namespace aletheia
