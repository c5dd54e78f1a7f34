#include "core/probe/scoring_rule.h"

#include <cmath>

#include "core/common/error.h"

namespace aletheia {

std::vector<std::string> ruleNames() { return {"grad_norm", "grad_norm_per_param", "relative", "fisher"}; }

std::string ruleName(ScoringRule r) {
    switch (r) {
        case ScoringRule::GradNorm: return "grad_norm";
        case ScoringRule::GradNormPerParam: return "grad_norm_per_param";
        case ScoringRule::Relative: return "relative";
        case ScoringRule::Fisher: return "fisher";
    }
    return "grad_norm";
}

ScoringRule ruleFromName(const std::string& name) {
    if (name == "grad_norm") return ScoringRule::GradNorm;
    if (name == "grad_norm_per_param") return ScoringRule::GradNormPerParam;
    if (name == "relative") return ScoringRule::Relative;
    if (name == "fisher") return ScoringRule::Fisher;
    throw Error("unknown scoring rule (expected grad_norm, grad_norm_per_param, relative or fisher)",
                Error::Context{"", name, -1});
}

double scoreOf(ScoringRule r, double gradSq, double numel, double weightSq) {
    switch (r) {
        case ScoringRule::GradNorm: return std::sqrt(gradSq);
        case ScoringRule::GradNormPerParam: return numel > 0 ? std::sqrt(gradSq / numel) : 0.0;
        // An all-zero weight (rare, e.g. zero-initialised) would divide by zero: score 0 then.
        case ScoringRule::Relative: return weightSq > 0 ? std::sqrt(gradSq / weightSq) : 0.0;
        case ScoringRule::Fisher: return numel > 0 ? gradSq / numel : 0.0;
    }
    return 0.0;
}

bool sumsOverBatches(ScoringRule r) { return r != ScoringRule::Fisher; }

}  // namespace aletheia
