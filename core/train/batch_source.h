#pragma once
// Where the trainer gets its data: an indexable, deterministic sequence of micro-batches.
// Indexed (not iterated) so a resumed run asks for exactly the batches an uninterrupted run
// would have seen next; the data position in a checkpoint is one integer.
#include <cstdint>
#include <functional>

#include <torch/torch.h>

#include "core/common/batch.h"

namespace aletheia {

class BatchSource {
public:
    virtual ~BatchSource() = default;
    // Micro-batches in one pass over the data (one epoch). > 0.
    virtual int64_t batchesPerEpoch() const = 0;
    // Micro-batch `index` (0 <= index < batchesPerEpoch()) of epoch `epoch`. Must be a pure
    // function of (epoch, index): a source that shuffles seeds its order with the epoch.
    virtual Batch batch(int64_t epoch, int64_t index) = 0;
};

// A BatchSource from a function, for synthetic tasks and adapters over other data code.
class FunctionBatchSource : public BatchSource {
public:
    using Fn = std::function<Batch(int64_t epoch, int64_t index)>;
    FunctionBatchSource(int64_t batchesPerEpoch, Fn fn) : n_(batchesPerEpoch), fn_(std::move(fn)) {}
    int64_t batchesPerEpoch() const override { return n_; }
    Batch batch(int64_t epoch, int64_t index) override { return fn_(epoch, index); }

private:
    int64_t n_;
    Fn fn_;
};

}  // namespace aletheia
