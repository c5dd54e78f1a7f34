#pragma once
// The resolved plan as the user sees it before training: a layer x module table of rank/alpha,
// the backward depth (lowest adapted layer) and the trainable parameter count.
#include <cstdint>
#include <string>
#include <vector>

#include "core/plan/adapter_plan.h"
#include "core/probe/module_table.h"

namespace aletheia {

struct PlanTableCell {
    int rank = 0;          // 0: not adapted
    double alpha = 0.0;
    int count = 0;         // projections adapted by the cell: 0 = frozen, >1 for MoE experts
};

struct PlanTable {
    std::vector<std::string> columns;          // PEFT module names, model order
    std::vector<std::vector<PlanTableCell>> cells;  // [layer][column]
    int backwardDepth = -1;
    std::int64_t trainableParams = 0;
    std::int64_t adaptedModules = 0;           // projections (each expert counts)
};

std::int64_t trainableParams(const AdapterPlan& plan, const ModuleTable& table);
// Throws aletheia::Error naming the first cell that is not a module of the table, or has a
// non-positive rank, or appears twice.
void validatePlan(const AdapterPlan& plan, const ModuleTable& table);
PlanTable tabulatePlan(const AdapterPlan& plan, const ModuleTable& table);
// Fixed-width text for the CLI: one row per layer, "r/alpha" per cell, "." when not adapted.
std::string formatPlanTable(const PlanTable& t);

}  // namespace aletheia
