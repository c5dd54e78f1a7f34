#pragma once
// Activation checkpointing of one decoder block (the reentrant torch.utils.checkpoint scheme):
// the forward keeps only the block's input; backward re-runs the block with the same RNG
// state (dropout) and autocast setting, then back-propagates through the recomputation.
#include <torch/torch.h>

#include "core/model/forward_context.h"

namespace aletheia {

class Model;

// h: [B, T, H] -> [B, T, H], like model.block(i, h, ctx). `model` and the context's adapters and
// probes must outlive the backward pass; the rest of the context is copied.
torch::Tensor checkpointedBlock(const Model& model, int i, const torch::Tensor& h, const ForwardContext& ctx,
                                bool autocast);

}  // namespace aletheia
