#pragma once
// What a training run leaves in its run directory, whichever front end runs it (CLI or Studio):
// config.yaml (the experiment exactly as it ran, output.dir = this directory, so
// `aletheia train --config <dir>/config.yaml --resume` continues it), plan.yaml, metrics.jsonl
// (one JSON object per step, per evaluation and at the end; appended on resume), train.log and
// loss.png.
// Checkpoints are the trainer's (<dir>/checkpoints/).
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/experiment.h"
#include "core/io/file_lock.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"
#include "core/session/train_curves.h"
#include "core/train/metrics.h"

namespace aletheia {

// A new directory <parent>/<stem>-YYYYMMDD-HHMMSS (with -2, -3 ... when taken), created; never
// an existing one, so a run never writes over an earlier run's files.
std::string freshRunDirectory(const std::string& parent, const std::string& stem);

// Writes <dir>/config.yaml: `cfg` with output.dir set to `dir`. Creates `dir`.
void writeRunConfig(ExperimentConfig cfg, const std::string& dir);
// What a new run starts from, as the Studio hands it over: config.yaml, plan.yaml and, when
// given, probe_scores.json. `aletheia train --config <dir>/config.yaml` then trains exactly this.
void writeRunInputs(const ExperimentConfig& cfg, const AdapterPlan& plan, const ProbeScores* scores,
                    const std::string& dir);

// Held by a process that writes the run directory `dir` (creates it): a second `train` on the
// same directory is refused with a message naming <dir>/.lock instead of interleaving
// checkpoints and metrics. The lock dies with the process (flock), so a kill leaves none behind.
std::unique_ptr<FileLock> lockRunDirectory(const std::string& dir);

// The complete lines of a metrics.jsonl as JSON objects, in file order; a line cut off by a crash
// (or anything else that is not a JSON object) is left out. A missing file has none.
std::vector<nlohmann::json> readMetricLines(const std::string& path);
// A "train" or "eval" line: an integer step and a numeric loss.
bool isLossLine(const nlohmann::json& line);

// "completed" | "stopped" | "non-finite loss" | "out of memory".
std::string outcomeName(TrainOutcome outcome);
// The outcome `outcomeName` gave `name`; nullopt for any other text.
std::optional<TrainOutcome> outcomeFromName(const std::string& name);

class RunRecorder {
public:
    // append: a resumed run keeps the lines already in metrics.jsonl and train.log (and their
    // curve), except a last line cut off by a crash; else both start empty. A line that cannot
    // be written (disk full) is an aletheia::Error naming the file.
    RunRecorder(const std::string& dir, bool append);
    // An observer that records every event, then passes it on to `next`.
    TrainObserver wrap(TrainObserver next);
    // The run's last metrics.jsonl line ({"type": "end", "outcome", "steps", "message",
    // "checkpoint"}) and, when `plot`, loss.png titled `title`.
    void finish(const TrainResult& result, const std::string& title, bool plot);

private:
    void write(const nlohmann::json& line);
    std::string dir_, metricsPath_;
    std::ofstream metrics_, log_;
    TrainCurves curves_;
};

}  // namespace aletheia
