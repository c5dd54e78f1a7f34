#include "core/train/head_loss.h"

#include <algorithm>
#include <limits>

#include "core/common/error.h"
#include "core/model/loss.h"
#include "core/model/model.h"

namespace aletheia {

namespace {

// Tiles of about 64 MB of fp32 logits: up to 2048 rows, and as much of the vocabulary as fits
// (65536 columns at T = 256). Tiling the vocabulary, not only the rows, is what makes this fast:
// the BLAS packs a weight slice once per GEMM, so row chunks of 55 packed Qwen's whole 544 MB
// head weight ten times per step.
constexpr int64_t kTileFloats = int64_t(16) << 20;
constexpr int64_t kMaxRows = 2048;

struct HeadCrossEntropy : torch::autograd::Function<HeadCrossEntropy> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& w,
                                 const torch::Tensor& targets, int64_t rowsPerTile, int64_t vocabPerTile) {
        const bool needGrad = x.requires_grad();
        const int64_t N = x.size(0), V = w.size(0);
        const auto f32 = x.options().dtype(torch::kFloat);
        auto loss = torch::zeros({}, f32);
        torch::Tensor gradX = needGrad ? torch::empty_like(x) : torch::Tensor();
        for (int64_t r0 = 0; r0 < N; r0 += rowsPerTile) {
            const int64_t n = std::min(rowsPerTile, N - r0);
            const auto xr = x.narrow(0, r0, n), tr = targets.narrow(0, r0, n).unsqueeze(1);
            // Online logsumexp over vocabulary tiles, as flash attention runs its softmax: `lse`
            // is the running log-normaliser, `acc` the running softmax-weighted sum of head rows.
            auto lse = torch::full({n, 1}, -std::numeric_limits<float>::infinity(), f32);
            auto target = torch::zeros({n, 1}, f32);
            torch::Tensor acc = needGrad ? torch::zeros({n, x.size(1)}, f32) : torch::Tensor();
            for (int64_t v0 = 0; v0 < V; v0 += vocabPerTile) {
                const int64_t v = std::min(vocabPerTile, V - v0);
                const auto wv = w.narrow(0, v0, v);
                // The logits in the activation dtype, then fp32, as model.head() + the loss round them.
                auto logits = torch::matmul(xr, wv.t()).to(torch::kFloat);  // [n, v]
                const auto inTile = tr.ge(v0).logical_and(tr.lt(v0 + v));
                target = torch::where(inTile, logits.gather(1, (tr - v0).clamp(0, v - 1)), target);
                const auto next = torch::logaddexp(lse, torch::logsumexp(logits, 1, /*keepdim=*/true));
                if (needGrad) {
                    acc.mul_((lse - next).exp_());
                    const auto p = logits.sub_(next).exp_();  // softmax so far, in place of the logits
                    acc.add_(torch::matmul(p.to(x.scalar_type()), wv).to(torch::kFloat));
                }
                lse = next;
            }
            loss += (lse - target).sum();
            // d(lse - target)/dx = softmax @ W - W[target]
            if (needGrad) gradX.narrow(0, r0, n).copy_(acc - w.index_select(0, tr.squeeze(1)).to(torch::kFloat));
        }
        ctx->save_for_backward({gradX});
        return loss;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad) {
        const auto gradX = ctx->get_saved_variables()[0];
        return {gradX * grad[0].to(gradX.scalar_type()), torch::Tensor(), torch::Tensor(), torch::Tensor(),
                torch::Tensor()};
    }
};

}  // namespace

torch::Tensor headCrossEntropySum(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& targets,
                                  int64_t rowsPerTile, int64_t vocabPerTile) {
    if (rowsPerTile <= 0) rowsPerTile = std::min<int64_t>(kMaxRows, std::max<int64_t>(1, x.size(0)));
    if (vocabPerTile <= 0) vocabPerTile = std::max<int64_t>(1024, kTileFloats / rowsPerTile);
    // A label outside the vocabulary would lie in no tile and silently score as a zero logit.
    if (targets.numel() > 0 && (targets.min().item<int64_t>() < 0 || targets.max().item<int64_t>() >= w.size(0)))
        fail("label id out of range: the head has " + std::to_string(w.size(0)) + " outputs, labels span " +
             std::to_string(targets.min().item<int64_t>()) + ".." + std::to_string(targets.max().item<int64_t>()));
    return HeadCrossEntropy::apply(x, w, targets, rowsPerTile, vocabPerTile);
}

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
    return headCrossEntropySum(x, head.weight, targets.index_select(0, rows));
}

}  // namespace aletheia
