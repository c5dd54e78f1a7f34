#pragma once
// The decoder-only language model: embedding, N blocks assembled from parts, final norm, LM head.
// One implementation for every family; family differences live in family_spec.cpp.
//
// A Model is a cheap handle (shared state): copies share the same weights, so workers can pass it
// around. Base weights have requires_grad = false and are never changed by a LoRA run or the
// probe: those pass their adapters and gradient sinks in ForwardHooks (forward_context.h).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "core/common/progress.h"
#include "core/model/decoder_layer.h"
#include "core/model/forward_context.h"
#include "core/model/loss.h"
#include "core/model/model_config.h"
#include "core/model/model_summary.h"

namespace aletheia {

struct LoadOptions {
    std::optional<torch::Dtype> dtype;   // default: the checkpoint's torch_dtype (zero-copy when CPU)
    torch::Device device = torch::kCPU;
    ProgressFn progress;                 // (tensors done, tensors total, name)
    const StopToken* stop = nullptr;     // a stop request aborts loading with an Error
};

struct ForwardOutput {
    torch::Tensor logits;  // [B, T, V] activation dtype
    torch::Tensor loss;    // fp32 scalar; undefined without labels
};

struct ModelState;

// "float32", "bfloat16", "float16" (HF's torch_dtype spelling).
std::string torchDtypeName(torch::Dtype d);

class Model {
public:
    Model() = default;  // empty handle; valid() is false

    // Loads a HF checkpoint folder (config.json + model.safetensors or shards).
    static Model load(const std::string& dir, const LoadOptions& options = {});
    // Builds a model of any family/size in memory with HF-like init (N(0, 0.02), norms 1, biases 0).
    static Model randomInit(const ModelConfig& config, uint64_t seed, torch::Dtype dtype = torch::kFloat,
                            torch::Device device = torch::kCPU);

    bool valid() const { return s_ != nullptr; }
    const ModelConfig& config() const;
    int numLayers() const;
    torch::Dtype dtype() const;
    torch::Device device() const;

    // Every projection of the decoder layers, in a stable order (layer, then attention, mlp/moe).
    std::vector<Linear*> linears() const;
    std::vector<Linear*> layerLinears(int layer) const;
    DecoderLayer& layer(int i) const;

    // Per-block entry points (a trainer can checkpoint activations or skip the graph below a layer).
    // ids: [B, T] -> h: [B, T, H]; positionOffset: the position of ids' first token (learned positions).
    torch::Tensor embed(const torch::Tensor& ids, int64_t positionOffset = 0) const;
    // attentionMask: [B, S] 1 = token, 0 = padding (optional), S = the cache's length + T.
    // hooks: the run's adapters / the probe's sinks that linear() looks up.
    // cache: the T queries continue its sequence (RoPE from position cache->length()) and every
    // layer appends its keys/values to it; null = a fresh sequence, nothing kept.
    ForwardContext context(int64_t B, int64_t T, const torch::Tensor& attentionMask = {},
                           const ForwardHooks& hooks = {}, KvCache* cache = nullptr) const;
    torch::Tensor block(int i, const torch::Tensor& h, const ForwardContext& ctx) const;  // [B,T,H] -> [B,T,H]
    // Final norm + LM head (through linear(), like every projection): [B, T, H] -> logits [B, T, V]
    torch::Tensor head(const torch::Tensor& h, const ForwardContext& ctx) const;
    // The two parts of head(), for a loss that runs the head itself (core/train/head_loss.h).
    torch::Tensor finalNorm(const torch::Tensor& h) const;
    const Linear& headLinear() const;

    ForwardOutput forward(const torch::Tensor& ids, const torch::Tensor& attentionMask = {},
                          const torch::Tensor& labels = {}, const ForwardHooks& hooks = {}) const;
    // Generation's forward: ids [B, T] continue `cache`'s sequence (null: a fresh one) and are
    // appended to it. Logits of the last `keepLast` positions [B, keepLast, V] (all when 0): the
    // LM head is skipped where nobody reads it, as transformers' logits_to_keep.
    torch::Tensor forwardCached(const torch::Tensor& ids, KvCache* cache, const ForwardHooks& hooks = {},
                                int64_t keepLast = 0) const;

    // On-disk HF names and layouts (Conv1D back to [in, out]); tied lm_head omitted.
    std::vector<std::pair<std::string, torch::Tensor>> stateDict() const;
    // Writes config.json + model.safetensors, or shards + index above `shardBytes`.
    void save(const std::string& dir, int64_t shardBytes = int64_t(2) << 30) const;
    // Every weight (embeddings, norms, projections, biases), each once, for full fine-tuning.
    std::vector<torch::Tensor> parameters() const;
    ModelSummary summary() const;

    // A new model sharing every tensor of this one except the projection weights in `weights`
    // (Linear::name -> [out, in] in this model's dtype and device), which it holds instead. This
    // model is not changed: how a merged copy is made without touching the base.
    Model withWeights(const std::map<std::string, torch::Tensor>& weights) const;

private:
    std::shared_ptr<ModelState> s_;
};

}  // namespace aletheia
