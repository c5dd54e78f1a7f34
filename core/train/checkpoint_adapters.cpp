#include "core/train/checkpoint_adapters.h"

#include <map>

#include "core/common/error.h"
#include "core/lora/apply_plan.h"
#include "core/train/checkpoint.h"

namespace aletheia {

AdapterSet loadCheckpointAdapters(const Model& model, const AdapterPlan& plan, const std::string& checkpointDir) {
    const CheckpointState state = readCheckpoint(checkpointDir);
    std::map<std::string, torch::Tensor> saved(state.params.begin(), state.params.end());
    AdapterSet adapters = applyPlan(model, plan, 0);  // the seed does not matter: every tensor is overwritten below
    torch::NoGradGuard noGrad;
    for (auto& p : adapterParameters(adapters)) {
        auto it = saved.find(p.name);
        if (it == saved.end() || it->second.sizes() != p.tensor.sizes())
            failIn(checkpointDir, "checkpoint does not hold this adapter tensor (or not in this shape)", p.name);
        p.tensor.copy_(it->second);
    }
    return adapters;
}

}  // namespace aletheia
