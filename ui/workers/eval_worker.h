#pragma once
// Evaluates runs off the GUI thread as `aletheia eval` does (core/session/run_evaluation.h): per
// run, its experiment's sets (validation, forgetting, question files) on the base model and with
// the run's adapter (exported adapter/, else its newest checkpoint), written to the run's
// eval.json, which the Compare stage then reads back.
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"

namespace aletheia::ui {

struct EvalRequest {
    Model model;          // the session's model, only read; used for runs of `modelDir`
    QString modelDir;
    std::vector<QString> runDirs;  // others' models are loaded for their runs
};

class EvalWorker : public QObject {
    Q_OBJECT
public:
    EvalWorker(EvalRequest request, std::shared_ptr<StopToken> stop);
public slots:
    void run();
signals:
    void progress(const QString& run, long done, long total);
    // One run evaluated (ok: eval.json written) or not (message says why).
    void runFinished(const QString& runDir, bool ok, const QString& message);
    void finished(bool ok, const QString& message);

private:
    EvalRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui
