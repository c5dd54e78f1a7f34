#pragma once
// What every block needs besides its input: RoPE tables, the attention mask, and what the run
// plugs into the projections (its LoRA adapters, the probe's gradient sinks). Built once per
// forward by Model::context(), so a trainer calling block() layer by layer shares it.
#include <cstdint>

#include <torch/types.h>

namespace aletheia {

class KvCache;         // core/model/kv_cache.h: generation's per-layer keys and values
struct LinearAdapters; // core/model/linear.h
struct LinearProbes;

// Owned by the run, not the model: the model's weights stay as loaded, and two runs on one
// model never see each other's adapters. Null members: the plain base model.
struct ForwardHooks {
    const LinearAdapters* adapters = nullptr;  // e.g. a run's AdapterSet (core/lora)
    bool dropout = false;                      // adapter dropout on: training forwards only
    const LinearProbes* probes = nullptr;      // the gradient probe's sinks (core/probe)
};

struct ForwardContext : ForwardHooks {
    torch::Tensor cos, sin;     // [T, rotaryDim] activation dtype; undefined without RoPE
    torch::Tensor cosLocal, sinLocal;  // gemma3's sliding layers (their own base); undefined otherwise
    torch::Tensor allowed;      // [B, 1, T, S] bool, true = query t may see key s; undefined = plain causal
    int64_t positionOffset = 0; // position of the first query token (the cache's length)
    KvCache* cache = nullptr;   // generation: attention appends each layer's keys/values and attends to all
};

}  // namespace aletheia
