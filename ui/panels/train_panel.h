#pragma once
// Stage 5, Train: hyper-parameters with sensible defaults, Start / Pause / Resume / Stop,
// a TrainWorker in a QThread (a ProcessTrainWorker for several processes), live plots (loss,
// eval loss, tokens/s, memory, LR), the per-layer adapter-update heatmap and a log pane. The ETA
// goes to the status bar.
#include <QElapsedTimer>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/common/progress.h"
#include "core/config/experiment.h"
#include "core/plan/adapter_plan.h"
#include "core/train/metrics.h"

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace aletheia::ui {

class LivePlot;
class JobThread;
class StudioSession;
struct TrainRequest;
class UpdateHeatmap;

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainPanel(StudioSession* session, QWidget* parent = nullptr);

    bool isRunning() const { return running_; }
    bool isPaused() const;
    LivePlot* lossPlot() const { return loss_; }
    QList<LivePlot*> plots() const;
    UpdateHeatmap* updateHeatmap() const { return updates_; }
    const QString& lastCheckpoint() const { return lastCheckpoint_; }

public slots:
    // Trains the session's current plan.
    void start();
    // Same settings, uniform LoRA (lora.lora_r) on every module: the baseline runs are compared with.
    void startBaseline();
    // Continues a stopped run from its latest checkpoint, in its own directory, with its own
    // config.yaml and plan.yaml (the model and data it ran on must be the ones loaded).
    void resumeRun(const QString& runDir);
    void togglePause();
    void stop();

signals:
    void statusMessage(const QString& text);
    void etaChanged(const QString& text);
    void runningChanged(bool running);
    void runFinished(bool completed);

private:
    void showConfig();
    bool readyToTrain();
    // A fresh run directory <output.dir>/<name>-<time> trained with `plan`; `config` is what its
    // config.yaml records.
    void startRun(const AdapterPlan& plan, const ExperimentConfig& config, const QString& name);
    // Sets the request's processes (and the CLI they need); false, with a word, when it cannot run.
    bool dataParallel(TrainRequest& request);
    void launch(const TrainRequest& request);
    void onStep(const StepEvent& e);
    void onEval(const EvalEvent& e);
    void onFinished(const TrainResult& r);
    void appendLog(const QString& line);
    void setRunning(bool running);

    StudioSession* session_;
    QGroupBox* hyperParameters_ = nullptr;
    bool showing_ = false;  // showConfig in progress: the fields' signals are not user edits
    QDoubleSpinBox* lr_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QSpinBox* maxSteps_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* accum_ = nullptr;
    QSpinBox* trainBatches_ = nullptr;
    QSpinBox* evalEvery_ = nullptr;
    QSpinBox* evalBatches_ = nullptr;
    QSpinBox* ckptEvery_ = nullptr;
    QSpinBox* processes_ = nullptr;
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
    QString runOutputDir_;
    QString lastCheckpoint_;
    double predictedStep_ = 0.0;        // the Plan stage's probe-calibrated seconds per step; 0: none
    std::vector<double> stepSeconds_;   // this run's measured steps, for predicted vs measured
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui
