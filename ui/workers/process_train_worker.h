#pragma once
// A data-parallel run from the Studio: `aletheia train --config <run>/config.yaml --nproc N` in a
// child process (the CLI's launcher and its N ranks), so the run is exactly what the CLI runs on
// that config, and a rank that dies cannot take the Studio with it. The worker writes the run's
// inputs, follows its metrics.jsonl and stderr, and turns Pause / Stop into the signals the
// launcher forwards (SIGUSR1 pauses every rank after the same step, SIGINT stops them with a
// checkpoint). It reports through TrainReporter's signals, as TrainWorker does.
#include <QObject>
#include <QString>
#include <memory>

#include "ui/workers/train_worker.h"

namespace aletheia::ui {

// The `aletheia` executable the Studio starts: $ALETHEIA_CLI, else the one beside the Studio's
// own executable, else the first on PATH; empty when there is none.
QString aletheiaExecutable();

class ProcessTrainWorker : public TrainReporter {
    Q_OBJECT
public:
    ProcessTrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop);
    void run() override;

private:
    TrainRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui
