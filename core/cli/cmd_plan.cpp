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
    c.usage = "aletheia plan --config exp.yaml [--set KEY=VALUE ...] [--reprobe]";
    c.description =
        "When the policy needs scores, reuses the run directory's probe_scores.json if it was probed on this\n"
        "model with probe.score's rule, else probes (writing the probe outputs too). Then writes plan.yaml to\n"
        "the run directory and prints the plan as a layers x modules table of ranks. `train` uses that plan.yaml.\n"
        "Probe again with --reprobe after changing the data or the probe settings.";
    c.options = experimentOptions();
    c.options.push_back({"reprobe", "", "probe again even if the run directory has probe scores"});
    c.run = [](const ParsedArgs& a) {
        const ExperimentConfig cfg = experimentFromArgs(a, "plan");
        const std::string dir = prepareRunDir(cfg);
        const Model model = loadExperimentModel(cfg);
        const ModuleTable table = moduleTable(model);
        const AdapterPlan plan = planExperiment(cfg, model, table, [&] {
            if (!a.has("reprobe"))
                if (auto saved = savedProbeScores(cfg, table, dir)) return *saved;
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
