#pragma once
// Picking the next token from one position's logits as transformers' generate does: the
// repetition penalty, then greedy argmax, or temperature -> top-k -> top-p -> a seeded draw.
#include <cstdint>
#include <random>
#include <vector>

namespace aletheia {

struct SamplingOptions {
    double temperature = 0.0;        // 0: greedy (argmax); > 0: sample from softmax(logits / temperature)
    int64_t topK = 0;                // sampling: keep the k highest logits (ties kept); 0 = all
    double topP = 1.0;               // sampling: keep the most likely tokens up to probability p, in (0, 1]
    double repetitionPenalty = 1.0;  // a seen token's logit / p if > 0, * p if < 0 (1 = off); greedy too
    uint64_t seed = 0;               // the draws depend on this only: same seed, same tokens
};

// Throws aletheia::Error naming the option and the value when one is out of range.
void checkSamplingOptions(const SamplingOptions& o);

// transformers' RepetitionPenaltyLogitsProcessor: every token of `seen` (prompt and generated) once.
void applyRepetitionPenalty(std::vector<float>& logits, const std::vector<int32_t>& seen, double penalty);

class Sampler {
public:
    explicit Sampler(const SamplingOptions& o);  // checks `o`
    // logits: [V] of the position after `seen`.
    int32_t next(std::vector<float> logits, const std::vector<int32_t>& seen);

private:
    SamplingOptions o_;
    std::mt19937_64 rng_;  // our own generator, not torch's: the same draws on every device and torch version
};

}  // namespace aletheia
