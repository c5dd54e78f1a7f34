#pragma once
// Scores -> AdapterPlan: selection policy, manual overrides, rank allocation, alpha rule.
//
//   auto scores = runProbe(model, batches, {});                    // core/probe/probe.h
//   PlanOptions opt;  opt.selection.topPct = 50;                   // the reference rule
//   AdapterPlan plan = makePlan(scores, opt);
//   std::cout << formatPlanTable(tabulatePlan(plan, scores.table)); // core/plan/plan_table.h
#include "core/plan/adapter_plan.h"
#include "core/plan/rank_allocation.h"
#include "core/plan/selection.h"

namespace aletheia {

struct PlanOptions {
    SelectionOptions selection;
    RankOptions ranks;
    double dropout = 0.05;
};

// `cost` is only needed by the cost_aware policy. Cells come out layer-major in model order.
AdapterPlan makePlan(const ProbeScores& scores, const PlanOptions& opt, const CostModel* cost = nullptr);

// Scores of all zeros over a table, for plans that need no probe (uniform, manual).
ProbeScores unscored(const ModuleTable& table);

}  // namespace aletheia
