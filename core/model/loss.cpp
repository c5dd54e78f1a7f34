#include "core/model/loss.h"

#include <torch/torch.h>

namespace aletheia {

torch::Tensor causalLmLoss(const torch::Tensor& logits, const torch::Tensor& labels) {
    const int64_t T = logits.size(1), V = logits.size(2);
    auto shiftLogits = logits.narrow(1, 0, T - 1).to(torch::kFloat).reshape({-1, V});  // [B*(T-1), V]
    auto shiftLabels = labels.narrow(1, 1, T - 1).reshape({-1}).to(logits.device());    // [B*(T-1)]
    return torch::nn::functional::cross_entropy(
        shiftLogits, shiftLabels,
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kMean));
}

}  // namespace aletheia
