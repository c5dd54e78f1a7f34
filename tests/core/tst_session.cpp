// The experiment layer's run directories (core/session): a fresh folder per run, what a run
// records (metrics.jsonl with its end line, train.log), and reading it back as the Studio's
// Compare stage does, resumed, killed and damaged runs included.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/config/experiment_io.h"
#include "core/plan/plan_io.h"
#include "core/session/metrics_tail.h"
#include "core/session/run_recorder.h"
#include "core/session/run_summary.h"
#include "core/session/step_prediction.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

StepEvent stepEvent(int64_t step, double loss, double seconds) {
    StepEvent e;
    e.step = step;
    e.total_steps = 10;
    e.loss = loss;
    e.step_time_s = seconds;
    return e;
}

// A run directory as a front end starts one: config.yaml naming the model, plan.yaml.
std::string startRun(const std::string& parent, const std::string& stem) {
    const std::string dir = freshRunDirectory(parent, stem);
    ExperimentConfig cfg;
    cfg.model.path = "/models/tiny";
    writeRunConfig(cfg, dir);
    AdapterPlan plan;
    plan.cells.push_back({1, "q_proj", 8, 16.0});
    savePlan(plan, dir + "/plan.yaml");
    return dir;
}

TrainResult ended(TrainOutcome outcome, int64_t steps) {
    TrainResult r;
    r.outcome = outcome;
    r.steps = steps;
    return r;
}

}  // namespace

class TstSession : public QObject {
    Q_OBJECT
private slots:
    // The line the Studio shows after a run: the first (warm-up) step left out, median of the rest.
    void predictedAgainstMeasuredStep() {
        QCOMPARE(QString::fromStdString(predictedVsMeasured(0.9, {5.0, 1.2, 0.8, 1.0})),
                 QString("step 1000 ms measured (median of steps 2-4), 900 ms predicted: prediction 10.0% low"));
        QCOMPARE(QString::fromStdString(predictedVsMeasured(0.25, {0.2})),
                 QString("step 200 ms measured (median of steps 1-1), 250 ms predicted: prediction 25.0% high"));
        QVERIFY(predictedVsMeasured(0.0, {1.0}).empty());  // no timed probe: nothing to claim
        QVERIFY(predictedVsMeasured(1.0, {}).empty());
    }

    void freshDirectoriesNeverRepeat() {
        QTemporaryDir tmp;
        const std::string parent = tmp.filePath("runs").toStdString();
        std::set<std::string> seen;
        for (int i = 0; i < 3; ++i) seen.insert(freshRunDirectory(parent, "run"));  // same second, most likely
        QCOMPARE(seen.size(), size_t(3));
        for (const auto& d : seen) {
            QVERIFY(fs::is_directory(d));
            QVERIFY(fs::path(d).filename().string().rfind("run-", 0) == 0);
        }
    }

    void runConfigNamesItsOwnDirectory() {
        QTemporaryDir tmp;
        const std::string dir = startRun(tmp.path().toStdString(), "run");
        ExperimentLoadOptions options;
        options.checkFiles = false;  // the model named is not there
        const ExperimentConfig back = loadExperiment(dir + "/config.yaml", options);
        QCOMPARE(back.output.dir, fs::absolute(dir).string());
        QCOMPARE(back.model.path, std::string("/models/tiny"));
    }

    void recordsAndReadsBackAStoppedRun() {
        QTemporaryDir tmp;
        const std::string dir = startRun(tmp.path().toStdString(), "run");
        {
            RunRecorder rec(dir, /*append=*/false);
            const TrainObserver obs = rec.wrap({});
            obs.onStep(stepEvent(1, 3.0, 9.0));  // the warm-up step: not in the mean
            obs.onStep(stepEvent(2, 2.5, 1.0));
            obs.onStep(stepEvent(3, 2.0, 2.0));
            obs.onEval(EvalEvent{3, 2.2, 9.0, 100});
            obs.onLog("checkpoint written");
            rec.finish(ended(TrainOutcome::Stopped, 3), "t", /*plot=*/true);
        }
        const auto r = readRunSummary(dir);
        QVERIFY(r);
        QCOMPARE(r->steps, int64_t(3));
        QCOMPARE(r->outcome, std::string("stopped"));
        QCOMPARE(r->finalTrainLoss, 2.0);
        QCOMPARE(r->finalEvalLoss, 2.2);
        QCOMPARE(r->meanStepSeconds, 1.5);
        QCOMPARE(r->model, std::string("/models/tiny"));
        QCOMPARE(r->plan.cells.size(), size_t(1));
        QVERIFY(!r->baseline);
        QVERIFY(fs::file_size(dir + "/loss.png") > 0);
        std::ifstream log(dir + "/train.log");
        std::string line;
        std::getline(log, line);
        QCOMPARE(line, std::string("checkpoint written"));
    }

    // Resumed: the earlier lines stay, the new ones follow; killed (no end line, a half line at
    // the end): the complete lines count, and the run reads as interrupted.
    void resumedThenKilledRun() {
        QTemporaryDir tmp;
        const std::string dir = startRun(tmp.path().toStdString(), "uniform");
        {
            RunRecorder rec(dir, false);
            rec.wrap({}).onStep(stepEvent(1, 3.0, 1.0));
            rec.finish(ended(TrainOutcome::Stopped, 1), "t", false);
        }
        {
            RunRecorder rec(dir, /*append=*/true);
            rec.wrap({}).onStep(stepEvent(2, 2.0, 1.0));
        }
        std::ofstream(dir + "/metrics.jsonl", std::ios::app) << "{\"type\": \"train\", \"step\": 3, \"lo";
        const auto r = readRunSummary(dir);
        QVERIFY(r);
        QCOMPARE(r->steps, int64_t(2));
        QCOMPARE(r->outcome, std::string("interrupted"));
        QVERIFY(r->baseline);
    }

    // What the Studio reads while another process trains: each poll gives the lines completed
    // since the last one (a half-written line waits for its newline), back as the events that
    // were recorded; a resumed run's earlier lines are skipped.
    void tailFollowsTheRecorderLineByLine() {
        QTemporaryDir tmp;
        const std::string dir = startRun(tmp.path().toStdString(), "run");
        const std::string path = dir + "/metrics.jsonl";
        MetricsTail tail(path, /*skipExisting=*/false);
        QVERIFY(tail.poll().empty());  // no file yet
        auto rec = std::make_unique<RunRecorder>(dir, false);
        const TrainObserver obs = rec->wrap({});
        StepEvent e = stepEvent(1, 3.25, 0.5);
        e.epoch = 0.25;
        e.lr = 1e-3;
        e.grad_norm = 0.75;
        e.tokens_per_s = 1234.0;
        e.eta_s = 4.5;
        e.peak_memory_bytes = 1 << 20;
        e.rank_tokens_per_s = {600.0, 634.0};
        e.layer_update_norms = {0.0, 0.5, 0.125};  // exact in float
        obs.onStep(e);
        obs.onEval(EvalEvent{1, 3.5, 33.1, 77});
        auto lines = tail.poll();
        QCOMPARE(lines.size(), size_t(2));
        const StepEvent back = stepEventFromLine(lines[0]);
        QCOMPARE(back.step, e.step);
        QCOMPARE(back.total_steps, e.total_steps);
        QCOMPARE(back.loss, e.loss);
        QCOMPARE(back.epoch, e.epoch);
        QCOMPARE(back.lr, e.lr);
        QCOMPARE(back.grad_norm, e.grad_norm);
        QCOMPARE(back.tokens_per_s, e.tokens_per_s);
        QCOMPARE(back.step_time_s, e.step_time_s);
        QCOMPARE(back.eta_s, e.eta_s);
        QCOMPARE(back.peak_memory_bytes, e.peak_memory_bytes);
        QCOMPARE(back.rank_tokens_per_s, e.rank_tokens_per_s);
        QCOMPARE(back.layer_update_norms, e.layer_update_norms);
        const EvalEvent ev = evalEventFromLine(lines[1]);
        QCOMPARE(ev.loss, 3.5);
        QCOMPARE(ev.tokens, int64_t(77));
        QVERIFY(tail.poll().empty());
        TrainResult stopped = ended(TrainOutcome::Stopped, 1);
        stopped.message = "stopped by request after step 1";
        rec->finish(stopped, "t", false);
        lines = tail.poll();
        QCOMPARE(lines.size(), size_t(1));
        const TrainResult end = trainResultFromEndLine(lines[0]);
        QVERIFY(end.outcome == TrainOutcome::Stopped);
        QCOMPARE(end.steps, int64_t(1));
        QCOMPARE(end.message, stopped.message);
        QVERIFY(outcomeFromName("bogus") == std::nullopt);
        rec.reset();

        std::ofstream(path, std::ios::app) << "{\"type\": \"train\", \"step\": 2, \"lo" << std::flush;
        QVERIFY(tail.poll().empty());  // half a line: not yet
        std::ofstream(path, std::ios::app) << "ss\": 2.5}\n" << std::flush;
        lines = tail.poll();
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(stepEventFromLine(lines[0]).loss, 2.5);
        QVERIFY(stepEventFromLine(lines[0]).rank_tokens_per_s.empty());  // one process

        MetricsTail resumed(path, /*skipExisting=*/true);
        QVERIFY(resumed.poll().empty());
        RunRecorder again(dir, /*append=*/true);
        again.wrap({}).onStep(stepEvent(3, 2.0, 1.0));
        lines = resumed.poll();
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(stepEventFromLine(lines[0]).step, int64_t(3));
    }

    void listsRunsAndSaysWhichItCannotRead() {
        QTemporaryDir tmp;
        const std::string parent = tmp.path().toStdString();
        const std::string a = startRun(parent, "run");
        const std::string b = startRun(parent, "uniform");
        fs::create_directories(parent + "/not-a-run");
        const std::string broken = startRun(parent, "run");
        std::ofstream(broken + "/plan.yaml") << "layers: [";  // damaged
        std::vector<std::string> problems;
        const auto runs = listRuns(parent, &problems);
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[0].dir, a);
        QCOMPARE(runs[1].dir, b);
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(problems[0].find("plan.yaml") != std::string::npos, problems[0].c_str());
    }
};

QTEST_APPLESS_MAIN(TstSession)
#include "tst_session.moc"
