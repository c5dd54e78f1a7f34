#include "core/model/linear.h"

#include <torch/torch.h>

namespace aletheia {

bool Linear::hasRole(const std::string& role) const {
    for (const auto& p : parts)
        if (p.role == role) return true;
    return false;
}

torch::Tensor linear(const torch::Tensor& x, const Linear& l, const ForwardContext& ctx) {
    torch::Tensor y = ctx.probes ? ctx.probes->forward(x, l) : torch::Tensor();
    // torch::linear (ATen's, what Python's F.linear calls) fuses the bias into the GEMM (addmm) for
    // contiguous input; torch::nn::functional::linear adds it after a matmul, which rounds
    // differently in bf16 than transformers does.
    if (!y.defined()) y = torch::linear(x, l.weight, l.bias);
    if (ctx.adapters) {
        const torch::Tensor d = ctx.adapters->delta(x, l, ctx.dropout);
        if (d.defined()) y = y + d;
    }
    return y;
}

torch::Tensor selectPart(const torch::Tensor& y, const LogicalPart& part) {
    if (part.rows.size() == 1) {
        const auto& r = part.rows[0];
        if (r.first == 0 && r.second == y.size(-1)) return y;
        return y.narrow(-1, r.first, r.second - r.first);
    }
    std::vector<torch::Tensor> pieces;
    pieces.reserve(part.rows.size());
    for (const auto& r : part.rows) pieces.push_back(y.narrow(-1, r.first, r.second - r.first));
    return torch::cat(pieces, -1);
}

}  // namespace aletheia
