#include "core/lora/merge.h"

#include "core/lora/apply_plan.h"
#include "core/lora/lora_adapter.h"
#include "core/model/model.h"

namespace aletheia {

int mergeAdapters(Model& model) {
    torch::NoGradGuard noGrad;
    int merged = 0;
    for (auto [cl, a] : loraLinears(model)) {
        auto* l = const_cast<Linear*>(cl);
        // [out, in] in memory for every family (GPT-2 Conv1D is transposed at load and at save).
        auto sum = l->weight.to(torch::kFloat32) + a->mergedDelta().to(l->weight.device());
        // In place, so every holder of the weight (state dict, tied views) sees the merge.
        // Mapped weights are private copy-on-write mappings: the file on disk is untouched.
        l->weight.copy_(sum);
        l->adapter.reset();
        ++merged;
    }
    return merged;
}

void saveMerged(Model& model, const std::string& dir) {
    mergeAdapters(model);
    model.save(dir);
}

}  // namespace aletheia
