#include "core/session/run_recorder.h"

#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/config/experiment_io.h"
#include "core/io/json_file.h"
#include "core/plan/plan_io.h"
#include "core/probe/probe_json.h"

namespace aletheia {

namespace fs = std::filesystem;

std::string freshRunDirectory(const std::string& parent, const std::string& stem) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) failIn(parent, "cannot create the output folder: " + ec.message(), "output.dir");
    const std::string base = (fs::path(parent) / (stem + "-" + stamp)).string();
    for (int n = 1;; ++n) {
        const std::string dir = n == 1 ? base : base + "-" + std::to_string(n);
        // create_directory is false when the directory already exists: then try the next name.
        if (fs::create_directory(dir, ec)) return dir;
        if (ec) failIn(dir, "cannot create the run directory: " + ec.message(), "output.dir");
    }
}

void writeRunConfig(ExperimentConfig cfg, const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) failIn(dir, "cannot create the run directory: " + ec.message(), "output.dir");
    cfg.output.dir = fs::absolute(dir).string();
    saveExperiment(cfg, (fs::path(dir) / "config.yaml").string());
}

void writeRunInputs(const ExperimentConfig& cfg, const AdapterPlan& plan, const ProbeScores* scores,
                    const std::string& dir) {
    writeRunConfig(cfg, dir);
    savePlan(plan, (fs::path(dir) / "plan.yaml").string());
    if (scores) writeJsonFile((fs::path(dir) / "probe_scores.json").string(), probeScoresToJson(*scores));
}

std::unique_ptr<FileLock> lockRunDirectory(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) failIn(dir, "cannot create the run directory: " + ec.message(), "output.dir");
    return std::make_unique<FileLock>((fs::path(dir) / ".lock").string(),
                                      "another `aletheia train` (or the Studio) is writing this run directory");
}

namespace {
// Appending after a line that a kill cut short would glue the next line onto it.
void dropPartialLastLine(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.empty() || text.back() == '\n') return;
    const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    std::error_code ec;
    fs::resize_file(path, keep, ec);
    if (ec) failIn(path, "cannot drop the incomplete last line: " + ec.message());
}
}  // namespace

RunRecorder::RunRecorder(const std::string& dir, bool append)
    : dir_(dir), metricsPath_((fs::path(dir) / "metrics.jsonl").string()) {
    const std::string& metrics = metricsPath_;
    if (append) dropPartialLastLine(metrics);
    if (append)  // the curve of the steps before the resume
        for (const auto& j : readMetricLines(metrics)) {
            if (!isLossLine(j)) continue;
            if (j.value("type", "") == "eval") curves_.addEval(j["step"].get<int64_t>(), j["loss"].get<double>());
            else curves_.addStep(j["step"].get<int64_t>(), j["loss"].get<double>());
        }
    const auto mode = append ? std::ios::app : std::ios::trunc;
    metrics_.open(metrics, mode);
    log_.open(fs::path(dir) / "train.log", mode);
    if (!metrics_ || !log_) failIn(dir, "cannot write metrics.jsonl / train.log in the run directory", "output.dir");
}

TrainObserver RunRecorder::wrap(TrainObserver next) {
    TrainObserver o;
    o.onStep = [this, next](const StepEvent& e) {
        nlohmann::json line = {{"type", "train"}, {"step", e.step}, {"total_steps", e.total_steps}, {"epoch", e.epoch},
                               {"loss", e.loss}, {"lr", e.lr}, {"grad_norm", e.grad_norm},
                               {"tokens_per_s", e.tokens_per_s}, {"step_time_s", e.step_time_s}, {"eta_s", e.eta_s},
                               {"peak_memory_bytes", e.peak_memory_bytes}};
        if (!e.rank_tokens_per_s.empty()) line["rank_tokens_per_s"] = e.rank_tokens_per_s;
        // For the update heatmap of a run followed from another process; float precision is plenty.
        if (!e.layer_update_norms.empty())
            line["layer_update_norms"] = std::vector<float>(e.layer_update_norms.begin(), e.layer_update_norms.end());
        write(line);
        curves_.addStep(e.step, e.loss);
        if (next.onStep) next.onStep(e);
    };
    o.onEval = [this, next](const EvalEvent& e) {
        write({{"type", "eval"}, {"step", e.step}, {"loss", e.loss}, {"perplexity", e.perplexity}, {"tokens", e.tokens}});
        curves_.addEval(e.step, e.loss);
        if (next.onEval) next.onEval(e);
    };
    o.onLog = [this, next](const std::string& line) {
        log_ << line << "\n" << std::flush;
        if (next.onLog) next.onLog(line);
    };
    return o;
}

std::vector<nlohmann::json> readMetricLines(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_object()) lines.push_back(std::move(j));
    }
    return lines;
}

bool isLossLine(const nlohmann::json& j) {
    return j.contains("step") && j["step"].is_number_integer() && j.contains("loss") && j["loss"].is_number();
}

std::string outcomeName(TrainOutcome outcome) {
    switch (outcome) {
    case TrainOutcome::Completed: return "completed";
    case TrainOutcome::Stopped: return "stopped";
    case TrainOutcome::NonFinite: return "non-finite loss";
    case TrainOutcome::OutOfMemory: return "out of memory";
    }
    return "unknown";
}

std::optional<TrainOutcome> outcomeFromName(const std::string& name) {
    for (TrainOutcome o : {TrainOutcome::Completed, TrainOutcome::Stopped, TrainOutcome::NonFinite, TrainOutcome::OutOfMemory})
        if (outcomeName(o) == name) return o;
    return std::nullopt;
}

void RunRecorder::write(const nlohmann::json& line) {
    // One flush per line: a line is on disk whole before the next step starts.
    metrics_ << line.dump() << "\n" << std::flush;
    if (!metrics_) failIn(metricsPath_, "cannot write a line (disk full?)");
}

void RunRecorder::finish(const TrainResult& result, const std::string& title, bool plot) {
    write({{"type", "end"}, {"outcome", outcomeName(result.outcome)}, {"steps", result.steps},
           {"message", result.message}, {"checkpoint", result.last_checkpoint}});
    if (plot) curves_.savePng((fs::path(dir_) / "loss.png").string(), title);
}

}  // namespace aletheia
