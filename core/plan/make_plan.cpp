#include "core/plan/make_plan.h"

namespace aletheia {

AdapterPlan makePlan(const ProbeScores& scores, const PlanOptions& opt, const CostModel* cost) {
    const auto selected = selectModules(scores, opt.selection, cost);
    const auto ranks = allocateRanks(scores.table, selected, scores.targetScores, opt.ranks);
    AdapterPlan plan;
    plan.dropout = opt.dropout;
    plan.rslora = opt.ranks.alphaRule == AlphaRule::RsLora;
    plan.cells.reserve(selected.size());
    for (size_t k = 0; k < selected.size(); ++k) {
        const auto& m = scores.table.modules[static_cast<size_t>(selected[k])];
        plan.cells.push_back({m.layer, m.module, ranks[k], alphaFor(ranks[k], opt.ranks)});
    }
    return plan;
}

ProbeScores unscored(const ModuleTable& table) {
    ProbeStats stats;
    stats.table = table;
    return scoreStats(stats, ScoringRule::GradNorm);
}

}  // namespace aletheia
