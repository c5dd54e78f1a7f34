#include "core/text/dataset_ops.h"

#include <numeric>

namespace aletheia::text {

std::vector<size_t> shuffledIndices(size_t n, uint64_t seed) {
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), size_t{0});
    SplitMix64 rng(seed);
    for (size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);
    return idx;
}

std::vector<Example> packExamples(const std::vector<Example>& examples, int maxSeqLen) {
    std::vector<Example> packed;
    Example cur;
    for (const auto& ex : examples) {
        if (!cur.inputIds.empty() && cur.inputIds.size() + ex.inputIds.size() > static_cast<size_t>(maxSeqLen)) {
            packed.push_back(std::move(cur));
            cur = Example{};
        }
        cur.inputIds.insert(cur.inputIds.end(), ex.inputIds.begin(), ex.inputIds.end());
        cur.labels.insert(cur.labels.end(), ex.labels.begin(), ex.labels.end());
    }
    if (!cur.inputIds.empty()) packed.push_back(std::move(cur));
    return packed;
}

bool truncateExample(Example& ex, int maxSeqLen) {
    if (maxSeqLen <= 0 || ex.inputIds.size() <= static_cast<size_t>(maxSeqLen)) return false;
    ex.inputIds.resize(static_cast<size_t>(maxSeqLen));
    ex.labels.resize(static_cast<size_t>(maxSeqLen));
    return true;
}

}  // namespace aletheia::text
