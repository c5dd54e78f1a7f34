#include "ui/panels/compare_panel.h"

#include "ui/studio_session.h"
#include "ui/workers/export_worker.h"
#include "ui/workers/worker_thread.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <exception>

namespace aletheia::ui {

ComparePanel::ComparePanel(StudioSession* session, QWidget* parent) : QWidget(parent), session_(session) {
    setObjectName("comparePanel");
    table_ = new QTableWidget(0, 8);
    table_->setObjectName("runsTable");
    table_->setHorizontalHeaderLabels({"Run", "Plan", "Trainable params", "Steps", "Step time",
                                       "Final train loss", "Final eval loss", "Speedup vs baseline"});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->setToolTip("Every finished run; speedup = baseline step time / this run's step time (measured)");

    baseline_ = new QPushButton("Run uniform-LoRA baseline");
    baseline_->setObjectName("runBaseline");
    baseline_->setToolTip("Train rank-16 LoRA on every module with the same settings, to measure the speedup");
    connect(baseline_, &QPushButton::clicked, this, &ComparePanel::baselineRequested);
    exportPeft_ = new QPushButton("Export PEFT adapter…");
    exportPeft_->setObjectName("exportPeft");
    exportPeft_->setToolTip("Save the selected run's adapter as adapter_config.json + adapter_model.safetensors "
                            "(loads with PeftModel.from_pretrained)");
    connect(exportPeft_, &QPushButton::clicked, this, &ComparePanel::exportPeft);
    exportMerged_ = new QPushButton("Export merged model…");
    exportMerged_->setObjectName("exportMerged");
    exportMerged_->setToolTip("Fold the selected run's adapters into a copy of the weights and save a Hugging Face "
                              "checkpoint");
    connect(exportMerged_, &QPushButton::clicked, this, &ComparePanel::exportMerged);
    message_ = new QLabel("Finished runs appear here. Select one to export it (default: the newest).");
    message_->setObjectName("compareMessage");
    message_->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(baseline_);
    buttons->addWidget(exportPeft_);
    buttons->addWidget(exportMerged_);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(table_, 1);
    layout->addWidget(message_);
    connect(session_, &StudioSession::runsChanged, this, &ComparePanel::refresh);
}

void ComparePanel::setTrainingActive(bool active) {
    training_ = active;
    updateButtons();
}

void ComparePanel::updateButtons() {
    baseline_->setEnabled(!training_);
    exportPeft_->setEnabled(!training_ && !exporting_);
    exportMerged_->setEnabled(!training_ && !exporting_);
}

void ComparePanel::refresh() {
    const auto& runs = session_->runs();
    double baselineStep = std::nan("");
    for (const RunRecord& r : runs)
        if (r.baseline) baselineStep = r.meanStepSeconds;
    table_->setRowCount(int(runs.size()));
    for (int i = 0; i < runs.size(); ++i) {
        const RunRecord& r = runs[i];
        auto num = [](double v, int prec) { return std::isfinite(v) ? QString::number(v, 'f', prec) : QString("—"); };
        const QStringList cells{r.name + (r.outcome == "completed" ? "" : " (" + r.outcome + ")"),
                                r.planSummary,
                                QString::number(r.trainableParams),
                                QString::number(r.steps),
                                std::isfinite(r.meanStepSeconds) ? num(r.meanStepSeconds * 1e3, 1) + " ms" : "—",
                                num(r.finalTrainLoss, 4),
                                num(r.finalEvalLoss, 4),
                                std::isfinite(baselineStep) && r.meanStepSeconds > 0
                                    ? num(baselineStep / r.meanStepSeconds, 2) + "×"
                                    : QString("run the baseline")};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= 2) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(c == 0 ? r.outputDir : cells[c]);
            table_->setItem(i, c, item);
        }
    }
}

int ComparePanel::exportRunIndex() const {
    const auto& runs = session_->runs();
    const auto rows = table_->selectionModel()->selectedRows();
    if (!rows.isEmpty() && !runs[rows.front().row()].checkpoint.isEmpty()) return rows.front().row();
    for (int i = int(runs.size()) - 1; i >= 0; --i)
        if (!runs[i].checkpoint.isEmpty()) return i;
    return -1;
}

void ComparePanel::exportPeft() { exportRun(exportRunIndex(), false); }
void ComparePanel::exportMerged() { exportRun(exportRunIndex(), true); }

void ComparePanel::exportRun(int index, bool merged, const QString& chosenDir) {
    if (exporting_) return;
    if (index < 0 || index >= session_->runs().size()) {
        message_->setText("Nothing to export yet: train a run first (Train stage).");
        return;
    }
    const RunRecord& run = session_->runs()[index];
    QString dir = chosenDir;
    if (dir.isEmpty()) {
        const QString suggested = run.outputDir + (merged ? "/merged" : "/adapter");
        dir = QFileDialog::getExistingDirectory(this, merged ? "Save merged model into folder" : "Save PEFT adapter into folder",
                                                suggested);
        if (dir.isEmpty()) return;
    }
    ExportRequest request;
    request.format = merged ? ExportRequest::Format::Merged : ExportRequest::Format::Peft;
    request.modelDir = session_->modelDir();
    request.checkpoint = run.checkpoint;
    request.plan = run.plan;
    request.outputDir = dir;
    exporting_ = true;
    updateButtons();
    message_->setText(QString("Exporting %1…").arg(run.name));
    auto* worker = new ExportWorker(request);
    connect(worker, &ExportWorker::finished, this, [this](bool ok, const QString& m) {
        exporting_ = false;
        updateButtons();
        message_->setText(m);
        emit statusMessage(ok ? "Export finished" : "Export failed");
        emit exportFinished(ok, m);
    });
    startInThread(worker, &ExportWorker::finished);
}

}  // namespace aletheia::ui
