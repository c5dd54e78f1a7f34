#pragma once
// Sparse mixture of experts: softmax router over all experts (fp32), top-k, optional renormalisation,
// weighted sum of the chosen experts' gated MLPs, plus an optional sigmoid-gated shared expert.
#include <torch/types.h>

#include "core/model/decoder_layer.h"

namespace aletheia {

struct MoeOptions {
    int64_t topK = 2;
    bool normTopk = true;
    std::string activation = "silu";
};

// x: [B, T, H] -> [B, T, H]
torch::Tensor moe(const torch::Tensor& x, const MoeParts& m, const MoeOptions& o, const ForwardContext& ctx);

}  // namespace aletheia
