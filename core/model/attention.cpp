#include "core/model/attention.h"

#include <cmath>
#include <limits>
#include <map>

#include <torch/torch.h>
#include <torch/version.h>

#include "core/model/kv_cache.h"
#include "core/model/rope.h"

namespace aletheia {
namespace {

// Runs every input projection once and collects its outputs by role (q, k, v).
std::map<std::string, torch::Tensor> projectByRole(const torch::Tensor& x, const std::vector<Linear>& ls,
                                                   const ForwardContext& ctx) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& l : ls) {
        auto y = linear(x, l, ctx);
        for (const auto& p : l.parts) out[p.role] = selectPart(y, p);
    }
    return out;
}

// x: [B, T, heads, hd]; head h normalised with its own norm (stablelm StableLmLayerNormPerHead).
torch::Tensor perHeadNorm(const torch::Tensor& x, const std::vector<Norm>& norms) {
    std::vector<torch::Tensor> heads;
    for (size_t h = 0; h < norms.size(); ++h) heads.push_back(applyNorm(x.narrow(2, int64_t(h), 1), norms[h]));
    return torch::cat(heads, 2);
}

// kv: [B, nkv, S, hd] -> [B, nkv*rep, S, hd]; query head h reads kv head h / rep (HF repeat_kv).
torch::Tensor repeatKv(const torch::Tensor& kv, int64_t rep) {
    if (rep == 1) return kv;
    const auto B = kv.size(0), nkv = kv.size(1), S = kv.size(2), hd = kv.size(3);
    return kv.unsqueeze(2).expand({B, nkv, rep, S, hd}).reshape({B, nkv * rep, S, hd});
}

torch::Tensor causalAllowed(int64_t T, int64_t S, const torch::Device& device) {
    // [T, S] true where key s <= query t (queries are the last T of S positions)
    return torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(device)).tril(S - T);
}

// [T, S] true where key s lies inside the query's sliding window. transformers 4.52.4
// (_prepare_4d_causal_attention_mask_with_cache_position) masks key j from query i when
// j <= i - window, so a query sees itself and the window-1 keys before it.
torch::Tensor windowAllowed(int64_t T, int64_t S, int64_t window, const torch::Device& device) {
    return torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(device)).triu(S - T - window + 1);
}

// HF masks with the dtype's lowest finite value rather than -inf: fully masked rows stay finite.
double maskValue(torch::ScalarType t) {
    switch (t) {
    case torch::kBFloat16: return double(std::numeric_limits<c10::BFloat16>::lowest());
    case torch::kHalf: return double(std::numeric_limits<c10::Half>::lowest());
    case torch::kDouble: return std::numeric_limits<double>::lowest();
    default: return double(std::numeric_limits<float>::lowest());
    }
}

#if TORCH_VERSION_MAJOR >= 2
// torch's fused attention with transformers' scale. From torch 2.1 the scale goes to SDPA itself, as
// transformers passes it (pre-scaling q rounds differently in bf16); torch 2.0 has no scale argument.
torch::Tensor fusedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& mask,
                   bool causal, double scale, int64_t headDim) {
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 1
    (void)headDim;
    return at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<torch::Tensor>(mask) : c10::nullopt,
                                            0.0, causal, scale);
#else
    const double sdpaScale = 1.0 / std::sqrt(double(headDim));
    auto qs = std::abs(scale - sdpaScale) < 1e-12 ? q : q * (scale / sdpaScale);
    return at::scaled_dot_product_attention(qs, k, v, mask.defined() ? c10::optional<torch::Tensor>(mask) : c10::nullopt,
                                            0.0, causal);
#endif
}
#endif

}  // namespace

torch::Tensor attention(const torch::Tensor& x, const AttentionParts& a, const AttentionShape& s,
                        const ForwardContext& ctx) {
    const int64_t B = x.size(0), T = x.size(1);
    auto r = projectByRole(x, a.in, ctx);
    // q: [B, T, nh*hd] -> [B, T, nh, hd]
    auto q = r.at("q").view({B, T, s.numHeads, s.headDim});
    auto k = r.at("k").view({B, T, s.numKvHeads, s.headDim});
    auto v = r.at("v").view({B, T, s.numKvHeads, s.headDim});
    if (!a.qHeadNorms.empty()) {
        q = perHeadNorm(q, a.qHeadNorms);
        k = perHeadNorm(k, a.kHeadNorms);
    } else if (a.qkNorm) {
        q = applyNorm(q, a.qNorm);
        k = applyNorm(k, a.kNorm);
    }
    q = q.transpose(1, 2);  // [B, nh, T, hd]
    k = k.transpose(1, 2);  // [B, nkv, T, hd]
    v = v.transpose(1, 2);
    if (s.rope) {
        const auto& cos = s.localRope ? ctx.cosLocal : ctx.cos;
        const auto& sin = s.localRope ? ctx.sinLocal : ctx.sin;
        q = applyRope(q, cos, sin);
        k = applyRope(k, cos, sin);
    }
    // Generation: the keys/values of earlier positions come from the cache, [B, nkv, S = past + T, hd];
    // stored before GQA's repeat, so a cached position costs nkv heads, not nh.
    if (ctx.cache) std::tie(k, v) = ctx.cache->append(s.layer, k, v);
    const int64_t rep = s.numHeads / s.numKvHeads;
    k = repeatKv(k, rep);  // [B, nh, S, hd]
    v = repeatKv(v, rep);
    const int64_t S = k.size(2);

    // Causal (+ padding from the context) [+ sliding window]; undefined = plain causal, no window.
    torch::Tensor allowed = ctx.allowed;
    if (s.window > 0) {
        if (!allowed.defined()) allowed = causalAllowed(T, S, x.device());
        allowed = allowed & windowAllowed(T, S, s.window, x.device());
    }

    torch::Tensor o;  // [B, nh, T, hd]
    const double lowest = maskValue(q.scalar_type());
#if TORCH_VERSION_MAJOR >= 2
    const bool sdpa = s.softcap <= 0;  // SDPA cannot soft-cap the scores
#else
    const bool sdpa = false;
#endif
    if (sdpa) {
#if TORCH_VERSION_MAJOR >= 2
        if (!allowed.defined() && (T == S || T == 1)) {
            // No mask needed: plain causal, or one new query (decode) that sees every cached key.
            o = fusedAttention(q, k, v, {}, /*causal=*/T == S, s.scale, s.headDim);
        } else {
            if (!allowed.defined()) allowed = causalAllowed(T, S, x.device());
            // An explicit mask carries padding and the sliding window. Additive, with the dtype's
            // lowest value (not -inf) so fully padded rows stay finite.
            auto mask = torch::zeros(allowed.sizes(), q.options()).masked_fill(allowed.logical_not(), lowest);
            o = fusedAttention(q, k, v, mask, /*causal=*/false, s.scale, s.headDim);
        }
#endif
    } else {
        auto scores = torch::matmul(q, k.transpose(-1, -2)) * s.scale;  // [B, nh, T, S]
        if (s.softcap > 0) scores = torch::tanh(scores / s.softcap) * s.softcap;  // HF eager order
        if (!allowed.defined()) allowed = causalAllowed(T, S, x.device());
        scores = scores.masked_fill(allowed.logical_not(), lowest);
        // Softmax in fp32 like HF eager, then back to the activation dtype.
        auto p = torch::softmax(scores, -1, torch::kFloat).to(q.scalar_type());
        o = torch::matmul(p, v);
    }
    o = o.transpose(1, 2).reshape({B, T, s.numHeads * s.headDim});  // [B, T, nh*hd]
    return linear(o, a.out, ctx);
}

}  // namespace aletheia
