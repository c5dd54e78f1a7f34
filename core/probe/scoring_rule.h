#pragma once
// How raw gradient statistics become an importance score. All rules read the same statistics,
// so switching rule after a probe is a re-scoring (microseconds), not a re-probe.
#include <string>
#include <vector>

namespace aletheia {

enum class ScoringRule {
    GradNorm,          // ||dL/dW||_F summed over batches: the reference rule (aletheia-lora)
    GradNormPerParam,  // ||dL/dW||_F / sqrt(numel), summed over batches: size-neutral
    Relative,          // ||dL/dW||_F / ||W||_F, summed over batches: update relative to weight
    Fisher,            // ||dL/dW||_F^2 / numel, averaged over batches: empirical Fisher diagonal mean
};

std::string ruleName(ScoringRule r);          // "grad_norm", "grad_norm_per_param", "relative", "fisher"
ScoringRule ruleFromName(const std::string&); // throws aletheia::Error listing the valid names
std::vector<std::string> ruleNames();

// Score of one weight (or row block) for one batch, from its squared gradient norm, its
// element count and its squared weight norm.
double scoreOf(ScoringRule r, double gradSq, double numel, double weightSq);
// Whether per-batch scores are summed (norm rules, as the reference does) or averaged (fisher).
bool sumsOverBatches(ScoringRule r);

}  // namespace aletheia
