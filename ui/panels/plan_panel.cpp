#include "ui/panels/plan_panel.h"

#include "core/plan/cost_model.h"
#include "core/plan/plan_table.h"
#include "core/session/experiment_plan.h"
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
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <exception>
#include <functional>

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
    // Item data = the experiment's plan.policy value (docs/CONFIG.md).
    policy_->addItem("Top-k% layers", "top_pct");
    policy_->addItem("Threshold", "threshold");
    policy_->addItem("Cost-aware", "cost_aware");
    policy_->addItem("Uniform (every module)", "uniform");
    policy_->addItem("Manual (clicked cells only)", "manual");
    policy_->addItem("Rank table (plan.ranks)", "ranks");
    policy_->addItem("Plan file (plan.file)", "file");
    policy_->setToolTip("Which modules get LoRA: the best layers, modules above a score, the best value per "
                        "step time, all of them, only what you click, or the YAML's own table or plan file");
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
    allocation_->addItem("Uniform rank", "uniform");
    allocation_->addItem("Attention / MLP ranks", "asymmetric");
    allocation_->addItem("Parameter budget (by score)", "budget");
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
    alphaRule_ = new QComboBox;
    alphaRule_->setObjectName("planAlphaRule");
    alphaRule_->addItem("alpha = ratio x rank", "ratio");
    alphaRule_->addItem("one alpha for every rank", "fixed");
    alphaRule_->setToolTip("ratio: every adapter has the same scaling alpha/r; fixed: one alpha (lora_alpha)");
    alpha_ = new QDoubleSpinBox;
    alpha_->setObjectName("planAlpha");
    alpha_->setDecimals(3);
    alpha_->setRange(0.001, 4096);
    alpha_->setToolTip("lora.alpha_ratio (ratio rule) or lora.lora_alpha (fixed rule, rsLoRA)");
    rslora_ = new QCheckBox("rsLoRA scaling (alpha / sqrt r)");
    rslora_->setObjectName("planRsLora");
    rslora_->setToolTip("Rank-stabilised scaling: keeps large ranks from learning too slowly");
    rform->addRow("Allocation", allocation_);
    rform->addRow("Rank", rank_);
    rform->addRow("Attention rank", attnRank_);
    rform->addRow("MLP rank", mlpRank_);
    rform->addRow("Budget (params)", budget_);
    rform->addRow("Alpha rule", alphaRule_);
    rform->addRow("Alpha", alpha_);
    rform->addRow(rslora_);
    logColours_ = new QCheckBox("Log colour scale");
    logColours_->setObjectName("planLogColours");
    logColours_->setToolTip("Colour the heatmap by log(score)");

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
    overrides_ = new QLabel;
    overrides_->setObjectName("planOverrides");
    overrides_->setWordWrap(true);
    overrides_->setToolTip("Cells and layers clicked in or out (plan.include / plan.exclude); saved in the experiment");
    clearOverrides_ = new QPushButton("Clear clicks");
    clearOverrides_->setObjectName("planClearOverrides");
    clearOverrides_->setToolTip("Forget the manual inclusions and exclusions: the policy alone decides");
    connect(clearOverrides_, &QPushButton::clicked, this, [this] { session_->setOverrides({}, {}); });
    auto* overrideRow = new QHBoxLayout;
    overrideRow->addWidget(overrides_, 1);
    overrideRow->addWidget(clearOverrides_);

    auto* left = new QVBoxLayout;
    left->addWidget(select);
    left->addWidget(rankBox);
    left->addWidget(resultBox);
    left->addLayout(overrideRow);
    left->addWidget(logColours_);
    left->addWidget(message_);
    left->addStretch();
    auto* leftBox = new QWidget;
    leftBox->setLayout(left);
    leftBox->setMaximumWidth(380);

    heatmap_ = new ScoreHeatmap;
    heatmap_->setObjectName("planHeatmap");
    connect(logColours_, &QCheckBox::toggled, heatmap_, &ScoreHeatmap::setLogScale);
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

    // Every control edits its config key; every config edit re-plans at once (the planner is
    // cheap enough for live dragging).
    auto edit = [this](std::function<void(ExperimentConfig&)> apply) {
        if (!showing_) session_->editConfig(apply);
    };
    connect(policy_, &QComboBox::currentIndexChanged, this, [this, edit] {
        const std::string p = policy_->currentData().toString().toStdString();
        edit([p](ExperimentConfig& c) { c.plan.policy = p; });
        showConfig();
    });
    connect(slider_, &QSlider::valueChanged, this, [this, edit](int v) {
        const QString p = policy_->currentData().toString();
        if (p == "top_pct") edit([v](ExperimentConfig& c) { c.plan.top_pct = v; });
        else if (p == "threshold") edit([v](ExperimentConfig& c) { c.plan.threshold = v / 100.0; });
        else if (p == "cost_aware") edit([v](ExperimentConfig& c) { c.plan.step_budget = v / 100.0; });
        updateSliderLabel();
    });
    connect(allocation_, &QComboBox::currentIndexChanged, this, [this, edit] {
        const std::string a = allocation_->currentData().toString().toStdString();
        edit([a](ExperimentConfig& c) { c.plan.allocation = a; });
        showConfig();
    });
    connect(rank_, &QSpinBox::valueChanged, this, [edit](int v) { edit([v](ExperimentConfig& c) { c.lora.lora_r = v; }); });
    connect(attnRank_, &QSpinBox::valueChanged, this,
            [edit](int v) { edit([v](ExperimentConfig& c) { c.plan.attention_r = v; }); });
    connect(mlpRank_, &QSpinBox::valueChanged, this, [edit](int v) { edit([v](ExperimentConfig& c) { c.plan.mlp_r = v; }); });
    connect(budget_, &QDoubleSpinBox::valueChanged, this,
            [edit](double v) { edit([v](ExperimentConfig& c) { c.plan.budget = int64_t(v); }); });
    connect(alphaRule_, &QComboBox::currentIndexChanged, this, [this, edit] {
        const std::string r = alphaRule_->currentData().toString().toStdString();
        edit([r](ExperimentConfig& c) { c.lora.alpha_rule = r; });
        showConfig();
    });
    connect(alpha_, &QDoubleSpinBox::valueChanged, this, [edit](double v) {
        edit([v](ExperimentConfig& c) {
            if (c.lora.alpha_rule == "ratio" && !c.lora.use_rslora) c.lora.alpha_ratio = v;
            else c.lora.lora_alpha = v;
        });
    });
    connect(rslora_, &QCheckBox::toggled, this, [this, edit](bool on) {
        edit([on](ExperimentConfig& c) { c.lora.use_rslora = on; });
        showConfig();
    });
    connect(heatmap_, &ScoreHeatmap::cellClicked, this, [this](int layer, int module) {
        if (session_->hasScores()) session_->toggleCell(layer, session_->scores().modules[size_t(module)]);
    });
    connect(heatmap_, &ScoreHeatmap::layerClicked, session_, &StudioSession::toggleLayer);
    connect(ranks_, &LayerBarChart::layerClicked, session_, &StudioSession::toggleLayer);
    connect(session_, &StudioSession::overridesChanged, this, &PlanPanel::replan);
    connect(session_, &StudioSession::configEdited, this, &PlanPanel::replan);
    connect(session_, &StudioSession::configReplaced, this, [this] {
        showConfig();
        replan();
    });
    connect(session_, &StudioSession::planChanged, this, &PlanPanel::showPlan);
    // A new model: nothing of the old one's scores, plan or prediction stays on screen.
    connect(session_, &StudioSession::modelChanged, this, [this] {
        estimate_.reset();
        heatmap_->setGrid(0, {});
        ranks_->setLayers(0);
        ranks_->refresh();
        for (QLabel* l : {params_, stepTime_, speedup_, depth_, planTime_}) l->setText("—");
        message_->setText("Run the probe on this model to plan.");
    });
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
        replan();
    });
    showConfig();
}

PlanPanel::~PlanPanel() = default;

const CostEstimate* PlanPanel::estimate() const { return estimate_.get(); }

void PlanPanel::showConfig() {
    const ExperimentConfig& c = session_->config();
    showing_ = true;
    policy_->setCurrentIndex(std::max(0, policy_->findData(QString::fromStdString(c.plan.policy))));
    const QString p = policy_->currentData().toString();
    const bool sliderUsed = p == "top_pct" || p == "threshold" || p == "cost_aware";
    slider_->setEnabled(sliderUsed);
    // top_pct keeps at least 1%: "top 0%" would still have to adapt something (or nothing at all).
    slider_->setMinimum(p == "threshold" ? 0 : 1);
    if (p == "top_pct") slider_->setValue(int(std::lround(c.plan.top_pct)));
    else if (p == "threshold") slider_->setValue(int(std::lround(c.plan.threshold * 100)));
    else if (p == "cost_aware") slider_->setValue(int(std::lround(c.plan.step_budget * 100)));
    allocation_->setCurrentIndex(std::max(0, allocation_->findData(QString::fromStdString(c.plan.allocation))));
    const QString a = allocation_->currentData().toString();
    const bool ranked = p != "ranks" && p != "file";  // those carry their own ranks
    allocation_->setEnabled(ranked);
    rank_->setValue(c.lora.lora_r);
    attnRank_->setValue(c.plan.attention_r);
    mlpRank_->setValue(c.plan.mlp_r);
    budget_->setValue(double(c.plan.budget));
    rank_->setEnabled(ranked && (a == "uniform" || p == "ranks"));
    attnRank_->setEnabled(ranked && a == "asymmetric");
    mlpRank_->setEnabled(ranked && a == "asymmetric");
    budget_->setEnabled(ranked && a == "budget");
    alphaRule_->setCurrentIndex(std::max(0, alphaRule_->findData(QString::fromStdString(c.lora.alpha_rule))));
    const bool ratio = c.lora.alpha_rule == "ratio" && !c.lora.use_rslora;
    alphaRule_->setEnabled(!c.lora.use_rslora);
    alpha_->setValue(ratio ? c.lora.alpha_ratio : c.lora.lora_alpha);
    alpha_->setPrefix(ratio ? "x " : "");
    rslora_->setChecked(c.lora.use_rslora);
    showing_ = false;
    updateSliderLabel();
}

void PlanPanel::updateSliderLabel() {
    const int v = slider_->value();
    const QString p = policy_->currentData().toString();
    if (p == "top_pct") sliderLabel_->setText(QString("top %1% of layers").arg(v));
    else if (p == "threshold") sliderLabel_->setText(QString("score ≥ %1").arg(v / 100.0, 0, 'f', 2));
    else if (p == "cost_aware") sliderLabel_->setText(QString("≤ %1% of uniform step").arg(v));
    else sliderLabel_->setText("—");
}

void PlanPanel::replan() {
    const auto& inc = session_->includes();
    const auto& exc = session_->excludes();
    const auto join = [](const std::vector<std::string>& v) {
        QStringList l;
        for (const auto& s : v) l << QString::fromStdString(s);
        return l.join(", ");
    };
    overrides_->setText(inc.empty() && exc.empty() ? "No clicked cells."
                                                   : QString("Clicked in: %1\nClicked out: %2")
                                                         .arg(inc.empty() ? "—" : join(inc), exc.empty() ? "—" : join(exc)));
    clearOverrides_->setEnabled(!inc.empty() || !exc.empty());
    if (!session_->hasScores() || !session_->model().valid()) return;
    QElapsedTimer clock;
    clock.start();
    try {
        // The same planner and cost model as `aletheia plan` (core/session), on the session's scores.
        const ExperimentConfig& cfg = session_->config();
        const ProbeScores& scores = session_->scores();
        const AdapterPlan plan = planExperiment(cfg, session_->model(), scores.table, [&] { return scores; });
        cost_ = costModelFor(cfg, session_->model(), scores.table, &scores);
        estimate_ = std::make_unique<CostEstimate>(cost_->estimate(plan));
        const qint64 ns = clock.nsecsElapsed();
        message_->clear();
        planTime_->setText(humanSeconds(ns * 1e-9));
        session_->setPlan(plan);
    } catch (const std::exception& e) {
        // A bad override or an empty selection must not kill the live view: say why, plan nothing.
        message_->setText(QString::fromStdString(e.what()));
        estimate_.reset();
        session_->setPlan({});
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
    const int uniformRank = session_->config().lora.lora_r;
    const int64_t uniform = uniformParamBudget(s.table, uniformRank);
    params_->setText(QString("%1  (%2% of uniform r=%3)")
                         .arg(humanCount(double(params)))
                         .arg(uniform ? 100.0 * params / uniform : 0.0, 0, 'f', 1)
                         .arg(uniformRank));
    depth_->setText(QString("%1 of %2, backward down to layer %3")
                        .arg(plan.cells.size())
                        .arg(s.table.modules.size())
                        .arg(plan.lowestLayer()));
    if (!estimate_) {
        stepTime_->setText("—");
        speedup_->setText("—");
    } else {
        stepTime_->setText(QString("%1  (uniform %2)%3")
                               .arg(humanSeconds(estimate_->seconds), humanSeconds(estimate_->uniformSeconds),
                                    cost_ && !cost_->coefficients().calibrated ? ", uncalibrated" : ""));
        speedup_->setText(QString("%1×").arg(estimate_->speedup, 0, 'f', 2));
    }
}

}  // namespace aletheia::ui
