#pragma once
// Multi-head attention with GQA, RoPE (full or partial), optional qk-norm, causal + padding mask.
#include <torch/types.h>

#include "core/model/decoder_layer.h"
#include "core/model/forward_context.h"

namespace aletheia {

struct AttentionShape {
    int64_t numHeads = 0, numKvHeads = 0, headDim = 0;
    bool rope = true;
    double scale = 1.0;  // multiplies q k^T
};

// x: [B, T, H] -> [B, T, H]
torch::Tensor attention(const torch::Tensor& x, const AttentionParts& a, const AttentionShape& s,
                        const ForwardContext& ctx);

}  // namespace aletheia
