#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/distributed_run.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/interrupt.h"
#include "core/cli/probe_run.h"
#include "core/cli/token_ids_file.h"
#include "core/cli/usage_error.h"
#include "core/probe/probe.h"

namespace aletheia::cli {

namespace {

// `aletheia probe <model-dir> --ids ids.json`: exactly that batch, once, labels = ids.
int probeIds(const ParsedArgs& a) {
    const torch::Tensor ids = readTokenIds(a.value("ids"));
    LoadOptions options;
    options.dtype = torch::kFloat32;
    options.stop = &interruptToken();
    const Model model = Model::load(a.positionals[0], options);
    ProbeOptions o;
    if (a.has("rule")) o.rule = ruleFromName(a.value("rule"));
    const ProbeScores s = runProbe(model, {Batch{ids, {}, {}}}, o, {}, &interruptToken());
    std::cout << probeJsonText(s) << "\n";
    return 0;
}

}  // namespace

CommandSpec probeCommand() {
    CommandSpec c;
    c.name = "probe";
    c.summary = "score every layer x module by gradient norms (no training)";
    c.usage = "aletheia probe --config exp.yaml [--set KEY=VALUE ...] [--json]\n"
              "       aletheia probe <model-dir> --ids ids.json --json [--rule NAME]";
    c.description =
        "Writes config.yaml, probe_scores.json, probe_scores.csv and probe_heatmap.png to the run directory.\n"
        "--json prints one JSON object: rule, layers, modules (names), scores (layers x modules) and\n"
        "weight_grad_norms (HF tensor name -> L2 norm of d(loss)/d(weight) accumulated by the probe).\n"
        "With <model-dir> --ids, probes exactly that batch once (labels = ids, mean loss) and prints the JSON.";
    c.options = experimentOptions();
    c.options.push_back({"ids", "FILE", "probe this batch (JSON array of equal-length id arrays)"});
    c.options.push_back({"json", "", "print the scores as one JSON object on stdout"});
    c.options.push_back({"rule", "NAME", "with --ids: grad_norm (default), grad_norm_per_param, relative, fisher"});
    c.options.push_back(nprocOption());
    c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        if (!a.positionals.empty()) {
            if (!a.has("ids")) throw UsageError("probe", "<model-dir> needs --ids FILE");
            return probeIds(a);
        }
        if (const auto code = launchRanksIfAsked(a, "probe")) return *code;
        ExperimentConfig cfg = experimentFromArgs(a, "probe");
        const std::shared_ptr<Communicator> comm = joinRun(cfg);
        if (comm && comm->rank() != 0) {  // a helper rank: probes its batches, rank 0 writes
            const Model model = loadExperimentModel(cfg);
            const Tokenizer tok = loadExperimentTokenizer(cfg);
            probeExperiment(cfg, model, loadExperimentData(cfg, tok), paddingId(tok), comm.get());
            return 0;
        }
        const std::string dir = prepareRunDir(cfg);
        const Model model = loadExperimentModel(cfg);
        const Tokenizer tok = loadExperimentTokenizer(cfg);
        const text::Dataset data = loadExperimentData(cfg, tok);
        const ProbeScores s = probeExperiment(cfg, model, data, paddingId(tok), comm.get());
        writeProbeOutputs(s, dir, cfg.output.plots);
        if (a.has("json")) std::cout << probeJsonText(s) << "\n";
        else std::cerr << "probe: " << s.batches << " batches, scores in " << dir << "/probe_scores.json\n";
        return interruptToken().stopRequested() ? 2 : 0;
    };
    return c;
}

}  // namespace aletheia::cli
