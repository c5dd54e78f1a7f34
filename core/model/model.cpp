// The decoder's forward pass and the Model accessors.
#include "core/model/model.h"

#include <cmath>
#include <set>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/attention.h"
#include "core/model/kv_cache.h"
#include "core/model/mlp.h"
#include "core/model/model_state.h"
#include "core/model/moe.h"
#include "core/model/rope.h"

namespace aletheia {

namespace {
void requireValid(const std::shared_ptr<ModelState>& s) {
    if (!s) fail("no model loaded");
}
}  // namespace

const ModelConfig& Model::config() const {
    requireValid(s_);
    return s_->config;
}
int Model::numLayers() const { return s_ ? int(s_->layers.size()) : 0; }
torch::Dtype Model::dtype() const { return s_->dtype; }
torch::Device Model::device() const { return s_->device; }
DecoderLayer& Model::layer(int i) const { return s_->layers.at(size_t(i)); }

std::vector<Linear*> Model::layerLinears(int i) const {
    DecoderLayer& L = layer(i);
    std::vector<Linear*> v;
    for (auto& l : L.attn.in) v.push_back(&l);
    v.push_back(&L.attn.out);
    auto addMlp = [&](MlpParts& m) {
        for (auto& l : m.in) v.push_back(&l);
        v.push_back(&m.down);
    };
    if (!L.isMoe) {
        addMlp(L.mlp);
        return v;
    }
    v.push_back(&L.moe.router);
    for (auto& e : L.moe.experts) addMlp(e);
    if (L.moe.hasShared) {
        addMlp(L.moe.shared);
        v.push_back(&L.moe.sharedGate);
    }
    return v;
}

std::vector<Linear*> Model::linears() const {
    std::vector<Linear*> v;
    for (int i = 0; i < numLayers(); ++i) {
        auto l = layerLinears(i);
        v.insert(v.end(), l.begin(), l.end());
    }
    return v;
}

torch::Tensor Model::embed(const torch::Tensor& ids, int64_t positionOffset) const {
    requireValid(s_);
    const ModelState& s = *s_;
    const int64_t T = ids.size(1);
    auto h = torch::embedding(s.embed, ids.to(s.device));  // [B, T, H]
    if (s.posEmbed.defined()) {
        if (positionOffset + T > s.posEmbed.size(0))
            fail("sequence of " + std::to_string(positionOffset + T) + " tokens exceeds the model's " +
                 std::to_string(s.posEmbed.size(0)) + " learned positions");
        h = h + s.posEmbed.narrow(0, positionOffset, T);  // positions offset..offset+T-1, broadcast over B
    }
    // gemma: scale by sqrt(hidden) computed in the activation dtype (as HF does).
    if (s.spec->embedScale)
        h = h * torch::tensor(std::sqrt(double(s.config.hiddenSize)), h.options()).to(h.scalar_type());
    return h;
}

ForwardContext Model::context(int64_t B, int64_t T, const torch::Tensor& attentionMask,
                              const ForwardHooks& hooks, KvCache* cache) const {
    requireValid(s_);
    const ModelState& s = *s_;
    ForwardContext ctx;
    static_cast<ForwardHooks&>(ctx) = hooks;
    if (cache && cache->numLayers() != numLayers())
        fail("KV cache made for " + std::to_string(cache->numLayers()) + " layers, the model has " +
             std::to_string(numLayers()));
    ctx.cache = cache;
    const int64_t past = cache ? cache->length() : 0, S = past + T;
    ctx.positionOffset = past;
    if (s.spec->rope) std::tie(ctx.cos, ctx.sin) = ropeCosSin(s.config, s.invFreq, past, T, s.dtype);
    if (s.invFreqLocal.defined()) std::tie(ctx.cosLocal, ctx.sinLocal) = ropeCosSin(s.localRope, s.invFreqLocal, past, T, s.dtype);
    if (attentionMask.defined()) {
        if (attentionMask.dim() != 2 || attentionMask.size(0) != B || attentionMask.size(1) != S)
            fail("attention mask must be [B, S] (S = cached + new tokens) like the input ids");
        auto keys = attentionMask.to(s.device).to(torch::kBool).view({B, 1, 1, S});             // [B,1,1,S]
        // The T queries are the last T of S positions.
        auto causal = torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(s.device)).tril(past);
        ctx.allowed = causal.view({1, 1, T, S}) & keys;                                         // [B,1,T,S]
    }
    return ctx;
}

torch::Tensor Model::block(int i, const torch::Tensor& h, const ForwardContext& ctx) const {
    const ModelState& s = *s_;
    const DecoderLayer& L = s.layers.at(size_t(i));
    AttentionShape shape = s.attnShape;
    if (s.config.scaleAttnByInverseLayerIdx) shape.scale /= double(i + 1);
    shape.window = s.config.windowAt(i);
    shape.layer = i;
    shape.localRope = s.config.localRopeAt(i);
    auto ffn = [&](const torch::Tensor& x) {
        return L.isMoe ? moe(x, L.moe, s.moeOptions, ctx) : mlp(x, L.mlp, s.config.activation, ctx);
    };
    if (s.config.parallelResidual) {  // gpt_neox, stablelm: both branches read the block input
        auto x1 = applyNorm(h, L.ln1);
        auto a = attention(x1, L.attn, shape, ctx);
        auto m = ffn(L.ln2.weight.defined() ? applyNorm(h, L.ln2) : x1);
        return s.spec->parallelSumMlpFirst ? m + a + h : h + a + m;  // transformers' order of the sums
    }
    if (s.spec->normPlacement == NormPlacement::Sandwich) {  // gemma2: each branch's output normalised too
        auto x = h + applyNorm(attention(applyNorm(h, L.ln1), L.attn, shape, ctx), L.ln2);
        return x + applyNorm(ffn(applyNorm(x, L.preFfn)), L.postFfn);
    }
    auto x = h + attention(applyNorm(h, L.ln1), L.attn, shape, ctx);
    return x + ffn(applyNorm(x, L.ln2));
}

torch::Tensor Model::finalNorm(const torch::Tensor& h) const { return applyNorm(h, s_->finalNorm); }

const Linear& Model::headLinear() const { return s_->head; }

torch::Tensor Model::head(const torch::Tensor& h, const ForwardContext& ctx) const {
    const ModelState& s = *s_;
    auto logits = linear(finalNorm(h), s.head, ctx);  // [B, T, V]
    const double cap = s.config.finalSoftcap;  // gemma2: cap * tanh(logits / cap)
    return cap > 0 ? torch::tanh(logits / cap) * cap : logits;
}

ForwardOutput Model::forward(const torch::Tensor& ids, const torch::Tensor& attentionMask,
                             const torch::Tensor& labels, const ForwardHooks& hooks) const {
    requireValid(s_);
    if (ids.dim() != 2) fail("input ids must be [B, T]");
    auto h = embed(ids);
    const ForwardContext ctx = context(ids.size(0), ids.size(1), attentionMask, hooks);
    for (int i = 0; i < numLayers(); ++i) h = block(i, h, ctx);
    ForwardOutput out;
    out.logits = head(h, ctx);
    if (labels.defined()) out.loss = causalLmLoss(out.logits, labels);
    return out;
}

torch::Tensor Model::forwardCached(const torch::Tensor& ids, KvCache* cache, const ForwardHooks& hooks,
                                   int64_t keepLast) const {
    requireValid(s_);
    if (ids.dim() != 2) fail("input ids must be [B, T]");
    const int64_t T = ids.size(1);
    const ForwardContext ctx = context(ids.size(0), T, {}, hooks, cache);
    auto h = embed(ids, ctx.positionOffset);
    for (int i = 0; i < numLayers(); ++i) h = block(i, h, ctx);
    if (keepLast > 0 && keepLast < T) h = h.narrow(1, T - keepLast, keepLast);
    return head(h, ctx);
}

std::vector<std::pair<std::string, torch::Tensor>> Model::stateDict() const {
    requireValid(s_);
    std::vector<std::pair<std::string, torch::Tensor>> v;
    for (const auto& slot : s_->slots) {
        const torch::Tensor& t = *slot.target;
        v.emplace_back(slot.name, slot.transposed ? t.t() : t);
    }
    return v;
}

std::vector<torch::Tensor> Model::parameters() const {
    requireValid(s_);
    std::vector<torch::Tensor> v;
    for (const auto& slot : s_->slots) v.push_back(*slot.target);
    return v;
}

}  // namespace aletheia
