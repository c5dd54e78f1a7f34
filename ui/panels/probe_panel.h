#pragma once
// Stage 3, Probe: settings (the experiment's probe.* keys), Run/Stop, and the live
// heatmap + per-layer bars that fill in after every probe batch. Clicking a cell or a layer
// toggles it in or out of the plan (through the session's manual overrides).
#include <QWidget>
#include <memory>

#include "core/common/progress.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace aletheia::ui {

class LayerBarChart;
class ScoreHeatmap;
class JobThread;
class StudioSession;

class ProbePanel : public QWidget {
    Q_OBJECT
public:
    explicit ProbePanel(StudioSession* session, QWidget* parent = nullptr);

    bool isRunning() const { return running_; }
    ScoreHeatmap* heatmap() const { return heatmap_; }

public slots:
    void run();
    void stop();

signals:
    void statusMessage(const QString& text);
    void probeFinished(bool ok);

private:
    void showSettings();
    void showScores(bool final);
    void showSelection();
    void setRunning(bool running);

    StudioSession* session_;
    QSpinBox* batches_ = nullptr;
    QSpinBox* microBatch_ = nullptr;
    QSpinBox* seqLen_ = nullptr;
    QComboBox* rule_ = nullptr;
    QPushButton* runButton_ = nullptr;
    QPushButton* stopButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* stability_ = nullptr;
    QLabel* message_ = nullptr;
    ScoreHeatmap* heatmap_ = nullptr;
    LayerBarChart* bars_ = nullptr;
    std::shared_ptr<StopToken> stop_;
    bool running_ = false;
    bool showing_ = false;  // showSettings in progress: the controls' signals are not user edits
    int gridLayers_ = -1;
    int gridModules_ = -1;
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui
