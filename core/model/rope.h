#pragma once
// Rotary position embedding in HF's "rotate_half" layout (dim i pairs with i + d/2), optionally on
// the first rotaryDim dims of each head only (partial rotary), with linear/dynamic/llama3/yarn/longrope scaling.
#include <torch/types.h>

#include "core/model/model_config.h"

namespace aletheia {

// inv_freq: [rotaryDim/2] fp32, with the static scalings (linear, llama3, yarn) already applied.
torch::Tensor ropeInverseFrequencies(const ModelConfig& c);

// cos, sin: [T, rotaryDim] in `dtype` for positions offset .. offset+T-1 (computed in fp32 like HF).
// `seqLen` is the total length seen so far (dynamic NTK scaling grows the base past max positions).
std::pair<torch::Tensor, torch::Tensor> ropeCosSin(const ModelConfig& c, const torch::Tensor& invFreq, int64_t offset,
                                                   int64_t T, torch::Dtype dtype);

// True when growing the sequence from `from` to `to` tokens changes the cos/sin of positions
// already computed: longrope switches every position to its long factors once the sequence
// exceeds the original context, so keys cached with the short ones are stale (transformers'
// Phi-3 drops its cache at that step too).
bool ropeRescalesAll(const ModelConfig& c, int64_t from, int64_t to);

// x: [B, heads, T, headDim]; rotates the first cos.size(-1) dims of each head.
torch::Tensor applyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace aletheia
