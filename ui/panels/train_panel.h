#pragma once
// Stage 5, Train: hyper-parameters with sensible defaults, Start / Pause / Resume / Stop,
// a TrainWorker in a QThread, live plots (loss, eval loss, tokens/s, memory, LR), the
// per-layer adapter-update heatmap and a log pane. The ETA goes to the status bar.
#include <QElapsedTimer>
#include <QWidget>
#include <memory>

#include "core/common/progress.h"
#include "core/plan/adapter_plan.h"
#include "core/train/metrics.h"
#include "core/train/train_options.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace aletheia::ui {

class LivePlot;
class StudioSession;
class UpdateHeatmap;

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainPanel(StudioSession* session, QWidget* parent = nullptr);

    TrainOptions options() const;
    void setOptions(const TrainOptions& options);
    int sequenceLength() const;
    bool isRunning() const { return running_; }
    bool isPaused() const;
    LivePlot* lossPlot() const { return loss_; }
    QList<LivePlot*> plots() const;
    UpdateHeatmap* updateHeatmap() const { return updates_; }
    const QString& lastCheckpoint() const { return lastCheckpoint_; }

public slots:
    // Trains the session's current plan.
    void start();
    // Same settings, uniform LoRA (rank 16) on every module: the baseline runs are compared with.
    void startBaseline();
    void togglePause();
    void stop();

signals:
    void statusMessage(const QString& text);
    void etaChanged(const QString& text);
    void runningChanged(bool running);
    void runFinished(bool completed);

private:
    void startRun(const AdapterPlan& plan, const QString& name, bool baseline);
    void onStep(const StepEvent& e);
    void onEval(const EvalEvent& e);
    void onFinished(const TrainResult& r);
    void appendLog(const QString& line);
    void setRunning(bool running);

    StudioSession* session_;
    QDoubleSpinBox* lr_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QSpinBox* maxSteps_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* accum_ = nullptr;
    QSpinBox* seqLen_ = nullptr;
    QSpinBox* trainBatches_ = nullptr;
    QSpinBox* evalEvery_ = nullptr;
    QSpinBox* evalBatches_ = nullptr;
    QSpinBox* ckptEvery_ = nullptr;
    QLineEdit* outputDir_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* pauseButton_ = nullptr;
    QPushButton* stopButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* stats_ = nullptr;
    LivePlot* loss_ = nullptr;
    LivePlot* speed_ = nullptr;
    LivePlot* memory_ = nullptr;
    LivePlot* lrPlot_ = nullptr;
    UpdateHeatmap* updates_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    int trainSeries_ = 0, evalSeries_ = 0, speedSeries_ = 0, memSeries_ = 0, lrSeries_ = 0;

    std::shared_ptr<StopToken> stop_;
    bool running_ = false;
    QString runName_;
    bool baseline_ = false;
    AdapterPlan runPlan_;
    QString runOutputDir_;
    QString lastCheckpoint_;
    double stepSecondsSum_ = 0;
    int64_t timedSteps_ = 0;
    double lastLoss_ = 0, lastEval_ = 0;
    int runCounter_ = 0;
};

}  // namespace aletheia::ui
