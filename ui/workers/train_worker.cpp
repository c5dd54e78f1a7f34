#include "ui/workers/train_worker.h"

#include <exception>
#include <memory>

#include "core/session/experiment_data.h"
#include "core/session/run_recorder.h"
#include "core/session/train_options_for.h"
#include "core/train/trainer.h"
#include "ui/workers/batch_sources.h"

namespace aletheia::ui {

TrainReporter::TrainReporter() {
    qRegisterMetaType<aletheia::StepEvent>();
    qRegisterMetaType<aletheia::EvalEvent>();
    qRegisterMetaType<aletheia::TrainResult>();
}

TrainWorker::TrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {}

namespace {
// Without a dataset: synthetic tokens of data.sequence_len, train and held-out batches apart.
std::unique_ptr<BatchSource> synthetic(const TrainRequest& r, int64_t batches, uint64_t seed) {
    BatchRequest b;
    b.vocabSize = r.model.config().vocabSize;
    b.batches = batches;
    b.microBatch = r.config.train.micro_batch_size;
    b.sequenceLength = r.config.data.sequence_len;
    b.seed = seed;
    return syntheticBatches(b);
}
}  // namespace

void TrainWorker::run() {
    TrainResult result;
    std::optional<RunRecorder> recorder;
    std::unique_ptr<FileLock> lock;  // held to the end: `aletheia train` on this run is refused meanwhile
    try {
        TrainRequest& r = request_;  // train() takes the model non-const (it attaches the adapters)
        lock = lockRunDirectory(r.runDir);
        const ExperimentConfig& cfg = r.config;
        // The same batches as `aletheia train` on this config (core/session).
        std::unique_ptr<BatchSource> trainData, valData;
        if (r.train) {
            trainData = std::make_unique<ExampleBatchSource>(trainingBatches(cfg, r.train, r.padId));
            valData = validationBatches(cfg, r.validation, r.padId);
        } else {
            trainData = synthetic(r, r.syntheticBatches, uint64_t(cfg.train.seed));
            valData = synthetic(r, cfg.train.eval_batches > 0 ? cfg.train.eval_batches : 4, uint64_t(cfg.train.seed) + 1);
        }
        if (!r.resume) writeRunInputs(cfg, r.plan, r.scores ? &*r.scores : nullptr, r.runDir);
        recorder.emplace(r.runDir, r.resume);
        emit started(plannedSteps(trainOptionsFor(cfg, r.runDir), *trainData));
        TrainObserver observer;
        observer.onStep = [this](const StepEvent& e) { emit step(e); };
        observer.onEval = [this](const EvalEvent& e) { emit evaluated(e); };
        observer.onLog = [this](const std::string& line) { emit logLine(QString::fromStdString(line)); };
        TrainObserver recorded = recorder->wrap(observer);
        result = train(r.model, r.plan, *trainData, valData.get(), trainOptionsFor(cfg, r.runDir), recorded,
                       stop_.get(), r.resume ? "latest" : "");
    } catch (const std::exception& e) {
        result.outcome = TrainOutcome::NonFinite;
        result.message = e.what();
        emit failed(QString::fromStdString(e.what()));
    }
    try {
        if (recorder) recorder->finish(result, request_.config.name, request_.config.output.plots);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(result);
}

}  // namespace aletheia::ui
