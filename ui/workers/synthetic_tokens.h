#pragma once
// Deterministic synthetic token ids with a learnable structure (each row repeats a short
// random motif): what the probe and the trainer use when no dataset is chosen.
// Plain tensors, so both the probe's and the trainer's batch types can be built from them.
#include <cstdint>

#include <torch/types.h>

namespace aletheia::ui {

// [batch, seq] int64 in [0, vocab); a pure function of (seed, index).
torch::Tensor syntheticTokens(int64_t vocab, int64_t batch, int64_t seq, uint64_t seed, int64_t index);

}  // namespace aletheia::ui
