#pragma once
// The probe step of an experiment: batches from the dataset, runProbe with a progress bar,
// and the run-directory outputs (probe_scores.json / .csv, probe_heatmap.png).
#include <optional>
#include <string>

#include "core/common/communicator.h"
#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/probe/probe_scores.h"
#include "core/text/dataset.h"

namespace aletheia::cli {

// With `comm`, the batches are shared out over the ranks (core/probe/probe.h).
ProbeScores probeExperiment(const ExperimentConfig& cfg, const Model& model, const text::Dataset& data,
                            int32_t padId, Communicator* comm = nullptr);
// The --json form / probe_scores.json (see probeScoresToJson).
std::string probeJsonText(const ProbeScores& s);
void writeProbeOutputs(const ProbeScores& s, const std::string& dir, bool plots);
// The run's earlier probe (<dir>/probe_scores.json) when it was made on this model (same layers
// and module names) with the config's scoring rule, so that planning again needs no new probe;
// else nullopt. Says on stderr which, and why not.
std::optional<ProbeScores> savedProbeScores(const ExperimentConfig& cfg, const ModuleTable& table,
                                            const std::string& dir);

}  // namespace aletheia::cli
