#include "core/train/head_loss.h"

#include <algorithm>

#include "core/model/loss.h"
#include "core/model/model.h"

namespace aletheia {

namespace {

// Rows of logits computed at once: about 32 MB of fp32 logits per chunk.
int64_t chunkRows(int64_t vocab) { return std::max<int64_t>(1, (int64_t(8) << 20) / vocab); }

struct HeadCrossEntropy : torch::autograd::Function<HeadCrossEntropy> {
    // x: [N, H] head inputs of the loss-bearing positions; w: [V, H] frozen; targets: [N].
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& w,
                                 const torch::Tensor& targets) {
        const bool needGrad = x.requires_grad();
        const int64_t N = x.size(0), step = chunkRows(w.size(0));
        auto loss = torch::zeros({}, x.options().dtype(torch::kFloat));
        torch::Tensor gradX = needGrad ? torch::empty_like(x) : torch::Tensor();
        for (int64_t start = 0; start < N; start += step) {
            const int64_t n = std::min(step, N - start);
            const auto xc = x.narrow(0, start, n), tc = targets.narrow(0, start, n).unsqueeze(1);
            // The logits in the activation dtype, then fp32, as model.head() + the loss round them.
            auto logits = torch::matmul(xc, w.t()).to(torch::kFloat);  // [n, V]
            const auto lse = torch::logsumexp(logits, 1, /*keepdim=*/true);
            loss += (lse - logits.gather(1, tc)).sum();
            if (needGrad) {
                auto g = logits.sub_(lse).exp_();                // softmax, in place of the logits
                g.scatter_add_(1, tc, torch::full({n, 1}, -1.0f, g.options()));
                gradX.narrow(0, start, n).copy_(torch::matmul(g.to(x.scalar_type()), w));
            }
        }
        ctx->save_for_backward({gradX});
        return loss;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad) {
        const auto gradX = ctx->get_saved_variables()[0];
        return {gradX * grad[0].to(gradX.scalar_type()), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor fusedHeadLossSum(const Model& model, const torch::Tensor& h, const torch::Tensor& labels,
                               const ForwardContext& ctx, bool autocast) {
    const Linear& head = model.headLinear();
    if (autocast || head.bias.defined() || head.weight.requires_grad() || model.config().finalSoftcap > 0 ||
        (ctx.adapters && ctx.adapters->adapts(head)) || (ctx.probes && ctx.probes->probes(head)))
        return {};
    const int64_t T = h.size(1);
    const auto targets = labels.narrow(1, 1, T - 1).reshape({-1});                 // [B*(T-1)]
    const auto rows = targets.ne(kIgnoreIndex).nonzero().squeeze(1);              // loss-bearing only
    // Rows first, then the (per-position) final norm: only loss-bearing positions cost anything.
    const auto x = model.finalNorm(h.narrow(1, 0, T - 1).reshape({-1, h.size(2)}).index_select(0, rows));
    return HeadCrossEntropy::apply(x, head.weight, targets.index_select(0, rows));
}

}  // namespace aletheia
