#pragma once
// Stage 4, Plan: the experiment's plan.* and lora.* keys (policy with a threshold slider, ranks,
// alpha rule). Every control edits its key; every edit re-plans at once with core/session's
// planner and cost model (microseconds, on the GUI thread), exactly as `aletheia plan` plans,
// and shows the selection as outlines on the heatmap, per-layer ranks, trainable parameters,
// predicted step time and predicted speedup vs uniform LoRA.
#include <QWidget>
#include <memory>

#include "core/plan/make_plan.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;
class QCheckBox;
class QPushButton;

namespace aletheia {
class CostModel;
struct CostEstimate;
}

namespace aletheia::ui {

class LayerBarChart;
class ScoreHeatmap;
class StudioSession;

class PlanPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlanPanel(StudioSession* session, QWidget* parent = nullptr);
    ~PlanPanel() override;

    const CostEstimate* estimate() const;
    ScoreHeatmap* heatmap() const { return heatmap_; }
    QSlider* slider() const { return slider_; }

public slots:
    void replan();

signals:
    void statusMessage(const QString& text);

private:
    void showConfig();
    void updateSliderLabel();
    void showPlan();

    StudioSession* session_;
    QComboBox* policy_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* sliderLabel_ = nullptr;
    QComboBox* allocation_ = nullptr;
    QSpinBox* rank_ = nullptr;
    QSpinBox* attnRank_ = nullptr;
    QSpinBox* mlpRank_ = nullptr;
    QDoubleSpinBox* budget_ = nullptr;
    QComboBox* alphaRule_ = nullptr;
    QDoubleSpinBox* alpha_ = nullptr;
    QCheckBox* rslora_ = nullptr;
    QCheckBox* logColours_ = nullptr;
    QLabel* params_ = nullptr;
    QLabel* stepTime_ = nullptr;
    QLabel* speedup_ = nullptr;
    QLabel* depth_ = nullptr;
    QLabel* planTime_ = nullptr;
    QLabel* message_ = nullptr;
    QLabel* overrides_ = nullptr;
    QPushButton* clearOverrides_ = nullptr;
    ScoreHeatmap* heatmap_ = nullptr;
    LayerBarChart* ranks_ = nullptr;
    std::unique_ptr<CostModel> cost_;
    std::unique_ptr<CostEstimate> estimate_;
    bool showing_ = false;  // showConfig in progress: the controls' signals are not user edits
};

}  // namespace aletheia::ui
