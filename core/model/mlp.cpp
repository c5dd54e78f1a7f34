#include "core/model/mlp.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/model_config.h"

namespace aletheia {

const std::vector<std::string>& supportedActivations() {
    static const std::vector<std::string> names = {"silu",      "swish", "gelu",      "gelu_new", "gelu_pytorch_tanh",
                                                   "gelu_fast", "relu",  "quick_gelu"};
    return names;
}

void checkActivation(const std::string& n) {
    const auto& names = supportedActivations();
    if (std::find(names.begin(), names.end(), n) == names.end())
        fail("unsupported activation '" + n + "' (supported: " + joined(names) + ")");
}

torch::Tensor activate(const torch::Tensor& x, const std::string& n) {
    if (n == "silu" || n == "swish") return torch::silu(x);
    if (n == "gelu") return torch::gelu(x);  // exact erf form
    // The tanh approximation, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written as transformers
    // 4.52.4's activations.py writes each one: the composite forms round at every op in bf16.
    if (n == "gelu_pytorch_tanh") return torch::gelu(x, "tanh");
    if (n == "gelu_new")  // NewGELUActivation
        return 0.5 * x * (1.0 + torch::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * torch::pow(x, 3.0))));
    if (n == "gelu_fast")  // FastGELUActivation
        return 0.5 * x * (1.0 + torch::tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)));
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
