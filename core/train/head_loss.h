#pragma once
// The LM head and the summed cross-entropy in one pass over tiles of loss-bearing positions x
// vocabulary, so that the [B, T, vocab] logits (151936 wide for Qwen2.5, in fp32 for the loss) are
// never held whole, neither in forward nor for backward, and positions without loss (masked prompt
// tokens, padding) cost no head GEMM at all. The gradient with respect to the hidden states is
// computed tile by tile in forward (softmax - one-hot, times the head weight, with an online
// logsumexp across vocabulary tiles) and only scaled in backward, as Liger's fused linear
// cross-entropy does.
#include <torch/torch.h>

#include "core/model/forward_context.h"

namespace aletheia {

class Model;

// The core of it: sum over rows of logsumexp(x W^T) - (x W^T)[target], x [N, H], w [V, H] frozen,
// targets [N] in [0, V). Tile sizes <= 0 pick about 64 MB of fp32 logits per tile.
torch::Tensor headCrossEntropySum(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& targets,
                                  int64_t rowsPerTile = 0, int64_t vocabPerTile = 0);

// Summed token cross-entropy of the model's head on the final hidden states `h` [B, T, H] against
// `labels` [B, T] (HF's shift: position t predicts labels[t + 1]; -100 ignored), fp32 scalar.
// Returns an undefined tensor when the fused path does not apply, and the caller then runs
// model.head() and cross_entropy: an adapter or a probe on the head, a head bias, gemma2's final
// soft-capping, a trainable head weight (full fine-tuning), or CUDA autocast (not tried on a GPU).
torch::Tensor fusedHeadLossSum(const Model& model, const torch::Tensor& h, const torch::Tensor& labels,
                               const ForwardContext& ctx, bool autocast);

}  // namespace aletheia
