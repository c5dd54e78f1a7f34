#include "ui/panels/compare_panel.h"

#include "core/plan/plan_table.h"
#include "ui/plan_summary.h"
#include "ui/studio_session.h"
#include "ui/workers/export_worker.h"
#include "ui/workers/job_thread.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <map>
#include <exception>

namespace aletheia::ui {

ComparePanel::ComparePanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("comparePanel");
    table_ = new QTableWidget(0, 10);
    table_->setObjectName("runsTable");
    table_->setHorizontalHeaderLabels({"Run", "Model", "Plan", "Trainable params", "Steps", "Outcome", "Step time",
                                       "Final train loss", "Final eval loss", "Speedup vs baseline"});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->setToolTip("Every run in the experiment's output folder; speedup = step time of the newest uniform "
                       "baseline of the same model / this run's step time (measured)");

    baseline_ = new QPushButton("Run uniform-LoRA baseline");
    baseline_->setObjectName("runBaseline");
    baseline_->setToolTip("Train uniform LoRA (rank lora_r) on every module with the same settings, to measure the speedup");
    resume_ = new QPushButton("Resume");
    resume_->setObjectName("resumeRun");
    resume_->setToolTip("Continue the selected stopped run from its latest checkpoint, in its own folder");
    connect(resume_, &QPushButton::clicked, this, [this] {
        const auto rows = table_->selectionModel()->selectedRows();
        if (rows.isEmpty()) {
            message_->setText("Select the run to resume.");
            return;
        }
        emit resumeRequested(QString::fromStdString(session_->runs()[size_t(rows.front().row())].dir));
    });
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
    exportGguf_ = new QPushButton("Export GGUF…");
    exportGguf_->setObjectName("exportGguf");
    exportGguf_->setToolTip("Save the selected run's adapter as a llama.cpp LoRA GGUF (adapter.gguf), the base model "
                            "as base.gguf where llama.cpp knows its family, and an Ollama Modelfile (FROM + ADAPTER)");
    connect(exportGguf_, &QPushButton::clicked, this, &ComparePanel::exportGguf);
    ggufType_ = new QComboBox;
    ggufType_->setObjectName("ggufType");
    ggufType_->addItems({"f16", "bf16", "f32", "q8_0"});
    ggufType_->setToolTip("Tensor type of the GGUF files (output.gguf_type); q8_0 keeps f16 where rows are not a "
                          "multiple of 32, as llama.cpp's converters do");
    message_ = new QLabel("The experiment's runs (its output folder) appear here. Select one to export or resume it "
                          "(export default: the newest with a checkpoint).");
    message_->setObjectName("compareMessage");
    message_->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(baseline_);
    buttons->addWidget(resume_);
    buttons->addWidget(exportPeft_);
    buttons->addWidget(exportMerged_);
    buttons->addWidget(exportGguf_);
    buttons->addWidget(ggufType_);
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
    resume_->setEnabled(!training_);
    exportPeft_->setEnabled(!training_ && !exporting_);
    exportMerged_->setEnabled(!training_ && !exporting_);
    exportGguf_->setEnabled(!training_ && !exporting_);
}

void ComparePanel::refresh() {
    const auto& runs = session_->runs();
    // Speedup only against a baseline of the same model: another model's step time says nothing.
    std::map<std::string, double> baselineStep;
    for (const RunSummary& r : runs)
        if (r.baseline && std::isfinite(r.meanStepSeconds)) baselineStep[r.model] = r.meanStepSeconds;
    const bool haveTable = session_->hasScores();
    table_->setRowCount(int(runs.size()));
    for (size_t i = 0; i < runs.size(); ++i) {
        const RunSummary& r = runs[i];
        auto num = [](double v, int prec) { return std::isfinite(v) ? QString::number(v, 'f', prec) : QString("—"); };
        const auto base = baselineStep.find(r.model);
        // Trainable parameters need the model's module table: known for runs of the loaded model.
        const bool sameModel = haveTable && r.model == session_->modelDir().toStdString();
        const QStringList cells{QString::fromStdString(r.name),
                                QFileInfo(QString::fromStdString(r.model)).fileName(),
                                describePlan(r.plan),
                                sameModel ? QString::number(trainableParams(r.plan, session_->scores().table)) : "—",
                                QString::number(r.steps),
                                QString::fromStdString(r.outcome),
                                std::isfinite(r.meanStepSeconds) ? num(r.meanStepSeconds * 1e3, 1) + " ms" : "—",
                                num(r.finalTrainLoss, 4),
                                num(r.finalEvalLoss, 4),
                                base != baselineStep.end() && r.meanStepSeconds > 0
                                    ? num(base->second / r.meanStepSeconds, 2) + "×"
                                    : QString("run the baseline")};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= 3) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(c == 0 ? QString::fromStdString(r.dir) : c == 1 ? QString::fromStdString(r.model) : cells[c]);
            table_->setItem(int(i), c, item);
        }
    }
}

int ComparePanel::exportRunIndex() const {
    const auto& runs = session_->runs();
    const auto rows = table_->selectionModel()->selectedRows();
    if (!rows.isEmpty() && !runs[size_t(rows.front().row())].lastCheckpoint.empty()) return rows.front().row();
    for (int i = int(runs.size()) - 1; i >= 0; --i)
        if (!runs[size_t(i)].lastCheckpoint.empty()) return i;
    return -1;
}

void ComparePanel::exportPeft() { exportRun(exportRunIndex(), ExportRequest::Format::Peft); }
void ComparePanel::exportMerged() { exportRun(exportRunIndex(), ExportRequest::Format::Merged); }
void ComparePanel::exportGguf() { exportRun(exportRunIndex(), ExportRequest::Format::Gguf); }

void ComparePanel::exportRun(int index, ExportRequest::Format format, const QString& chosenDir) {
    if (exporting_) return;
    if (index < 0 || index >= int(session_->runs().size())) {
        message_->setText("Nothing to export yet: train a run first (Train stage).");
        return;
    }
    const RunSummary& run = session_->runs()[size_t(index)];
    QString dir = chosenDir;
    if (dir.isEmpty()) {
        // The folders `aletheia export` writes, so the CLI and the Studio leave the same layout.
        const char* sub = format == ExportRequest::Format::Merged ? "/merged"
                          : format == ExportRequest::Format::Gguf ? "/gguf"
                                                                  : "/adapter";
        const char* title = format == ExportRequest::Format::Merged ? "Save merged model into folder"
                            : format == ExportRequest::Format::Gguf ? "Save GGUF files into folder"
                                                                    : "Save PEFT adapter into folder";
        // Qt's own dialog: it can make the new folder on every platform.
        dir = QFileDialog::getExistingDirectory(this, title, QString::fromStdString(run.dir) + sub,
                                                QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
        if (dir.isEmpty()) return;
    }
    ExportRequest request;
    request.format = format;
    request.ggufType = ggufType_->currentText();
    request.modelDir = QString::fromStdString(run.model);  // the model this run adapted, not the loaded one
    request.checkpoint = QString::fromStdString(run.lastCheckpoint);
    request.plan = run.plan;
    request.outputDir = dir;
    exporting_ = true;
    updateButtons();
    message_->setText(QString("Exporting %1…").arg(QString::fromStdString(run.name)));
    auto* worker = new ExportWorker(request);
    connect(worker, &ExportWorker::finished, this, [this](bool ok, const QString& m) {
        exporting_ = false;
        updateButtons();
        message_->setText(m);
        emit statusMessage(ok ? "Export finished" : "Export failed");
        emit exportFinished(ok, m);
    });
    submitWorker(jobs_, std::make_shared<StopToken>(), worker);
}

}  // namespace aletheia::ui
