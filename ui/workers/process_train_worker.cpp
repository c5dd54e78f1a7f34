#include "ui/workers/process_train_worker.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <signal.h>

#include <exception>
#include <filesystem>

#include "core/session/metrics_tail.h"
#include "core/session/run_recorder.h"
#include "core/train/checkpoint.h"

namespace aletheia::ui {

namespace fs = std::filesystem;

QString aletheiaExecutable() {
    const QString env = qEnvironmentVariable("ALETHEIA_CLI");
    if (!env.isEmpty()) return QFileInfo(env).isExecutable() ? env : QString();
    const QString beside = QCoreApplication::applicationDirPath() + "/aletheia";
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable("aletheia");
}

ProcessTrainWorker::ProcessTrainWorker(TrainRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {}

namespace {
// The CLI's progress bars (a line every 2 s when not on a terminal) repeat what the plots show.
bool isProgressLine(const QString& line) { return line.contains(" it/s ") || line.contains(" tok/s"); }
}  // namespace

void ProcessTrainWorker::run() {
    const TrainRequest& r = request_;
    TrainResult result;
    result.outcome = TrainOutcome::NonFinite;
    bool ended = false;  // the run's "end" line was read
    QString lastLines;   // stderr's tail, for a run that ends without one
    try {
        if (!r.resume) writeRunInputs(r.config, r.plan, r.scores ? &*r.scores : nullptr, r.runDir);
        if (r.cli.empty()) throw std::runtime_error("no `aletheia` executable found beside the Studio or on PATH (set ALETHEIA_CLI)");
        QStringList args{"train", "--config", QString::fromStdString(r.runDir + "/config.yaml"), "--nproc",
                         QString::number(r.processes)};
        if (r.resume) args << "--resume";
        MetricsTail metrics(r.runDir + "/metrics.jsonl", r.resume);
        QProcess child;  // this thread's: no event loop needed, the waitFor* calls drive it
        child.setStandardOutputFile(QProcess::nullDevice());
        child.start(QString::fromStdString(r.cli), args);
        if (!child.waitForStarted(30000))
            throw std::runtime_error("cannot start " + r.cli + ": " + child.errorString().toStdString());
        emit logLine(QString("%1 processes: %2 %3").arg(r.processes).arg(QString::fromStdString(r.cli), args.join(' ')));
        emit started(r.config.train.max_steps);
        const pid_t pid = pid_t(child.processId());
        bool stopSent = false, pauseSent = false;
        bool ranksUp = false;  // a step was logged: rank 0 handles SIGUSR1 (before, it would be lost)
        QString pendingErr;
        auto drain = [&] {
            pendingErr += QString::fromUtf8(child.readAllStandardError());
            int nl;
            while ((nl = int(pendingErr.indexOf('\n'))) >= 0) {
                const QString line = pendingErr.left(nl).trimmed();
                pendingErr.remove(0, nl + 1);
                if (line.isEmpty() || isProgressLine(line)) continue;
                emit logLine(line);
                lastLines = (lastLines + "\n" + line).right(2000);
            }
            for (const nlohmann::json& j : metrics.poll()) {
                const std::string type = j.value("type", "");
                if (type == "train") {
                    ranksUp = true;
                    emit step(stepEventFromLine(j));
                }
                if (type == "eval") emit evaluated(evalEventFromLine(j));
                if (type != "end") continue;
                ended = true;
                result = trainResultFromEndLine(j);
            }
        };
        while (child.state() != QProcess::NotRunning) {
            child.waitForFinished(200);
            if (stop_->stopRequested() && !stopSent) {
                ::kill(pid, SIGINT);  // every rank finishes its step, rank 0 writes the checkpoint
                stopSent = true;
            }
            if (!stopSent && ranksUp && stop_->paused() != pauseSent) {
                ::kill(pid, SIGUSR1);  // rank 0 asks; all ranks pause after the same step
                pauseSent = !pauseSent;
            }
            drain();
        }
        drain();
        if (!ended) {
            const QString how = child.exitStatus() == QProcess::CrashExit ? "crashed"
                                                                          : QString("exited with code %1").arg(child.exitCode());
            result.message = ("aletheia train " + how + ": " + lastLines.trimmed()).toStdString();
            result.last_checkpoint = latestCheckpoint((fs::path(r.runDir) / "checkpoints").string());
            emit failed(QString::fromStdString(result.message));
        }
    } catch (const std::exception& e) {
        result.message = e.what();
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(result);
}

}  // namespace aletheia::ui
