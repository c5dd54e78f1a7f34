#pragma once
// One training/eval forward of a micro-batch, block by block, so that
//  - no autograd graph is built below `first_grad_layer` (LoRA: the lowest adapted layer;
//    layers under it cost a forward only — the selective-LoRA saving), and
//  - each block from there up may be activation-checkpointed (recomputed in backward).
#include <atomic>
#include <cstdint>

#include <torch/torch.h>

#include "core/model/forward_context.h"
#include "core/train/batch_source.h"

namespace aletheia {

class Model;

struct ForwardOptions {
    int first_grad_layer = 0;          // blocks below run under NoGradGuard
    bool activation_checkpointing = false;
    bool autocast = false;             // CUDA bf16 autocast around the forward
    ForwardHooks hooks;                // the run's adapters (and their dropout) for linear()
    bool fused_head_loss = true;       // head + loss chunked over loss-bearing positions (head_loss.h)
    // Test hook: when set, counts block outputs that backward actually passes through.
    std::atomic<int>* backward_blocks = nullptr;
};

struct LossSum {
    torch::Tensor sum;   // fp32 scalar: summed token cross-entropy (undefined if tokens == 0)
    int64_t tokens = 0;  // loss-bearing tokens (labels[:, 1:] != -100)
};

// Loss-bearing tokens of a batch, as LossSum::tokens counts them.
int64_t lossTokens(const Batch& batch);
// Input tokens of a batch: the attention mask's ones, or every position without a mask.
int64_t inputTokens(const Batch& batch);
// Summed causal-LM loss of `batch` (already on any device; moved to the model's).
LossSum forwardLossSum(const Model& model, const Batch& batch, const ForwardOptions& options);

}  // namespace aletheia
