#include "core/model/moe.h"

#include <torch/torch.h>

#include "core/model/mlp.h"

namespace aletheia {

torch::Tensor moe(const torch::Tensor& x, const MoeParts& m, const MoeOptions& o, const ForwardContext& ctx) {
    const auto shape = x.sizes().vec();
    auto flat = x.reshape({-1, x.size(-1)});                       // [N, H]
    auto logits = linear(flat, m.router, ctx);                       // [N, E]
    auto probs = torch::softmax(logits, -1, torch::kFloat);        // fp32 like HF
    auto top = probs.topk(o.topK, -1);
    auto weights = std::get<0>(top);                               // [N, k]
    auto chosen = std::get<1>(top);                                // [N, k]
    if (o.normTopk) weights = weights / weights.sum(-1, true);
    weights = weights.to(x.scalar_type());

    auto out = torch::zeros_like(flat);                            // [N, H]
    for (size_t e = 0; e < m.experts.size(); ++e) {
        auto hit = chosen.eq(int64_t(e));                          // [N, k]
        auto rows = hit.any(-1).nonzero().squeeze(-1);             // [n] tokens routed to e
        if (rows.numel() == 0) continue;
        auto w = (weights * hit.to(weights.scalar_type())).sum(-1).index_select(0, rows);  // [n]
        auto y = mlp(flat.index_select(0, rows), m.experts[e], o.activation, ctx) * w.unsqueeze(-1);
        out = out.index_add(0, rows, y);
    }
    if (m.hasShared) {
        auto shared = mlp(flat, m.shared, o.activation, ctx);        // [N, H]
        out = out + torch::sigmoid(linear(flat, m.sharedGate, ctx)) * shared;
    }
    return out.view(shape);
}

}  // namespace aletheia
