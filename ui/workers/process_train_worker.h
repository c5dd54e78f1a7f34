#pragma once
// A data-parallel run from the Studio: `aletheia train --config <run>/config.yaml --nproc N` in a
// child process (the CLI's launcher and its N ranks), so the run is exactly what the CLI runs on
// that config, and a rank that dies cannot take the Studio with it. The worker writes the run's
// inputs, follows its metrics.jsonl and stderr, and turns Pause / Stop into the signals the
// launcher forwards (SIGUSR1 pauses every rank after the same step, SIGINT stops them with a
// checkpoint). It reports through the same signals as TrainWorker.
#include <QObject>
#include <QString>
#include <memory>

#include "ui/workers/train_worker.h"

namespace aletheia::ui {

// The `aletheia` executable the Studio starts: $ALETHEIA_CLI, else the one beside the Studio's
// own executable, else the first on PATH; empty when there is none.
QString aletheiaExecutable();

class ProcessTrainWorker : public QObject {
    Q_OBJECT
public:
    ProcessTrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop);

public slots:
    void run();

signals:
    void started(qint64 totalSteps);
    void step(const aletheia::StepEvent& event);
    void evaluated(const aletheia::EvalEvent& event);
    void logLine(const QString& line);
    void failed(const QString& message);
    void finished(const aletheia::TrainResult& result);

private:
    TrainRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui
