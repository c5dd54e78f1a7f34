#include "core/cli/probe_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/plot/charts.h"
#include "core/probe/probe.h"
#include "core/probe/probe_json.h"
#include "core/session/experiment_data.h"

namespace aletheia::cli {

ProbeScores probeExperiment(const ExperimentConfig& cfg, const Model& model, const text::Dataset& data,
                            int32_t padId, Communicator* comm) {
    const std::vector<Batch> batches = probeBatches(cfg, data.train, padId, model.device());
    ProgressPrinter progress("probe");
    ProbeOptions options = probeOptionsFor(cfg);
    options.comm = comm;
    ProbeScores s = runProbe(model, batches, options,
                             [&](const ProbeScores&, int done, int total) { progress.update(done, total); },
                             &interruptToken());
    progress.finish();
    return s;
}

std::string probeJsonText(const ProbeScores& s) { return probeScoresToJson(s).dump(); }

std::optional<ProbeScores> savedProbeScores(const ExperimentConfig& cfg, const ModuleTable& table,
                                            const std::string& dir) {
    const std::string path = (std::filesystem::path(dir) / "probe_scores.json").string();
    if (!std::filesystem::exists(path)) return std::nullopt;
    try {
        ProbeScores s = probeScoresFromJson(readJsonFile(path), table);
        if (ruleName(s.rule) != cfg.probe.score)
            fail("scored with rule " + ruleName(s.rule) + ", the config asks for " + cfg.probe.score);
        std::cerr << "probe: reusing the scores in " << path << "\n";
        return s;
    } catch (const Error& e) {
        std::cerr << "probe: not reusing " << path << ": " << e.problem() << "\n";
        return std::nullopt;
    }
}

void writeProbeOutputs(const ProbeScores& s, const std::string& dir, bool plots) {
    writeJsonFile((std::filesystem::path(dir) / "probe_scores.json").string(), probeScoresToJson(s));
    // CSV: one row per (layer, logical module), long format, easy to load anywhere.
    writeFileAtomically((std::filesystem::path(dir) / "probe_scores.csv").string(), [&](std::ostream& out) {
        out << "layer,module,score\n";
        for (size_t l = 0; l < s.scores.size(); ++l)
            for (size_t m = 0; m < s.scores[l].size() && m < s.modules.size(); ++m)
                out << l << "," << s.modules[m] << "," << s.scores[l][m] << "\n";
    });
    if (!plots) return;
    std::vector<std::string> rows;
    for (size_t l = 0; l < s.scores.size(); ++l) rows.push_back(std::to_string(l));
    renderHeatmap("probe " + ruleName(s.rule) + " (layers x modules)", s.scores, rows, s.modules)
        .savePng((std::filesystem::path(dir) / "probe_heatmap.png").string());
}

}  // namespace aletheia::cli
