#pragma once
// The bridge from tokenised examples (core/text) to the trainer and the probe: a BatchSource
// over a vector of examples, shuffled per epoch with a seed, padded per batch.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/text/example.h"
#include "core/train/batch_source.h"

namespace aletheia {

class ExampleBatchSource : public BatchSource {
public:
    // `examples` must be non-empty (throws aletheia::Error otherwise).
    ExampleBatchSource(std::shared_ptr<const std::vector<text::Example>> examples, int64_t batchSize,
                       int32_t padId, uint64_t seed, bool shuffle = true);
    int64_t batchesPerEpoch() const override;
    Batch batch(int64_t epoch, int64_t index) override;

    // The first `n` batches of epoch 0, e.g. for a probe.
    std::vector<Batch> firstBatches(int64_t n);

private:
    std::shared_ptr<const std::vector<text::Example>> examples_;
    int64_t batchSize_;
    int32_t padId_;
    uint64_t seed_;
    bool shuffle_;
    int64_t cachedEpoch_ = -1;
    std::vector<std::vector<size_t>> order_;  // batches of example indices for cachedEpoch_
};

}  // namespace aletheia
