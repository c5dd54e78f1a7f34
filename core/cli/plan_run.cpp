#include "core/cli/plan_run.h"

#include <filesystem>
#include <iostream>

#include "core/cli/probe_run.h"
#include "core/common/error.h"
#include "core/model/model.h"
#include "core/plan/plan_io.h"
#include "core/plan/plan_table.h"
#include "core/probe/probe.h"

namespace aletheia::cli {

ModuleTable modulesOf(const Model& model) { return moduleTable(model); }

AdapterPlan runPlan(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table, const std::string& dir) {
    const std::string path = (std::filesystem::path(dir) / "plan.yaml").string();
    if (std::filesystem::exists(path)) {
        std::cerr << "plan: using " << path << "\n";
        AdapterPlan plan = loadPlan(path);
        validatePlan(plan, table);
        return plan;
    }
    AdapterPlan plan = planExperiment(cfg, model, table, [&]() -> ProbeScores {
        if (auto saved = savedProbeScores(cfg, table, dir)) return *saved;
        throw Error("this plan policy needs probe scores: run `aletheia plan --config ...` first", {"", "plan.policy", -1});
    });
    savePlan(plan, path);
    std::cerr << "plan: " << plan.cells.size() << " modules -> " << path << "\n";
    return plan;
}

}  // namespace aletheia::cli
