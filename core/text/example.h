#pragma once
// One tokenised training example: ids and per-token labels (-100 = no loss on this token).
#include <cstdint>
#include <vector>

namespace aletheia::text {

constexpr int32_t kIgnoreLabel = -100;  // PyTorch cross_entropy's default ignore_index

struct Example {
    std::vector<int32_t> inputIds;
    std::vector<int32_t> labels;  // same length as inputIds
};

}  // namespace aletheia::text
