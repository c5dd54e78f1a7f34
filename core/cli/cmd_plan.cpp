#include <filesystem>
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/plan_run.h"
#include "core/cli/probe_run.h"
#include "core/plan/plan_io.h"
#include "core/plan/plan_table.h"
#include "core/probe/probe.h"

namespace aletheia::cli {

CommandSpec planCommand() {
    CommandSpec c;
    c.name = "plan";
    c.summary = "turn probe scores into an adapter plan (which modules, which ranks)";
    c.usage = "aletheia plan --config exp.yaml [--set KEY=VALUE ...]";
    c.description =
        "Probes when the policy needs scores (writing the probe outputs too), then writes plan.yaml to the\n"
        "run directory and prints the plan as a layers x modules table of ranks. `train` uses that plan.yaml.";
    c.options = experimentOptions();
    c.run = [](const ParsedArgs& a) {
        const ExperimentConfig cfg = experimentFromArgs(a, "plan");
        const std::string dir = prepareRunDir(cfg);
        const Model model = loadExperimentModel(cfg);
        const ModuleTable table = moduleTable(model);
        const AdapterPlan plan = planExperiment(cfg, model, table, [&] {
            const Tokenizer tok = loadExperimentTokenizer(cfg);
            const ProbeScores s = probeExperiment(cfg, model, loadExperimentData(cfg, tok), paddingId(tok));
            writeProbeOutputs(s, dir, cfg.output.plots);
            return s;
        });
        const std::string path = (std::filesystem::path(dir) / "plan.yaml").string();
        savePlan(plan, path);
        std::cout << formatPlanTable(tabulatePlan(plan, table));
        std::cerr << "plan: " << plan.cells.size() << " modules, " << trainableParams(plan, table)
                  << " trainable parameters -> " << path << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
