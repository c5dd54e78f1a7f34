#pragma once
// Where the probe and the trainer get token batches from in the Studio. A real dataset
// (JSONL through core/text) when the Data stage has one; otherwise deterministic synthetic
// token batches, clearly labelled, so a model can be probed and smoke-trained without data.
#include <memory>
#include <string>

#include "core/text/example.h"
#include "core/train/batch_source.h"

namespace aletheia::ui {

struct BatchRequest {
    // Tokenised examples (the Data stage's dataset); null: synthetic tokens.
    std::shared_ptr<const std::vector<text::Example>> examples;
    int32_t padId = 0;
    int64_t vocabSize = 0;       // synthetic tokens only
    int64_t batches = 8;         // per epoch, synthetic tokens only
    int64_t microBatch = 4;
    int64_t sequenceLength = 64;
    uint64_t seed = 42;
};

// Token ids with a learnable structure (each sequence repeats a short random motif), so loss
// goes down when trained on and gradients are meaningful when probed.
std::unique_ptr<BatchSource> syntheticBatches(const BatchRequest& request);

// Batches of `examples` (shuffled per epoch with `seed`) when set, else syntheticBatches.
// Throws aletheia::Error for an empty example set.
std::unique_ptr<BatchSource> makeBatchSource(const BatchRequest& request);

}  // namespace aletheia::ui
