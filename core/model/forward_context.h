#pragma once
// What every block needs besides its input: RoPE tables and the attention mask. Built once per
// forward by Model::context(), so a trainer calling block() layer by layer shares it.
#include <cstdint>

#include <torch/types.h>

namespace aletheia {

struct KvCache;  // generation (core/eval) will provide per-layer key/value storage

struct ForwardContext {
    torch::Tensor cos, sin;     // [T, rotaryDim] activation dtype; undefined without RoPE
    torch::Tensor cosLocal, sinLocal;  // gemma3's sliding layers (their own base); undefined otherwise
    torch::Tensor allowed;      // [B, 1, T, S] bool, true = query t may see key s; undefined = plain causal
    int64_t positionOffset = 0; // position of the first query token (non-zero with a KV cache)
    KvCache* cache = nullptr;   // not used yet
};

}  // namespace aletheia
