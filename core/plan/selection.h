#pragma once
// Which modules get an adapter: policies over the probe's per-module scores, plus manual
// include/exclude patterns. Works on indices into ModuleTable::modules; cheap enough to run on
// every move of the GUI's threshold slider.
#include <string>
#include <vector>

#include "core/probe/probe_scores.h"

namespace aletheia {

class CostModel;

enum class SelectionPolicy {
    TopPct,     // the reference rule: layers ranked by summed score, the top pct% get every module
    Threshold,  // modules whose score, normalised by the best layer's score for the same module, >= t
    Uniform,    // every module of every layer (the usual LoRA baseline)
    CostAware,  // most captured importance whose predicted step time fits a budget
    Manual,     // nothing but the include patterns
};
std::string selectionPolicyName(SelectionPolicy p);       // top_pct | threshold | uniform | cost_aware | manual
SelectionPolicy selectionPolicyFromName(const std::string&);  // throws aletheia::Error

struct SelectionOptions {
    SelectionPolicy policy = SelectionPolicy::TopPct;
    double topPct = 50.0;          // top_pct: percent of layers kept (floor, at least one)
    double threshold = 0.5;        // threshold: normalised score in [0, 1]
    double stepBudget = 0.6;       // cost_aware: allowed step time as a fraction of uniform LoRA's
    int costAwareRank = 16;        // cost_aware: rank assumed while pricing LoRA modules
    bool includeRouter = false;    // MoE routers are never adapted unless asked
    // Patterns "LAYERS" or "LAYERS:MODULES". LAYERS: *, N or A-B. MODULES: a PEFT module name
    // (glob * allowed: experts.*.w1), a logical role (q, gate, ...), or attention / mlp.
    // Includes are added after the policy, excludes removed last. A pattern that matches no
    // module is an error, never silently ignored.
    std::vector<std::string> include, exclude;
};

// Indices of the modules matched by one pattern; throws aletheia::Error on a bad or empty match.
std::vector<int> matchPattern(const ModuleTable& table, const std::string& pattern);

// Score of each module divided by the highest score of the same module (experts pooled) over
// all layers: 1 marks the layer where that projection matters most.
std::vector<double> normalisedScores(const ModuleTable& table, const std::vector<double>& targetScores);

// Selected module indices, ascending. `cost` is needed by cost_aware only.
std::vector<int> selectModules(const ProbeScores& scores, const SelectionOptions& opt,
                               const CostModel* cost = nullptr);

}  // namespace aletheia
