#include "ui/workers/batch_sources.h"

#include "ui/workers/synthetic_tokens.h"

namespace aletheia::ui {

std::unique_ptr<BatchSource> syntheticBatches(const BatchRequest& r) {
    const int64_t n = std::max<int64_t>(1, r.batches);
    return std::make_unique<FunctionBatchSource>(n, [r, n](int64_t epoch, int64_t index) {
        // Epochs revisit the same batches (index), in a fixed order: a pure function of (epoch, index).
        (void)epoch;
        auto ids = syntheticTokens(r.vocabSize, r.microBatch, r.sequenceLength, r.seed, index % n);
        Batch b;
        b.input_ids = ids;
        b.labels = ids.clone();
        b.attention_mask = torch::ones_like(ids);
        return b;
    });
}

}  // namespace aletheia::ui
