#pragma once
// Follows the metrics.jsonl of a run that another process writes (the Studio watching
// `aletheia train --nproc N`): each poll returns the lines completed since the last poll, and
// turns them back into the events the trainer reported.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/metrics.h"

namespace aletheia {

class MetricsTail {
public:
    // `skipExisting`: start after what the file holds now (a resumed run's earlier lines).
    MetricsTail(std::string path, bool skipExisting);
    // The JSON objects of the lines completed since the last call, in file order. A line still
    // being written waits for its newline; a missing file has none yet.
    std::vector<nlohmann::json> poll();

private:
    std::string path_;
    std::uintmax_t offset_ = 0;
    std::string partial_;
};

// The event a "train" / "eval" line of metrics.jsonl records (run_recorder.cpp writes them);
// missing keys stay at their defaults. Of the per-layer norms only the update norms are recorded.
StepEvent stepEventFromLine(const nlohmann::json& line);
EvalEvent evalEventFromLine(const nlohmann::json& line);
// The result an "end" line records: outcome (NonFinite when unknown), steps, message, checkpoint.
TrainResult trainResultFromEndLine(const nlohmann::json& line);

}  // namespace aletheia
