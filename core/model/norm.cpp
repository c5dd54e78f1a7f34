#include "core/model/norm.h"

#include <torch/torch.h>

namespace aletheia {

torch::Tensor applyNorm(const torch::Tensor& x, const Norm& n) {
    switch (n.kind) {
    case NormKind::Layer:
        return torch::layer_norm(x, {x.size(-1)}, n.weight, n.bias, n.eps);
    case NormKind::Rms: {
        // HF llama: normalise in fp32, cast back, then scale in the activation dtype.
        auto xf = x.to(torch::kFloat);
        xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + n.eps);
        return n.weight * xf.to(x.scalar_type());
    }
    case NormKind::RmsOnePlus: {
        // HF gemma: scale by (1 + w) in fp32, cast back at the end.
        auto xf = x.to(torch::kFloat);
        xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + n.eps);
        return (xf * (1.0 + n.weight.to(torch::kFloat))).to(x.scalar_type());
    }
    }
    return x;
}

}  // namespace aletheia
