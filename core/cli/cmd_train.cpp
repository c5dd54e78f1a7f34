#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "core/cli/commands.h"
#include "core/cli/distributed_run.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/interrupt.h"
#include "core/cli/plan_run.h"
#include "core/cli/progress_printer.h"
#include "core/common/error.h"
#include "core/plan/plan_io.h"
#include "core/plan/plan_table.h"
#include "core/train/example_batch_source.h"
#include "core/session/train_options_for.h"
#include "core/session/run_recorder.h"
#include "core/train/trainer.h"

namespace aletheia::cli {

namespace fs = std::filesystem;

namespace {

// Test hook for the dead-peer tests: ALETHEIA_TEST_KILL_RANK=r ALETHEIA_TEST_KILL_AFTER_STEP=s
// makes rank r SIGKILL itself right after step s, as a crashed machine would vanish.
void killSelfIfAsked(int rank, int64_t step) {
    const char* r = std::getenv("ALETHEIA_TEST_KILL_RANK");
    const char* s = std::getenv("ALETHEIA_TEST_KILL_AFTER_STEP");
    if (r && s && std::atoi(r) == rank && std::atoll(s) == step) std::raise(SIGKILL);
}

}  // namespace

CommandSpec trainCommand() {
    CommandSpec c;
    c.name = "train";
    c.summary = "train LoRA on the planned modules (Ctrl-C stops with a checkpoint)";
    c.usage = "aletheia train --config exp.yaml [--set KEY=VALUE ...] [--resume] [--nproc N]";
    c.description =
        "Uses the run directory's plan.yaml (from `aletheia plan`; without one, the plan is made from the\n"
        "run's probe_scores.json, or from nothing for policies uniform, manual, ranks and file).\n"
        "Writes metrics.jsonl (one JSON object per step: type, step, loss, lr, grad_norm, tokens_per_s, and\n"
        "per evaluation: type eval, step, loss, perplexity), checkpoints/ and loss.png.\n"
        "Ctrl-C finishes the current step and writes a checkpoint; --resume continues from the latest.\n"
        "SIGUSR1 (kill -USR1 PID) pauses after the current step and resumes on the next SIGUSR1.\n"
        "--nproc N (or torchrun's RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT) trains data-parallel: each rank\n"
        "takes its rows of every batch, rank 0 writes the run directory (docs/DISTRIBUTED.md).";
    c.options = experimentOptions();
    c.options.push_back({"resume", "", "continue from the latest checkpoint in the run directory"});
    c.options.push_back(nprocOption());
    c.run = [](const ParsedArgs& a) {
        if (const auto code = launchRanksIfAsked(a, "train")) return *code;
        ExperimentConfig cfg = experimentFromArgs(a, "train");
        const std::shared_ptr<Communicator> comm = joinRun(cfg);
        const int rank = comm ? comm->rank() : 0;
        // One writer per run directory: rank 0 holds the lock, taken before config.yaml is rewritten.
        const auto lock = rank == 0 ? lockRunDirectory(cfg.output.dir) : nullptr;
        const std::string dir = rank == 0 ? prepareRunDir(cfg) : cfg.output.dir;
        Model model = loadExperimentModel(cfg);
        const ModuleTable table = modulesOf(model);
        // Rank 0 alone reads or writes plan.yaml; the others take its plan, never a half-written file.
        AdapterPlan plan = rank == 0 ? runPlan(cfg, model, table, dir) : AdapterPlan{};
        if (comm) {
            plan = planFromYaml(textFromRankZero(*comm, planToYaml(plan), "broadcast of the adapter plan"),
                                dir + "/plan.yaml (rank 0's)");
            validatePlan(plan, table);
        }
        const Tokenizer tok = loadExperimentTokenizer(cfg);
        const text::Dataset data = loadExperimentData(cfg, tok);
        using Examples = std::vector<text::Example>;
        ExampleBatchSource trainData = trainingBatches(cfg, std::make_shared<const Examples>(data.train), paddingId(tok));
        const auto valData = validationBatches(cfg, std::make_shared<const Examples>(data.validation), paddingId(tok));

        // Rank 0 alone records the run (metrics.jsonl, loss.png) and prints progress.
        std::optional<RunRecorder> recorder;
        if (rank == 0) recorder.emplace(dir, a.has("resume"));
        ProgressPrinter progress("train");
        TrainObserver obs;
        obs.onStep = [&](const StepEvent& e) {
            killSelfIfAsked(rank, e.step);
            if (rank != 0) return;
            char detail[160];
            std::snprintf(detail, sizeof detail, "loss %.4f  lr %.2e  %.0f tok/s", e.loss, e.lr, e.tokens_per_s);
            progress.update(long(e.step), long(e.total_steps), detail);
        };
        obs.onEval = [&](const EvalEvent& e) {
            if (rank == 0)
                std::cerr << "\neval step " << e.step << ": loss " << e.loss << ", perplexity " << e.perplexity << "\n";
        };
        obs.onLog = [rank](const std::string& m) {
            if (rank == 0) std::cerr << "\n" << m << "\n";
        };
        TrainObserver recorded = recorder ? recorder->wrap(obs) : obs;
        TrainOptions options = trainOptionsFor(cfg, dir);
        options.comm = comm.get();
        const TrainResult r = train(model, plan, trainData, valData.get(), options, recorded, &interruptToken(),
                                    a.has("resume") ? "latest" : "");
        if (rank != 0) return r.outcome == TrainOutcome::Completed || r.outcome == TrainOutcome::Stopped ? 0 : 2;
        progress.finish();
        recorder->finish(r, cfg.name, cfg.output.plots);
        std::cerr << "train: " << r.message << " (" << r.steps << " steps";
        if (!r.last_checkpoint.empty()) std::cerr << ", checkpoint " << r.last_checkpoint;
        std::cerr << ")\n";
        const bool ok = r.outcome == TrainOutcome::Completed || r.outcome == TrainOutcome::Stopped;
        return ok ? 0 : 2;
    };
    return c;
}

}  // namespace aletheia::cli
