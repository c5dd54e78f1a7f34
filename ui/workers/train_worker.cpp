#include "ui/workers/train_worker.h"

#include "core/train/trainer.h"

#include <exception>

namespace aletheia::ui {

TrainWorker::TrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {
    qRegisterMetaType<aletheia::StepEvent>();
    qRegisterMetaType<aletheia::EvalEvent>();
    qRegisterMetaType<aletheia::TrainResult>();
}

void TrainWorker::run() {
    TrainResult result;
    try {
        auto trainData = makeBatchSource(request_.trainData);
        std::unique_ptr<BatchSource> valData;
        if (request_.valData.batches > 0) valData = makeBatchSource(request_.valData);
        emit started(plannedSteps(request_.options, *trainData));
        TrainObserver observer;
        observer.onStep = [this](const StepEvent& e) { emit step(e); };
        observer.onEval = [this](const EvalEvent& e) { emit evaluated(e); };
        observer.onLog = [this](const std::string& line) { emit logLine(QString::fromStdString(line)); };
        result = train(request_.model, request_.plan, *trainData, valData.get(), request_.options, observer,
                       stop_.get(), request_.resumeFrom);
    } catch (const std::exception& e) {
        result.outcome = TrainOutcome::NonFinite;
        result.message = e.what();
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(result);
}

}  // namespace aletheia::ui
