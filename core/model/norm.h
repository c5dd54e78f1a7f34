#pragma once
// RMSNorm (llama style and gemma's (1 + w)) and LayerNorm, matching HF's casting points.
#include <torch/types.h>

#include "core/model/family_spec.h"

namespace aletheia {

struct Norm {
    NormKind kind = NormKind::Rms;
    double eps = 1e-6;
    torch::Tensor weight;  // [D]
    torch::Tensor bias;    // [D] (LayerNorm only)
};

// x: [..., D] -> [..., D]. RMS statistics are computed in fp32 whatever the activation dtype.
torch::Tensor applyNorm(const torch::Tensor& x, const Norm& n);

}  // namespace aletheia
