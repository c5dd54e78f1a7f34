#include "ui/panels/probe_panel.h"

#include "ui/studio_session.h"
#include "ui/widgets/layer_bar_chart.h"
#include "ui/widgets/score_heatmap.h"
#include "ui/workers/probe_worker.h"
#include "ui/workers/job_thread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>

namespace aletheia::ui {

ProbePanel::ProbePanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("probePanel");
    auto* settings = new QGroupBox("Probe settings");
    auto* form = new QFormLayout(settings);
    batches_ = new QSpinBox;
    batches_->setObjectName("probeBatches");
    batches_->setRange(1, 512);
    batches_->setValue(8);
    batches_->setToolTip("Batches of forward+backward through the frozen model; more = steadier scores");
    microBatch_ = new QSpinBox;
    microBatch_->setObjectName("probeMicroBatch");
    microBatch_->setRange(1, 256);
    microBatch_->setValue(4);
    microBatch_->setToolTip("Sequences per probe batch");
    seqLen_ = new QSpinBox;
    seqLen_->setObjectName("probeSeqLen");
    seqLen_->setRange(0, 1 << 20);
    seqLen_->setSingleStep(64);
    seqLen_->setValue(0);
    seqLen_->setSpecialValueText("as the data");
    seqLen_->setToolTip("Tokens per sequence during the probe (longer examples are cut); "
                        "'as the data' uses the Data stage's maximum length");
    rule_ = new QComboBox;
    rule_->setObjectName("probeRule");
    rule_->addItem("gradient norm", "grad_norm");
    rule_->addItem("gradient norm per parameter", "grad_norm_per_param");
    rule_->addItem("gradient / weight norm", "relative");
    rule_->addItem("Fisher (mean squared gradient)", "fisher");
    rule_->setToolTip("How a weight's gradient becomes its importance score");
    form->addRow("Batches", batches_);
    form->addRow("Micro-batch", microBatch_);
    form->addRow("Sequence length", seqLen_);
    form->addRow("Scoring rule", rule_);
    auto* logColours = new QCheckBox("Log colour scale");
    logColours->setObjectName("probeLogColours");
    logColours->setToolTip("Colour by log(score): one dominant layer no longer flattens the others to one colour");
    form->addRow(logColours);

    runButton_ = new QPushButton("Run probe");
    runButton_->setObjectName("runProbe");
    runButton_->setToolTip("Measure every layer's gradient on your data (Ctrl+R)");
    // Ctrl+R is the Run menu's action: a second binding here would make it ambiguous (and dead).
    stopButton_ = new QPushButton("Stop");
    stopButton_->setObjectName("stopProbe");
    stopButton_->setToolTip("Stop after the current batch and keep the scores so far");
    stopButton_->setEnabled(false);
    connect(runButton_, &QPushButton::clicked, this, &ProbePanel::run);
    connect(stopButton_, &QPushButton::clicked, this, &ProbePanel::stop);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(runButton_);
    buttons->addWidget(stopButton_);
    progress_ = new QProgressBar;
    progress_->setObjectName("probeProgress");
    progress_->setFormat("%v / %m batches");
    progress_->setValue(0);
    stability_ = new QLabel("Stability: —");
    stability_->setObjectName("probeStability");
    stability_->setWordWrap(true);
    stability_->setToolTip("How often the top-25% layer ranking of single batches agrees with the final one");
    message_ = new QLabel;
    message_->setObjectName("probeMessage");
    message_->setWordWrap(true);

    auto* left = new QVBoxLayout;
    left->addWidget(settings);
    left->addLayout(buttons);
    left->addWidget(progress_);
    left->addWidget(stability_);
    left->addWidget(message_);
    auto* hint = new QLabel("Click a cell to add or remove that module; click a layer number to toggle the "
                            "whole layer. Outlined cells are in the plan.");
    hint->setWordWrap(true);
    hint->setEnabled(false);
    left->addWidget(hint);
    left->addStretch();
    auto* leftBox = new QWidget;
    leftBox->setLayout(left);
    leftBox->setMaximumWidth(340);

    heatmap_ = new ScoreHeatmap;
    heatmap_->setObjectName("probeHeatmap");
    heatmap_->setToolTip("");
    connect(logColours, &QCheckBox::toggled, heatmap_, &ScoreHeatmap::setLogScale);
    bars_ = new LayerBarChart;
    bars_->setObjectName("probeLayerBars");
    bars_->setSeries({"in plan", "not in plan"}, {QColor(230, 120, 30), QColor(140, 150, 165)});
    bars_->setValueLabel("layer score");
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(heatmap_);
    split->addWidget(bars_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(leftBox);
    layout->addWidget(split, 1);

    connect(heatmap_, &ScoreHeatmap::cellClicked, this, [this](int layer, int module) {
        if (session_->hasScores()) session_->toggleCell(layer, session_->scores().modules[size_t(module)]);
    });
    connect(heatmap_, &ScoreHeatmap::layerClicked, session_, &StudioSession::toggleLayer);
    connect(bars_, &LayerBarChart::layerClicked, session_, &StudioSession::toggleLayer);
    connect(session_, &StudioSession::scoresChanged, this, &ProbePanel::showScores);
    connect(session_, &StudioSession::planChanged, this, &ProbePanel::showSelection);
    connect(session_, &StudioSession::modelChanged, this, [this] {
        heatmap_->setGrid(0, {});
        bars_->setLayers(0);
        bars_->refresh();
        gridLayers_ = gridModules_ = -1;
        stability_->setText("Stability: —");
    });
    // The settings are the experiment's probe.* keys: shown from it, written back on edit only.
    connect(session_, &StudioSession::configReplaced, this, &ProbePanel::showSettings);
    auto edit = [this](auto apply) {
        return [this, apply](int value) {
            if (!showing_) session_->editConfig([&](ExperimentConfig& c) { apply(c, value); });
        };
    };
    connect(batches_, &QSpinBox::valueChanged, this, edit([](ExperimentConfig& c, int v) { c.probe.batches = v; }));
    connect(microBatch_, &QSpinBox::valueChanged, this,
            edit([](ExperimentConfig& c, int v) { c.probe.micro_batch_size = v; }));
    connect(seqLen_, &QSpinBox::valueChanged, this, edit([](ExperimentConfig& c, int v) { c.probe.sequence_len = v; }));
    connect(rule_, &QComboBox::currentIndexChanged, this, edit([this](ExperimentConfig& c, int) {
        c.probe.score = rule_->currentData().toString().toStdString();
    }));
    showSettings();
}

void ProbePanel::showSettings() {
    const ProbeSection& p = session_->config().probe;
    showing_ = true;
    batches_->setValue(p.batches);
    microBatch_->setValue(p.micro_batch_size);
    seqLen_->setValue(p.sequence_len);
    if (int i = rule_->findData(QString::fromStdString(p.score)); i >= 0) rule_->setCurrentIndex(i);
    showing_ = false;
}

void ProbePanel::run() {
    if (running_) return;
    message_->clear();
    if (!session_->model().valid()) {
        message_->setText("Load a model first (Model stage).");
        return;
    }
    if (!session_->dataFile().isEmpty() && !session_->dataset()) {
        message_->setText("The dataset is not ready (Data stage): wait for it to be read, or fix the problem shown there.");
        return;
    }
    ProbeRequest request;
    request.config = session_->config();
    if (const LoadedDataset* d = session_->dataset()) {
        request.examples = d->train;
        request.padId = d->padId;
    }
    stop_ = std::make_shared<StopToken>();
    auto* worker = new ProbeWorker(session_->model(), request, stop_);
    connect(worker, &ProbeWorker::batchScored, this, [this](const ProbeScores& scores, int done, int total) {
        progress_->setMaximum(total);
        progress_->setValue(done);
        session_->setScores(scores, false);
    });
    connect(worker, &ProbeWorker::failed, this, [this](const QString& m) { message_->setText(m); });
    connect(worker, &ProbeWorker::finished, this, [this](bool ok) {
        setRunning(false);
        if (session_->hasScores()) session_->setScores(session_->scores(), true);
        emit statusMessage(ok ? "Probe finished" : "Probe stopped");
        emit probeFinished(ok);
    });
    setRunning(true);
    progress_->setMaximum(request.config.probe.batches);
    progress_->setValue(0);
    submitWorker(jobs_, stop_, worker);
    emit statusMessage("Probing…");
}

void ProbePanel::stop() {
    if (stop_) stop_->requestStop();
}

void ProbePanel::setRunning(bool running) {
    running_ = running;
    runButton_->setEnabled(!running);
    stopButton_->setEnabled(running);
}

void ProbePanel::showScores(bool final) {
    const ProbeScores& s = session_->scores();
    const int L = s.numLayers();
    const int M = int(s.modules.size());
    if (L != gridLayers_ || M != gridModules_) {
        QStringList names;
        for (const auto& m : s.modules) names << QString::fromStdString(m);
        heatmap_->setGrid(L, names);
        bars_->setLayers(L);
        gridLayers_ = L;
        gridModules_ = M;
    }
    heatmap_->setValueLabel(QString::fromStdString(ruleName(s.rule)));
    std::vector<double> flat(size_t(L) * M, std::nan(""));
    for (int l = 0; l < L && l < int(s.scores.size()); ++l)
        for (int m = 0; m < M && m < int(s.scores[l].size()); ++m) flat[size_t(l) * M + m] = s.scores[l][m];
    heatmap_->setScores(flat);
    showSelection();
    if (s.batches > 0) {
        double spread = 0;
        int n = 0;
        for (const auto& row : s.spread)
            for (double v : row) if (std::isfinite(v)) { spread += v; ++n; }
        stability_->setText(QString("Stability after %1 batch%2: top-25% layers agree in %3% of batches; "
                                    "mean score spread %4%%5")
                                .arg(s.batches)
                                .arg(s.batches == 1 ? "" : "es")
                                .arg(int(std::round(100 * s.topLayerAgreement(25))))
                                .arg(n ? 100 * spread / n : 0.0, 0, 'f', 0)
                                .arg(final ? "." : " (running)"));
    }
}

void ProbePanel::showSelection() {
    if (!session_->hasScores()) return;
    const ProbeScores& s = session_->scores();
    heatmap_->setSelection(session_->selectionMask());
    std::vector<double> in(size_t(s.numLayers()), 0.0), out(size_t(s.numLayers()), 0.0);
    for (int l = 0; l < s.numLayers() && l < int(s.layerScores.size()); ++l) {
        bool any = false;
        for (const auto& role : s.modules) any = any || session_->cellInPlan(l, role);
        (any ? in : out)[size_t(l)] = s.layerScores[size_t(l)];
    }
    bars_->setValues(0, in);
    bars_->setValues(1, out);
    bars_->refresh();
}

}  // namespace aletheia::ui
