#include "ui/panels/plan_panel.h"

#include "core/plan/cost_model.h"
#include "core/plan/plan_table.h"
#include "ui/studio_session.h"
#include "ui/widgets/layer_bar_chart.h"
#include "ui/widgets/score_heatmap.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <exception>

namespace aletheia::ui {

namespace {
QString humanCount(double n) {
    if (n >= 1e9) return QString::number(n / 1e9, 'f', 2) + " B";
    if (n >= 1e6) return QString::number(n / 1e6, 'f', 2) + " M";
    if (n >= 1e3) return QString::number(n / 1e3, 'f', 1) + " K";
    return QString::number(n, 'f', 0);
}
QString humanSeconds(double s) {
    if (s < 1e-3) return QString::number(s * 1e6, 'f', 0) + " µs";
    if (s < 1) return QString::number(s * 1e3, 'f', 1) + " ms";
    return QString::number(s, 'f', 2) + " s";
}
}  // namespace

PlanPanel::PlanPanel(StudioSession* session, QWidget* parent) : QWidget(parent), session_(session) {
    setObjectName("planPanel");

    auto* select = new QGroupBox("Selection");
    auto* sform = new QFormLayout(select);
    policy_ = new QComboBox;
    policy_->setObjectName("planPolicy");
    policy_->addItem("Top-k% layers", int(SelectionPolicy::TopPct));
    policy_->addItem("Threshold", int(SelectionPolicy::Threshold));
    policy_->addItem("Cost-aware", int(SelectionPolicy::CostAware));
    policy_->addItem("Uniform (every module)", int(SelectionPolicy::Uniform));
    policy_->addItem("Manual (clicked cells only)", int(SelectionPolicy::Manual));
    policy_->setToolTip("Which modules get LoRA: the best layers, modules above a score, the best value per "
                        "step time, all of them, or only what you click");
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName("thresholdSlider");
    slider_->setRange(0, 100);
    slider_->setValue(50);
    slider_->setToolTip("Top-k%: share of layers kept · Threshold: minimum normalised score · Cost-aware: "
                        "allowed step time vs uniform LoRA");
    sliderLabel_ = new QLabel;
    sliderLabel_->setObjectName("thresholdLabel");
    sliderLabel_->setMinimumWidth(120);
    auto* sliderRow = new QHBoxLayout;
    sliderRow->addWidget(slider_, 1);
    sliderRow->addWidget(sliderLabel_);
    sform->addRow("Policy", policy_);
    sform->addRow("Threshold", sliderRow);

    auto* rankBox = new QGroupBox("Ranks");
    auto* rform = new QFormLayout(rankBox);
    allocation_ = new QComboBox;
    allocation_->setObjectName("planAllocation");
    allocation_->addItem("Uniform rank", int(RankPolicy::Uniform));
    allocation_->addItem("Attention / MLP ranks", int(RankPolicy::Asymmetric));
    allocation_->addItem("Parameter budget (by score)", int(RankPolicy::Budget));
    allocation_->setToolTip("How ranks are given out: one rank, one per module kind, or a parameter budget "
                            "shared in proportion to score");
    auto spin = [](const char* name, int value, const char* tip) {
        auto* s = new QSpinBox;
        s->setObjectName(name);
        s->setRange(1, 1024);
        s->setValue(value);
        s->setToolTip(tip);
        return s;
    };
    rank_ = spin("planRank", 16, "LoRA rank of every adapted module");
    attnRank_ = spin("planAttentionRank", 16, "LoRA rank of adapted attention projections (q, k, v, o)");
    mlpRank_ = spin("planMlpRank", 64, "LoRA rank of adapted MLP projections (gate, up, down)");
    budget_ = new QDoubleSpinBox;
    budget_->setObjectName("planBudget");
    budget_->setDecimals(0);
    budget_->setRange(0, 1e12);
    budget_->setSingleStep(10000);
    budget_->setSpecialValueText("same as uniform r=16");
    budget_->setToolTip("Total trainable LoRA parameters shared out by score (0: what uniform r=16 would use)");
    alphaRatio_ = new QDoubleSpinBox;
    alphaRatio_->setObjectName("planAlphaRatio");
    alphaRatio_->setRange(0.1, 64);
    alphaRatio_->setValue(2.0);
    alphaRatio_->setToolTip("alpha = ratio x rank, so every adapter has the same scaling");
    rslora_ = new QCheckBox("rsLoRA scaling (alpha / sqrt r)");
    rslora_->setObjectName("planRsLora");
    rslora_->setToolTip("Rank-stabilised scaling: keeps large ranks from learning too slowly");
    rform->addRow("Allocation", allocation_);
    rform->addRow("Rank", rank_);
    rform->addRow("Attention rank", attnRank_);
    rform->addRow("MLP rank", mlpRank_);
    rform->addRow("Budget (params)", budget_);
    rform->addRow("Alpha / rank", alphaRatio_);
    rform->addRow(rslora_);

    auto* resultBox = new QGroupBox("Prediction");
    auto* oform = new QFormLayout(resultBox);
    auto label = [](const char* name, const char* tip) {
        auto* l = new QLabel("—");
        l->setObjectName(name);
        l->setToolTip(tip);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);  // the side panel is narrow at 1366x768
        return l;
    };
    params_ = label("planParams", "Trainable LoRA parameters of this plan (and share of uniform r=16 LoRA)");
    stepTime_ = label("planStepTime", "Predicted time of one training step (plan vs uniform LoRA)");
    speedup_ = label("planSpeedup", "Predicted step-time speedup over uniform LoRA on every module");
    depth_ = label("planDepth", "Backward stops at the lowest adapted layer: layers below run forward only");
    planTime_ = label("planTime", "How long re-planning took (runs on every slider move)");
    QFont big = speedup_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    speedup_->setFont(big);
    oform->addRow("Trainable parameters", params_);
    oform->addRow("Step time", stepTime_);
    oform->addRow("Speedup vs uniform", speedup_);
    oform->addRow("Adapted modules", depth_);
    oform->addRow("Planned in", planTime_);
    message_ = new QLabel;
    message_->setObjectName("planMessage");
    message_->setWordWrap(true);

    auto* left = new QVBoxLayout;
    left->addWidget(select);
    left->addWidget(rankBox);
    left->addWidget(resultBox);
    left->addWidget(message_);
    left->addStretch();
    auto* leftBox = new QWidget;
    leftBox->setLayout(left);
    leftBox->setMaximumWidth(380);

    heatmap_ = new ScoreHeatmap;
    heatmap_->setObjectName("planHeatmap");
    ranks_ = new LayerBarChart;
    ranks_->setObjectName("planRankChart");
    ranks_->setSeries({"attention rank", "MLP rank"}, {QColor(70, 130, 200), QColor(230, 120, 30)});
    ranks_->setValueLabel("LoRA rank (sum over modules)");
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(heatmap_);
    split->addWidget(ranks_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(leftBox);
    layout->addWidget(split, 1);

    // Every control re-plans immediately: the planner is cheap enough for live dragging.
    connect(policy_, &QComboBox::currentIndexChanged, this, &PlanPanel::policyChanged);
    connect(slider_, &QSlider::valueChanged, this, [this] { updateSliderLabel(); replan(); });
    connect(allocation_, &QComboBox::currentIndexChanged, this, [this] { policyChanged(); });
    for (QSpinBox* s : {rank_, attnRank_, mlpRank_}) connect(s, &QSpinBox::valueChanged, this, &PlanPanel::replan);
    connect(budget_, &QDoubleSpinBox::valueChanged, this, &PlanPanel::replan);
    connect(alphaRatio_, &QDoubleSpinBox::valueChanged, this, &PlanPanel::replan);
    connect(rslora_, &QCheckBox::toggled, this, &PlanPanel::replan);
    connect(heatmap_, &ScoreHeatmap::cellClicked, this, [this](int layer, int module) {
        if (session_->hasScores()) session_->toggleCell(layer, session_->scores().modules[size_t(module)]);
    });
    connect(heatmap_, &ScoreHeatmap::layerClicked, session_, &StudioSession::toggleLayer);
    connect(ranks_, &LayerBarChart::layerClicked, session_, &StudioSession::toggleLayer);
    connect(session_, &StudioSession::overridesChanged, this, &PlanPanel::replan);
    connect(session_, &StudioSession::planChanged, this, &PlanPanel::showPlan);
    connect(session_, &StudioSession::modelChanged, this, [this] { cost_.reset(); });
    connect(session_, &StudioSession::scoresChanged, this, [this](bool) {
        const ProbeScores& s = session_->scores();
        QStringList names;
        for (const auto& m : s.modules) names << QString::fromStdString(m);
        if (heatmap_->layers() != s.numLayers() || heatmap_->moduleNames() != names) {
            heatmap_->setGrid(s.numLayers(), names);
            ranks_->setLayers(s.numLayers());
        }
        std::vector<double> flat;
        for (const auto& row : s.scores) flat.insert(flat.end(), row.begin(), row.end());
        heatmap_->setScores(flat);
        if (!cost_) rebuildCostModel();
        replan();
    });
    policyChanged();
}

PlanPanel::~PlanPanel() = default;

const CostEstimate* PlanPanel::estimate() const { return estimate_.get(); }

void PlanPanel::setStepShape(int64_t batch, int64_t seq) {
    if (batch == batch_ && seq == seq_) return;
    batch_ = batch;
    seq_ = seq;
    cost_.reset();
    if (session_->hasScores()) {
        rebuildCostModel();
        replan();
    }
}

void PlanPanel::rebuildCostModel() {
    if (!session_->hasScores() || !session_->model().valid()) return;
    const ModelConfig& c = session_->model().config();
    StepShape shape;
    shape.batch = batch_;
    shape.seq = seq_;
    shape.hidden = c.hiddenSize;
    shape.vocab = c.vocabSize;
    shape.attnDim = c.numHeads * c.headDim;
    cost_ = std::make_unique<CostModel>(session_->scores().table, shape);
}

void PlanPanel::policyChanged() {
    const auto p = SelectionPolicy(policy_->currentData().toInt());
    const bool sliderUsed = p == SelectionPolicy::TopPct || p == SelectionPolicy::Threshold || p == SelectionPolicy::CostAware;
    slider_->setEnabled(sliderUsed);
    const auto a = RankPolicy(allocation_->currentData().toInt());
    rank_->setEnabled(a == RankPolicy::Uniform);
    attnRank_->setEnabled(a == RankPolicy::Asymmetric);
    mlpRank_->setEnabled(a == RankPolicy::Asymmetric);
    budget_->setEnabled(a == RankPolicy::Budget);
    updateSliderLabel();
    replan();
}

void PlanPanel::updateSliderLabel() {
    const int v = slider_->value();
    switch (SelectionPolicy(policy_->currentData().toInt())) {
    case SelectionPolicy::TopPct: sliderLabel_->setText(QString("top %1% of layers").arg(v)); break;
    case SelectionPolicy::Threshold: sliderLabel_->setText(QString("score ≥ %1").arg(v / 100.0, 0, 'f', 2)); break;
    case SelectionPolicy::CostAware: sliderLabel_->setText(QString("≤ %1% of uniform step").arg(v)); break;
    default: sliderLabel_->setText("—");
    }
}

PlanOptions PlanPanel::options() const {
    PlanOptions o;
    o.selection.policy = SelectionPolicy(policy_->currentData().toInt());
    const double v = slider_->value();
    o.selection.topPct = std::max(1.0, v);
    o.selection.threshold = v / 100.0;
    o.selection.stepBudget = std::max(0.01, v / 100.0);
    o.selection.include = session_->includes();
    o.selection.exclude = session_->excludes();
    o.ranks.policy = RankPolicy(allocation_->currentData().toInt());
    o.ranks.rank = rank_->value();
    o.ranks.attentionRank = attnRank_->value();
    o.ranks.mlpRank = mlpRank_->value();
    o.ranks.budget = int64_t(budget_->value());
    o.ranks.alphaRatio = alphaRatio_->value();
    o.ranks.alphaRule = rslora_->isChecked() ? AlphaRule::RsLora : AlphaRule::Ratio;
    if (rslora_->isChecked()) o.ranks.alpha = alphaRatio_->value() * rank_->value();
    return o;
}

void PlanPanel::setOptions(const PlanOptions& o) {
    applying_ = true;
    policy_->setCurrentIndex(std::max(0, policy_->findData(int(o.selection.policy))));
    const double v = o.selection.policy == SelectionPolicy::Threshold   ? o.selection.threshold * 100
                     : o.selection.policy == SelectionPolicy::CostAware ? o.selection.stepBudget * 100
                                                                         : o.selection.topPct;
    slider_->setValue(int(std::lround(v)));
    allocation_->setCurrentIndex(std::max(0, allocation_->findData(int(o.ranks.policy))));
    rank_->setValue(o.ranks.rank);
    attnRank_->setValue(o.ranks.attentionRank);
    mlpRank_->setValue(o.ranks.mlpRank);
    budget_->setValue(double(o.ranks.budget));
    alphaRatio_->setValue(o.ranks.alphaRatio);
    rslora_->setChecked(o.ranks.alphaRule == AlphaRule::RsLora);
    applying_ = false;
    session_->setOverrides(o.selection.include, o.selection.exclude);  // replans
}

void PlanPanel::replan() {
    if (applying_ || !session_->hasScores()) return;
    QElapsedTimer clock;
    clock.start();
    try {
        const AdapterPlan plan = makePlan(session_->scores(), options(), cost_.get());
        if (cost_) estimate_ = std::make_unique<CostEstimate>(cost_->estimate(plan));
        const qint64 ns = clock.nsecsElapsed();
        message_->clear();
        planTime_->setText(humanSeconds(ns * 1e-9));
        session_->setPlan(plan);
    } catch (const std::exception& e) {
        // A bad override (e.g. a pattern that matches nothing) must not kill the live view.
        message_->setText(QString::fromStdString(e.what()));
    }
}

void PlanPanel::showPlan() {
    if (!session_->hasScores()) return;
    const ProbeScores& s = session_->scores();
    const AdapterPlan& plan = session_->plan();
    heatmap_->setSelection(session_->selectionMask());

    std::vector<double> attn(size_t(s.numLayers()), 0.0), mlp(size_t(s.numLayers()), 0.0);
    for (const AdapterCell& c : plan.cells) {
        const int t = s.table.find(c.layer, c.module);
        if (t < 0 || c.layer >= s.numLayers()) continue;
        (s.table.modules[size_t(t)].kind == ModuleKind::Attention ? attn : mlp)[size_t(c.layer)] += c.rank;
    }
    ranks_->setValues(0, attn);
    ranks_->setValues(1, mlp);
    ranks_->refresh();

    const int64_t params = trainableParams(plan, s.table);
    const int64_t uniform = uniformParamBudget(s.table, 16);
    params_->setText(QString("%1  (%2% of uniform r=16)")
                         .arg(humanCount(double(params)))
                         .arg(uniform ? 100.0 * params / uniform : 0.0, 0, 'f', 1));
    depth_->setText(QString("%1 of %2, backward down to layer %3")
                        .arg(plan.cells.size())
                        .arg(s.table.modules.size())
                        .arg(plan.lowestLayer()));
    if (estimate_) {
        stepTime_->setText(QString("%1  (uniform %2)%3")
                               .arg(humanSeconds(estimate_->seconds), humanSeconds(estimate_->uniformSeconds),
                                    cost_ && !cost_->coefficients().calibrated ? ", uncalibrated" : ""));
        speedup_->setText(QString("%1×").arg(estimate_->speedup, 0, 'f', 2));
    }
}

}  // namespace aletheia::ui
