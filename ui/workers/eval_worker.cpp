#include "ui/workers/eval_worker.h"

#include <QFileInfo>
#include <exception>
#include <filesystem>

#include "core/config/experiment_io.h"
#include "core/session/engine_options.h"
#include "core/session/run_adapter.h"
#include "core/session/run_evaluation.h"
#include "core/text/tokenizer.h"

namespace aletheia::ui {

EvalWorker::EvalWorker(EvalRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {}

void EvalWorker::run() {
    int ok = 0;
    for (const QString& runDir : request_.runDirs) {
        if (stop_->stopRequested()) break;
        const QString name = QFileInfo(runDir).fileName();
        try {
            const std::string dir = runDir.toStdString();
            ExperimentLoadOptions options;
            options.checkFiles = false;  // a missing data file is reported when it is read, by name
            const ExperimentConfig cfg =
                loadExperiment((std::filesystem::path(dir) / "config.yaml").string(), options);
            const auto adapter = findRunAdapter(dir, "");
            const Tokenizer tok = Tokenizer::fromDirectory(cfg.model.path);
            const EvaluationInputs inputs = experimentEvaluationInputs(cfg, tok, {}, nullptr, stop_.get());
            if (inputs.empty())
                throw std::runtime_error("nothing to evaluate: the run's experiment has no validation, forgetting "
                                         "or question sets (data.val_set_size, data.forgetting, ...)");
            const bool loaded = QFileInfo(QString::fromStdString(cfg.model.path)).canonicalFilePath() ==
                                QFileInfo(request_.modelDir).canonicalFilePath();
            const Model model = loaded ? request_.model : Model::load(cfg.model.path, loadOptionsFor(cfg.model));
            const auto progress = [this, name](long done, long total, const std::string&) {
                emit this->progress(name, done, total);
            };
            const RunEvaluation r = evaluateExperiment(model, tok, cfg, inputs,
                                                       adapter ? adapter->attach : AttachAdapter{}, progress, stop_.get());
            if (r.stopped) break;
            writeRunEvaluation(dir, inputs, r, adapter ? adapter->path : "");
            ++ok;
            emit runFinished(runDir, true, adapter ? "evaluated with " + QString::fromStdString(adapter->path)
                                                   : QString("no adapter yet: base model only"));
        } catch (const std::exception& e) {
            emit runFinished(runDir, false, QString::fromStdString(e.what()));
        }
    }
    const int n = int(request_.runDirs.size());
    if (stop_->stopRequested()) emit finished(false, QString("Evaluation stopped (%1 of %2 runs written)").arg(ok).arg(n));
    else emit finished(ok == n, QString("Evaluated %1 of %2 runs").arg(ok).arg(n));
}

}  // namespace aletheia::ui
