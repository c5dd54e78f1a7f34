#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/interrupt.h"
#include "core/cli/plan_run.h"
#include "core/cli/probe_run.h"
#include "core/cli/progress_printer.h"
#include "core/cli/usage_error.h"
#include "core/session/train_options_for.h"
#include "core/io/json_file.h"
#include "core/plan/cost_model.h"
#include "core/train/step_benchmark.h"

namespace aletheia::cli {

namespace fs = std::filesystem;

namespace {

int64_t countOption(const ParsedArgs& a, const std::string& name, int64_t fallback, int64_t min) {
    const std::string v = a.value(name);
    if (v.empty()) return fallback;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || n < min)
        throw UsageError("bench", "--" + name + " needs an integer >= " + std::to_string(min) + ", got '" + v + "'");
    return n;
}

nlohmann::json timesJson(const AdapterPlan& plan, const StepTimes& t) {
    return {{"modules", plan.cells.size()},
            {"backward_depth", plan.lowestLayer()},
            {"trainable_params", t.trainableParams},
            {"median_step_s", medianOf(t.wallSeconds)},
            {"median_cpu_s", medianOf(t.cpuSeconds)},
            {"step_times_s", t.wallSeconds},
            {"cpu_times_s", t.cpuSeconds},
            {"peak_memory_bytes", t.peakMemoryBytes > 0 ? nlohmann::json(t.peakMemoryBytes) : nlohmann::json(nullptr)}};
}

void printRow(const char* label, const std::string& plan, const std::string& uniform) {
    std::printf("%-20s %14s %14s\n", label, plan.c_str(), uniform.c_str());
}

std::string fixed(double v, int digits) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string mebibytes(int64_t bytes) { return bytes > 0 ? fixed(double(bytes) / 1048576.0, 1) : "n/a"; }

}  // namespace

CommandSpec benchCommand() {
    CommandSpec c;
    c.name = "bench";
    c.summary = "time real training steps of the plan against uniform LoRA";
    c.usage = "aletheia bench --config exp.yaml [--steps N] [--warmup N] [--rounds N] [--set KEY=VALUE ...]";
    c.description =
        "Times training steps (forward, backward, AdamW update; one micro-batch of train.micro_batch_size of\n"
        "the experiment's training data each) of the run's plan (plan.yaml, or planned as `train` plans) and of\n"
        "uniform LoRA (lora.lora_r on every layer, same target modules), alternating the two run by run so\n"
        "that noise from the rest of the machine hits both. Prints the median step times, the measured\n"
        "speedup, the cost model's predicted speedup, trainable parameters and peak memory; writes bench.json.";
    c.options = experimentOptions();
    c.options.push_back({"steps", "N", "timed steps per plan (default 6)"});
    c.options.push_back({"warmup", "N", "untimed steps at the start of every run (default 1)"});
    c.options.push_back({"rounds", "N", "runs per plan, alternating plan and uniform (default 3)"});
    c.run = [](const ParsedArgs& a) {
        const ExperimentConfig cfg = experimentFromArgs(a, "bench");
        StepBenchOptions o;
        o.steps = countOption(a, "steps", o.steps, 1);
        o.warmup = countOption(a, "warmup", o.warmup, 0);
        o.rounds = std::min(countOption(a, "rounds", o.rounds, 1), o.steps);  // a round times at least one step
        o.train = trainOptionsFor(cfg, "");
        const std::string dir = prepareRunDir(cfg);
        Model model = loadExperimentModel(cfg);
        const ModuleTable table = modulesOf(model);
        const AdapterPlan plan = runPlan(cfg, model, table, dir);
        const AdapterPlan uniform = uniformPlanFor(cfg, model, table);
        const Tokenizer tok = loadExperimentTokenizer(cfg);
        ExampleBatchSource batches = trainingBatches(
            cfg, std::make_shared<const std::vector<text::Example>>(loadExperimentData(cfg, tok).train), paddingId(tok));

        ProgressPrinter progress("bench");
        const auto times = timeTrainingSteps(model, {plan, uniform}, batches, o, progress.callback(), &interruptToken());
        progress.finish();
        if (interruptToken().stopRequested()) {
            std::cerr << "bench: stopped before the end; bench.json not written\n";
            return 2;
        }
        // The probe's own timings calibrate the prediction when this run was probed.
        const auto probe = savedProbeScores(cfg, table, dir);
        const auto cost = costModelFor(cfg, model, table, probe ? &*probe : nullptr);
        const bool calibrated = cost->coefficients().calibrated;
        const double predicted = cost->estimate(uniform).seconds / cost->estimate(plan).seconds;
        const double wallPlan = medianOf(times[0].wallSeconds), wallUniform = medianOf(times[1].wallSeconds);
        const double cpuPlan = medianOf(times[0].cpuSeconds), cpuUniform = medianOf(times[1].cpuSeconds);

        std::printf("%lld timed steps per plan in %lld rounds, %lld warm-up step(s) per run; micro batch %d, "
                    "sequence_len %d, %s\n\n",
                    (long long)o.steps, (long long)o.rounds, (long long)o.warmup,
                    cfg.train.micro_batch_size, cfg.data.sequence_len, model.device().str().c_str());
        printRow("", "plan", "uniform");
        printRow("median step (s)", fixed(wallPlan, 4), fixed(wallUniform, 4));
        printRow("median CPU (s)", fixed(cpuPlan, 4), fixed(cpuUniform, 4));
        printRow("adapted modules", std::to_string(plan.cells.size()), std::to_string(uniform.cells.size()));
        printRow("backward depth", std::to_string(plan.lowestLayer()), std::to_string(uniform.lowestLayer()));
        printRow("trainable params", std::to_string(times[0].trainableParams), std::to_string(times[1].trainableParams));
        printRow("peak memory (MiB)", mebibytes(times[0].peakMemoryBytes), mebibytes(times[1].peakMemoryBytes));
        std::printf("\nmeasured speedup    %.2fx (wall clock), %.2fx (CPU time)\n", wallUniform / wallPlan,
                    cpuUniform / cpuPlan);
        const CostEstimate planned = cost->estimate(plan);
        if (calibrated)
            std::printf("predicted speedup   %.2fx (cost model calibrated from the probe's %zu timed batches: "
                        "step %.4f s, uniform %.4f s)\n",
                        predicted, probe->timing.size(), planned.seconds, planned.uniformSeconds);
        else
            std::printf("predicted speedup   %.2fx (cost model: FLOP counts; no timed probe in this run)\n", predicted);
        std::fflush(stdout);

        const nlohmann::json j = {{"steps", o.steps},
                                  {"warmup", o.warmup},
                                  {"rounds", o.rounds},
                                  {"micro_batch_size", cfg.train.micro_batch_size},
                                  {"sequence_len", cfg.data.sequence_len},
                                  {"device", model.device().str()},
                                  {"plan", timesJson(plan, times[0])},
                                  {"uniform", timesJson(uniform, times[1])},
                                  {"speedup", wallUniform / wallPlan},
                                  {"speedup_cpu", cpuUniform / cpuPlan},
                                  {"predicted_speedup", predicted},
                                  {"predicted_calibrated", calibrated},
                                  {"predicted_step_s", calibrated ? nlohmann::json(planned.seconds) : nlohmann::json(nullptr)},
                                  {"predicted_uniform_step_s",
                                   calibrated ? nlohmann::json(planned.uniformSeconds) : nlohmann::json(nullptr)}};
        const std::string out = (fs::path(dir) / "bench.json").string();
        writeJsonFile(out, j);
        std::cerr << "bench: " << out << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
