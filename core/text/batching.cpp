#include "core/text/batching.h"

#include "core/common/error.h"
#include "core/text/dataset_ops.h"

namespace aletheia::text {

Batch makeBatch(const std::vector<Example>& examples, const std::vector<size_t>& indices, int32_t padId,
                int64_t padToMultiple) {
    if (indices.empty()) fail("cannot make an empty batch");
    int64_t T = 0;
    for (size_t i : indices) {
        if (i >= examples.size()) fail("batch index " + std::to_string(i) + " out of range");
        const Example& ex = examples[i];
        if (ex.labels.size() != ex.inputIds.size()) fail("example with labels and ids of different lengths");
        T = std::max<int64_t>(T, static_cast<int64_t>(ex.inputIds.size()));
    }
    if (padToMultiple > 1) T = (T + padToMultiple - 1) / padToMultiple * padToMultiple;
    T = std::max<int64_t>(T, 1);
    const auto B = static_cast<int64_t>(indices.size());
    auto opts = torch::TensorOptions().dtype(torch::kInt64);
    Batch b{torch::full({B, T}, padId, opts), torch::full({B, T}, kIgnoreLabel, opts), torch::zeros({B, T}, opts)};
    auto ids = b.inputIds.accessor<int64_t, 2>();
    auto lab = b.labels.accessor<int64_t, 2>();
    auto mask = b.attentionMask.accessor<int64_t, 2>();
    for (int64_t r = 0; r < B; ++r) {
        const Example& ex = examples[indices[static_cast<size_t>(r)]];
        for (size_t t = 0; t < ex.inputIds.size(); ++t) {
            ids[r][static_cast<int64_t>(t)] = ex.inputIds[t];
            lab[r][static_cast<int64_t>(t)] = ex.labels[t];
            mask[r][static_cast<int64_t>(t)] = 1;
        }
    }
    return b;
}

std::vector<std::vector<size_t>> epochBatches(size_t n, size_t batchSize, uint64_t seed, int epoch, bool shuffle,
                                              bool dropLast) {
    if (batchSize == 0) fail("batch size must be at least 1");
    std::vector<size_t> order;
    if (shuffle) {
        // Mix the epoch into the seed so each epoch has its own, reproducible order.
        SplitMix64 mix(seed ^ (0xA24BAED4963EE407ull * static_cast<uint64_t>(epoch + 1)));
        order = shuffledIndices(n, mix.next());
    } else {
        order.resize(n);
        for (size_t i = 0; i < n; ++i) order[i] = i;
    }
    std::vector<std::vector<size_t>> batches;
    for (size_t i = 0; i < n; i += batchSize) {
        const size_t e = std::min(n, i + batchSize);
        if (dropLast && e - i < batchSize) break;
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i), order.begin() + static_cast<std::ptrdiff_t>(e));
    }
    return batches;
}

}  // namespace aletheia::text
