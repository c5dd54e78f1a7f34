#pragma once
// Token batches for the Studio when the Data stage has no dataset: deterministic synthetic
// batches, clearly labelled, so a model can be probed and smoke-trained without data. (With a
// dataset, the batches are core/session's, exactly as the CLI's.)
#include <memory>

#include "core/train/batch_source.h"

namespace aletheia::ui {

struct BatchRequest {
    int64_t vocabSize = 0;
    int64_t batches = 8;         // per epoch
    int64_t microBatch = 4;
    int64_t sequenceLength = 64;
    uint64_t seed = 42;
};

// Token ids with a learnable structure (each sequence repeats a short random motif), so loss
// goes down when trained on and gradients are meaningful when probed.
std::unique_ptr<BatchSource> syntheticBatches(const BatchRequest& request);

}  // namespace aletheia::ui
