#include "ui/panels/compare_panel.h"

#include "core/lora/merge.h"
#include "ui/studio_session.h"

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
    exportMerged_ = new QPushButton("Export merged model…");
    exportMerged_->setObjectName("exportMerged");
    exportMerged_->setToolTip("Fold the last run's adapters into the weights and save a Hugging Face checkpoint");
    connect(exportMerged_, &QPushButton::clicked, this, &ComparePanel::exportMerged);
    message_ = new QLabel("Finished runs appear here. The PEFT adapter of each run is in its output folder.");
    message_->setObjectName("compareMessage");
    message_->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(baseline_);
    buttons->addWidget(exportMerged_);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(table_, 1);
    layout->addWidget(message_);
    connect(session_, &StudioSession::runsChanged, this, &ComparePanel::refresh);
}

void ComparePanel::setTrainingActive(bool active) {
    baseline_->setEnabled(!active);
    exportMerged_->setEnabled(!active);
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

void ComparePanel::exportMerged() {
    if (!session_->model().valid()) return;
    const QString dir = QFileDialog::getExistingDirectory(this, "Save merged model into folder");
    if (dir.isEmpty()) return;
    try {
        Model model = session_->model();
        saveMerged(model, dir.toStdString());
        message_->setText("Merged model saved to " + dir + ". The adapters are now part of the loaded weights.");
        emit statusMessage("Merged model saved");
    } catch (const std::exception& e) {
        message_->setText(QString::fromStdString(e.what()));
    }
}

}  // namespace aletheia::ui
