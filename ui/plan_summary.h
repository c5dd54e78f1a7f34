#pragma once
// One line about a plan for the Train log and the Compare table: "12 modules, layers 3–7, rank 16–64".
#include <QString>

#include <algorithm>

#include "core/plan/adapter_plan.h"

namespace aletheia::ui {

inline QString describePlan(const AdapterPlan& plan) {
    if (plan.cells.empty()) return "no adapters";
    int lo = plan.cells.front().layer, hi = lo, rmin = plan.cells.front().rank, rmax = rmin;
    for (const auto& c : plan.cells) {
        lo = std::min(lo, c.layer);
        hi = std::max(hi, c.layer);
        rmin = std::min(rmin, c.rank);
        rmax = std::max(rmax, c.rank);
    }
    return QString("%1 modules, layers %2–%3, rank %4").arg(plan.cells.size()).arg(lo).arg(hi)
        .arg(rmin == rmax ? QString::number(rmin) : QString("%1–%2").arg(rmin).arg(rmax));
}

}  // namespace aletheia::ui
