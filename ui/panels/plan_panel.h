#pragma once
// Stage 4, Plan: selection policy with a threshold slider, rank budget and allocation rule.
// Every change re-plans at once (the planner runs in microseconds, on the GUI thread) and
// shows the selection as outlines on the heatmap, per-layer ranks, trainable parameters,
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

    // The options the controls describe (plus the session's manual overrides).
    PlanOptions options() const;
    void setOptions(const PlanOptions& options);
    // Shape of a training step the cost model prices (the Train stage's batch and length).
    void setStepShape(int64_t batch, int64_t seq);
    const CostEstimate* estimate() const;
    ScoreHeatmap* heatmap() const { return heatmap_; }
    QSlider* slider() const { return slider_; }

public slots:
    void replan();

signals:
    void statusMessage(const QString& text);

private:
    void policyChanged();
    void updateSliderLabel();
    void showPlan();
    void rebuildCostModel();

    StudioSession* session_;
    QComboBox* policy_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* sliderLabel_ = nullptr;
    QComboBox* allocation_ = nullptr;
    QSpinBox* rank_ = nullptr;
    QSpinBox* attnRank_ = nullptr;
    QSpinBox* mlpRank_ = nullptr;
    QDoubleSpinBox* budget_ = nullptr;
    QDoubleSpinBox* alphaRatio_ = nullptr;
    QCheckBox* rslora_ = nullptr;
    QLabel* params_ = nullptr;
    QLabel* stepTime_ = nullptr;
    QLabel* speedup_ = nullptr;
    QLabel* depth_ = nullptr;
    QLabel* planTime_ = nullptr;
    QLabel* message_ = nullptr;
    ScoreHeatmap* heatmap_ = nullptr;
    LayerBarChart* ranks_ = nullptr;
    std::unique_ptr<CostModel> cost_;
    std::unique_ptr<CostEstimate> estimate_;
    int64_t batch_ = 4, seq_ = 512;
    bool applying_ = false;  // setOptions in progress: replan once at the end
};

}  // namespace aletheia::ui
