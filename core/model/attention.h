#pragma once
// Multi-head attention with GQA, RoPE (full or partial), optional qk-norm, causal + padding mask,
// optional sliding window.
#include <torch/types.h>

#include "core/model/decoder_layer.h"
#include "core/model/forward_context.h"

namespace aletheia {

struct AttentionShape {
    int64_t numHeads = 0, numKvHeads = 0, headDim = 0;
    bool rope = true;
    double scale = 1.0;  // multiplies q k^T
    int64_t window = 0;  // sliding window: a query sees itself and the window-1 keys before it; 0 = all
    bool localRope = false;  // use the context's cosLocal/sinLocal (gemma3 sliding layers)
    double softcap = 0;  // scores -> softcap * tanh(scores / softcap) before the mask (gemma2); 0 = off
    int layer = 0;       // the decoder layer: its slot in the context's KV cache
};

// x: [B, T, H] -> [B, T, H]
torch::Tensor attention(const torch::Tensor& x, const AttentionParts& a, const AttentionShape& s,
                        const ForwardContext& ctx);

}  // namespace aletheia
