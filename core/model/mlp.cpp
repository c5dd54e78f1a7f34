#include "core/model/mlp.h"

#include <cmath>

#include <torch/torch.h>

#include "core/common/error.h"

namespace aletheia {

void checkActivation(const std::string& n) {
    if (n == "silu" || n == "swish" || n == "gelu" || n == "gelu_new" || n == "gelu_pytorch_tanh" ||
        n == "gelu_fast" || n == "relu" || n == "quick_gelu")
        return;
    fail("unsupported activation '" + n +
         "' (supported: silu, swish, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, quick_gelu)");
}

torch::Tensor activate(const torch::Tensor& x, const std::string& n) {
    if (n == "silu" || n == "swish") return torch::silu(x);
    if (n == "gelu") return torch::gelu(x);  // exact erf form
    // gelu_new / gelu_pytorch_tanh / gelu_fast: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    if (n == "gelu_new" || n == "gelu_pytorch_tanh" || n == "gelu_fast") return torch::gelu(x, "tanh");
    if (n == "relu") return torch::relu(x);
    if (n == "quick_gelu") return x * torch::sigmoid(1.702 * x);
    checkActivation(n);
    return x;
}

torch::Tensor mlp(const torch::Tensor& x, const MlpParts& m, const std::string& act, const ForwardContext& ctx) {
    torch::Tensor gate, up;
    for (const auto& l : m.in) {
        auto y = linear(x, l, ctx);  // [..., out]
        for (const auto& p : l.parts) {
            if (p.role == "gate") gate = selectPart(y, p);
            if (p.role == "up") up = selectPart(y, p);
        }
    }
    auto h = gate.defined() ? activate(gate, act) * up : activate(up, act);  // [..., I]
    return linear(h, m.down, ctx);
}

}  // namespace aletheia
