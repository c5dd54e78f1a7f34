#include "ui/workers/synthetic_tokens.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace aletheia::ui {

torch::Tensor syntheticTokens(int64_t vocab, int64_t batch, int64_t seq, uint64_t seed, int64_t index) {
    vocab = std::max<int64_t>(4, vocab);
    batch = std::max<int64_t>(1, batch);
    seq = std::max<int64_t>(4, seq);
    auto gen = at::detail::createCPUGenerator(seed * 1000003ULL + uint64_t(index));
    const int64_t motif = 5;
    auto pattern = torch::randint(vocab, {batch, motif}, gen, torch::kLong);
    return pattern.repeat({1, (seq + motif - 1) / motif}).narrow(1, 0, seq).contiguous();
}

}  // namespace aletheia::ui
