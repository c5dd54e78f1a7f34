#pragma once
// Runs core/train's train() off the GUI thread. It owns the run while it lasts: the model
// handle, the plan, its batch sources, its run directory (written as `aletheia train` writes
// one: config.yaml, plan.yaml, probe_scores.json, metrics.jsonl, train.log, loss.png,
// checkpoints/). Steps, evaluations and log lines go out as queued signals; pause and stop
// arrive through the shared StopToken, set from the GUI thread.
#include <QObject>
#include <QString>
#include <memory>

#include <optional>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"
#include "core/text/example.h"
#include "core/train/metrics.h"

namespace aletheia::ui {

struct TrainRequest {
    Model model;
    AdapterPlan plan;
    ExperimentConfig config;       // train.*, data.seed: the run's settings, saved as its config.yaml
    std::string runDir;            // a fresh directory, or the stopped run's own on resume
    std::optional<ProbeScores> scores;  // saved as probe_scores.json when present
    // The Data stage's examples; train null: synthetic tokens (syntheticBatches per epoch).
    std::shared_ptr<const std::vector<text::Example>> train, validation;
    int32_t padId = 0;
    int64_t syntheticBatches = 64;
    bool resume = false;           // continue from the latest checkpoint in runDir
    // > 1: data-parallel, `aletheia train --nproc N` in child processes (ProcessTrainWorker),
    // which read the model and data from config.yaml; 1: this process (TrainWorker).
    int processes = 1;
    std::string cli;               // the `aletheia` executable, for processes > 1
};

// What a training run reports, whichever worker runs it (TrainWorker in this process,
// ProcessTrainWorker through `aletheia train --nproc N`): the Train stage connects to these.
class TrainReporter : public QObject {
    Q_OBJECT
public:
    TrainReporter();
    virtual void run() = 0;

signals:
    void started(qint64 totalSteps);
    void step(const aletheia::StepEvent& event);
    void evaluated(const aletheia::EvalEvent& event);
    void logLine(const QString& line);
    void failed(const QString& message);
    void finished(const aletheia::TrainResult& result);
};

class TrainWorker : public TrainReporter {
    Q_OBJECT
public:
    TrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop);
    void run() override;

private:
    TrainRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui

Q_DECLARE_METATYPE(aletheia::StepEvent)
Q_DECLARE_METATYPE(aletheia::EvalEvent)
Q_DECLARE_METATYPE(aletheia::TrainResult)
