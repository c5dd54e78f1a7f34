#include "core/train/example_batch_source.h"

#include "core/common/error.h"
#include "core/text/batching.h"

namespace aletheia {

ExampleBatchSource::ExampleBatchSource(std::shared_ptr<const std::vector<text::Example>> examples,
                                       int64_t batchSize, int32_t padId, uint64_t seed, bool shuffle)
    : examples_(std::move(examples)), batchSize_(batchSize), padId_(padId), seed_(seed), shuffle_(shuffle) {
    if (!examples_ || examples_->empty()) fail("no examples to train on (the dataset is empty)");
    if (batchSize_ < 1) fail("batch size must be >= 1, got " + std::to_string(batchSize_));
}

int64_t ExampleBatchSource::batchesPerEpoch() const {
    const auto n = static_cast<int64_t>(examples_->size());
    return (n + batchSize_ - 1) / batchSize_;
}

Batch ExampleBatchSource::batch(int64_t epoch, int64_t index) {
    if (epoch != cachedEpoch_) {
        order_ = text::epochBatches(examples_->size(), static_cast<size_t>(batchSize_), seed_,
                                    static_cast<int>(epoch), shuffle_);
        cachedEpoch_ = epoch;
    }
    if (index < 0 || index >= static_cast<int64_t>(order_.size()))
        fail("batch index " + std::to_string(index) + " out of range (" + std::to_string(order_.size()) + " per epoch)");
    auto b = text::makeBatch(*examples_, order_[index], padId_);
    return Batch{b.inputIds, b.labels, b.attentionMask};
}

std::vector<Batch> ExampleBatchSource::firstBatches(int64_t n) {
    std::vector<Batch> out;
    for (int64_t i = 0; i < std::min(n, batchesPerEpoch()); ++i) out.push_back(batch(0, i));
    return out;
}

}  // namespace aletheia
