#include "core/probe/gradient_norm_linear.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace aletheia {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

void GradNormSink::reset(const torch::Tensor& like) {
    gradSq = torch::zeros({static_cast<int64_t>(parts.size())}, like.options().dtype(torch::kDouble));
    calls = 0;
}

namespace {

bool coversAll(const LogicalPart& p, int64_t out) {
    return p.rows.size() == 1 && p.rows[0].first == 0 && p.rows[0].second == out;
}

// Half precision sums of squares lose digits quickly: measure in fp32 at least.
torch::Tensor atLeastFloat(const torch::Tensor& t) {
    return t.scalar_type() == torch::kHalf || t.scalar_type() == torch::kBFloat16 ? t.to(torch::kFloat) : t;
}

struct GradNormLinearFn : public torch::autograd::Function<GradNormLinearFn> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& anchor, int64_t sinkAddress) {
        (void)anchor;  // only there to make the output require grad
        ctx->save_for_backward({x, weight});
        // A raw address: the sink outlives the backward (runProbe owns both).
        ctx->saved_data["sink"] = sinkAddress;
        return x.matmul(weight.t());  // [..., out]
    }

    static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];       // [..., in]
        const auto& weight = saved[1];  // [out, in]
        const auto& g = grads[0];       // [..., out]
        auto* sink = reinterpret_cast<GradNormSink*>(ctx->saved_data["sink"].toInt());
        torch::NoGradGuard noGrad;
        const auto x2 = x.reshape({-1, x.size(-1)});  // [N, in]
        const auto g2 = g.reshape({-1, g.size(-1)});  // [N, out]
        sink->gradSq.add_(weightGradSqNorms(x2, g2, sink->parts));
        torch::Tensor gx;
        if (ctx->needs_input_grad(0)) gx = g.matmul(weight);  // [..., in]
        return {gx, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor weightGradSqNorms(const torch::Tensor& xIn, const torch::Tensor& gIn,
                                const std::vector<LogicalPart>& parts) {
    const auto x = atLeastFloat(xIn);  // [N, in]
    const auto g = atLeastFloat(gIn);  // [N, out]
    const int64_t n = x.size(0), in = x.size(1), out = g.size(1);
    std::vector<torch::Tensor> sq;
    sq.reserve(parts.size());
    if (n * (in + out) < in * out) {
        const auto xx = x.mm(x.t());  // [N, N]
        for (const auto& p : parts) {
            const auto gp = coversAll(p, out) ? g : selectPart(g, p);  // [N, rows]
            sq.push_back((xx * gp.mm(gp.t())).sum());
        }
    } else {
        const auto rowSq = g.t().mm(x).square().sum(1);  // dW: [out, in] -> [out], dW freed here
        for (const auto& p : parts) sq.push_back(selectPart(rowSq, p).sum());
    }
    return torch::stack(sq).to(torch::kDouble);
}

torch::Tensor gradNormLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                             const torch::Tensor& anchor, GradNormSink* sink) {
    if (!sink || !sink->gradSq.defined()) fail("gradient probe: sink not reset before the forward");
    ++sink->calls;
    // The bias stays outside the function: autograd Functions reject undefined inputs, and a
    // frozen bias add needs nothing from us.
    auto y = GradNormLinearFn::apply(x, weight, anchor, reinterpret_cast<int64_t>(sink));  // [..., out]
    return bias.defined() ? y + bias : y;
}

void GradNormProbes::add(const Linear& l, GradNormSink* sink) {
    if (!sinks_.emplace(l.name, sink).second) fail("gradient probe: '" + l.name + "' probed twice");
}

torch::Tensor GradNormProbes::forward(const torch::Tensor& x, const Linear& l) const {
    const auto it = sinks_.find(l.name);
    return it == sinks_.end() ? torch::Tensor() : gradNormLinear(x, l.weight, l.bias, anchor_, it->second);
}

}  // namespace aletheia
