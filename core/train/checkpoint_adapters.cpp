#include "core/train/checkpoint_adapters.h"

#include <map>

#include "core/common/error.h"
#include "core/lora/apply_plan.h"
#include "core/train/checkpoint.h"

namespace aletheia {

void loadCheckpointAdapters(Model& model, const AdapterPlan& plan, const std::string& checkpointDir) {
    const CheckpointState state = readCheckpoint(checkpointDir);
    std::map<std::string, torch::Tensor> saved(state.params.begin(), state.params.end());
    applyPlan(model, plan, 0);  // the seed does not matter: every tensor is overwritten below
    torch::NoGradGuard noGrad;
    for (auto& p : adapterParameters(model)) {
        auto it = saved.find(p.name);
        if (it == saved.end() || it->second.sizes() != p.tensor.sizes())
            failIn(checkpointDir, "checkpoint does not hold this adapter tensor (or not in this shape)", p.name);
        p.tensor.copy_(it->second);
    }
}

}  // namespace aletheia
