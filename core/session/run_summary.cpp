#include "core/session/run_summary.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/config/experiment_io.h"
#include "core/plan/plan_io.h"
#include "core/session/run_recorder.h"
#include "core/train/checkpoint.h"

namespace aletheia {

namespace fs = std::filesystem;

std::optional<RunSummary> readRunSummary(const std::string& dir) {
    const fs::path root(dir);
    if (!fs::is_regular_file(root / "config.yaml") || !fs::is_regular_file(root / "plan.yaml")) return std::nullopt;
    RunSummary r;
    r.dir = dir;
    r.name = root.filename().string();
    r.baseline = r.name.rfind("uniform", 0) == 0;
    ExperimentLoadOptions options;
    options.checkFiles = false;  // the data may have moved since; the model path is what we need
    r.model = loadExperiment((root / "config.yaml").string(), options).model.path;
    r.plan = loadPlan((root / "plan.yaml").string());
    r.finalTrainLoss = r.finalEvalLoss = std::nan("");
    double stepSeconds = 0;
    int64_t timed = 0;
    r.outcome = "interrupted";  // until an end line says otherwise (a killed process writes none)
    for (const auto& j : readMetricLines((root / "metrics.jsonl").string())) {
        if (j.value("type", "") == "end" && j.contains("outcome") && j["outcome"].is_string()) {
            r.outcome = j["outcome"].get<std::string>();
            continue;
        }
        if (!isLossLine(j)) continue;
        const double loss = j["loss"].get<double>();
        if (j.value("type", "") == "eval") {
            r.finalEvalLoss = loss;
            continue;
        }
        r.steps = j["step"].get<int64_t>();
        r.outcome = "interrupted";  // a resumed run: the earlier session's end line no longer holds
        r.finalTrainLoss = loss;
        if (r.steps > 1 && j.contains("step_time_s") && j["step_time_s"].is_number()) {
            stepSeconds += j["step_time_s"].get<double>();
            ++timed;
        }
    }
    r.meanStepSeconds = timed ? stepSeconds / double(timed) : std::nan("");
    r.lastCheckpoint = latestCheckpoint((root / "checkpoints").string());
    return r;
}

std::vector<RunSummary> listRuns(const std::string& parent, std::vector<std::string>* problems) {
    std::vector<std::string> dirs;
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory()) dirs.push_back(it->path().string());
    std::sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) {
        // By start time (the folder name's -YYYYMMDD-HHMMSS tail), then name.
        const auto stamp = [](const std::string& d) {
            const std::string n = fs::path(d).filename().string();
            const auto dash = n.find('-');
            return dash == std::string::npos ? n : n.substr(dash + 1);
        };
        return std::make_pair(stamp(a), a) < std::make_pair(stamp(b), b);
    });
    std::vector<RunSummary> runs;
    for (const std::string& d : dirs) {
        try {
            if (auto r = readRunSummary(d)) runs.push_back(std::move(*r));
        } catch (const std::exception& e) {
            // A damaged run directory is not listed; the others still are, and the caller says why.
            if (problems) problems->push_back(e.what());
        }
    }
    return runs;
}

}  // namespace aletheia
