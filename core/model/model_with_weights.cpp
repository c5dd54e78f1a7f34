// Model::withWeights: a second model over the same skeleton, sharing all tensors but a few.
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/model/model_state.h"

namespace aletheia {

Model Model::withWeights(const std::map<std::string, torch::Tensor>& weights) const {
    if (!s_) fail("no model loaded");
    auto s = std::make_shared<ModelState>();
    s->config = s_->config;
    s->dtype = s_->dtype;
    s->device = s_->device;
    buildSkeleton(*s);  // the same config gives the same slots in the same order
    for (size_t i = 0; i < s->slots.size(); ++i) *s->slots[i].target = *s_->slots[i].target;
    finishState(*s);
    Model m;
    m.s_ = s;
    size_t replaced = 0;
    for (Linear* l : m.linears()) {
        const auto it = weights.find(l->name);
        if (it == weights.end()) continue;
        if (it->second.sizes() != l->weight.sizes())
            fail(l->name + ".weight: replacement " + c10::str(it->second.sizes()) + " does not fit " +
                 c10::str(l->weight.sizes()));
        l->weight = it->second;
        ++replaced;
    }
    if (replaced != weights.size()) fail("a replacement weight names a projection this model does not have");
    return m;
}

}  // namespace aletheia
