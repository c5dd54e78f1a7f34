#pragma once
// Runs core/train's train() off the GUI thread. It owns the run while it lasts: the model
// handle, the plan, its batch sources. Steps, evaluations and log lines go out as queued
// signals; pause and stop arrive through the shared StopToken, set from the GUI thread.
#include <QObject>
#include <QString>
#include <memory>

#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/train/metrics.h"
#include "core/train/train_options.h"
#include "ui/workers/batch_sources.h"

namespace aletheia::ui {

struct TrainRequest {
    Model model;
    AdapterPlan plan;
    TrainOptions options;
    BatchRequest trainData;
    BatchRequest valData;          // batches = 0: no evaluation
    std::string resumeFrom;        // "" | "latest" | a checkpoint directory
};

class TrainWorker : public QObject {
    Q_OBJECT
public:
    TrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop);

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

Q_DECLARE_METATYPE(aletheia::StepEvent)
Q_DECLARE_METATYPE(aletheia::EvalEvent)
Q_DECLARE_METATYPE(aletheia::TrainResult)
