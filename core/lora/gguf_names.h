#pragma once
// How llama.cpp names and lays out a projection of our model in GGUF, shared by the LoRA and the
// whole-model export so the two agree: the adapter's tensors must match the base GGUF's.
#include <string>

#include <torch/types.h>

namespace aletheia {

class Model;
struct Linear;

// llama.cpp's tensor name of projection `l` without ".weight": "blk.3.attn_q", "blk.0.attn_qkv",
// "blk.1.ffn_up_shexp"; "" where llama.cpp keeps no such 2-D tensor (one MoE expert's copy:
// llama.cpp stacks the experts into one 3-D tensor).
std::string ggufTensorBase(const Linear& l);

// The output rows of `l` in llama.cpp's order, as indices into our rows (an undefined tensor when
// the order is ours): fused parts become [q|k|v] / [gate|up] blocks (gpt_neox interleaves per
// head), and for families whose converter permutes q/k (llama, mistral, mixtral) each head's
// halves are interleaved as LlamaModel.permute does. Applies to weights, biases and LoRA B alike.
torch::Tensor ggufRowOrder(const Model& model, const Linear& l);

// The family's llama.cpp architecture ("llama", "qwen2" ...); throws aletheia::Error naming the
// model type when llama.cpp's format has no mapping of ours for it.
std::string ggufArchitecture(const Model& model);

}  // namespace aletheia
