#pragma once
// Examples -> padded torch tensors for the trainer, in a seeded, per-epoch deterministic order.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/text/example.h"

namespace aletheia::text {

struct Batch {
    torch::Tensor inputIds;       // [B,T] int64, right-padded with the pad id
    torch::Tensor labels;         // [B,T] int64, -100 on prompt and padding
    torch::Tensor attentionMask;  // [B,T] int64, 1 on real tokens, 0 on padding
};

// Stacks examples[indices[i]] into one batch; T is the longest example (rounded up to a
// multiple of `padToMultiple` when > 1, which helps kernels on GPU).
Batch makeBatch(const std::vector<Example>& examples, const std::vector<size_t>& indices, int32_t padId,
                int64_t padToMultiple = 1);

// The batches of one epoch: indices 0..n-1 shuffled with (seed, epoch), cut into groups of
// batchSize; the last short batch is kept unless dropLast. Same arguments, same batches.
std::vector<std::vector<size_t>> epochBatches(size_t n, size_t batchSize, uint64_t seed, int epoch,
                                              bool shuffle = true, bool dropLast = false);

}  // namespace aletheia::text
