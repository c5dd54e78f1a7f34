#pragma once
// Ranks and alphas for the selected modules: uniform, asymmetric (attention r, MLP r), or a
// trainable-parameter budget shared out in proportion to score^p.
#include <cstdint>
#include <string>
#include <vector>

#include "core/probe/module_table.h"

namespace aletheia {

enum class RankPolicy { Uniform, Asymmetric, Budget };
std::string rankPolicyName(RankPolicy p);           // uniform | asymmetric | budget
RankPolicy rankPolicyFromName(const std::string&);   // throws aletheia::Error

// Keeping alpha/r the same for every module (alpha = ratio * r) means a consumer that ignores
// PEFT's alpha_pattern still scales every adapter correctly.
enum class AlphaRule { Ratio, Fixed, RsLora };
std::string alphaRuleName(AlphaRule a);             // ratio | fixed | rslora
AlphaRule alphaRuleFromName(const std::string&);

struct RankOptions {
    RankPolicy policy = RankPolicy::Uniform;
    int rank = 16;                     // uniform
    int attentionRank = 16;            // asymmetric (the reference's optional attention r=16 ...)
    int mlpRank = 64;                  // ... and MLP r=64
    std::int64_t budget = 0;           // budget: trainable parameters; 0 = uniform r=16 on every module
    double power = 1.0;                // budget: rank proportional to score^power
    int minRank = 4, maxRank = 128;    // budget: clamp
    int multiple = 4;                  // budget: ranks are multiples of this
    AlphaRule alphaRule = AlphaRule::Ratio;
    double alphaRatio = 2.0;           // ratio: alpha = alphaRatio * r
    double alpha = 32.0;               // fixed and rslora: the one alpha of every module
};

// Parameters of uniform LoRA rank `r` on every adaptable (non-router) module of every layer:
// the default budget and the baseline plans are compared with.
std::int64_t uniformParamBudget(const ModuleTable& table, int r = 16);

// Rank of each selected module (same order as `selected`, indices into table.modules).
// `targetScores` has one score per table module (only read by the budget policy).
std::vector<int> allocateRanks(const ModuleTable& table, const std::vector<int>& selected,
                               const std::vector<double>& targetScores, const RankOptions& opt);

double alphaFor(int rank, const RankOptions& opt);

}  // namespace aletheia
