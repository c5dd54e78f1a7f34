#pragma once
#include <torch/types.h>

namespace aletheia {

constexpr int64_t kIgnoreIndex = -100;

// HF ForCausalLMLoss: mean cross-entropy of logits[:, :-1] against labels[:, 1:], skipping -100.
// logits: [B, T, V] (any float dtype, computed in fp32), labels: [B, T] int64 -> fp32 scalar.
torch::Tensor causalLmLoss(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace aletheia
