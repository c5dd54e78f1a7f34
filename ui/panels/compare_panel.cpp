#include "ui/panels/compare_panel.h"

#include "core/demo/demo_model.h"
#include "core/io/json_file.h"
#include "core/plan/plan_table.h"
#include "core/session/config_diff.h"
#include "core/session/eval_table.h"
#include "core/session/run_curves.h"
#include "ui/plan_summary.h"
#include "ui/studio_session.h"
#include "ui/widgets/plot_export.h"
#include "ui/workers/eval_worker.h"
#include "ui/workers/export_worker.h"
#include "ui/workers/job_thread.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

namespace aletheia::ui {

namespace {

// Distinct on light and dark backgrounds (matplotlib's tab10).
QColor runColor(size_t i) {
    static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                    QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                    QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                    QColor(23, 190, 207)};
    return colors[i % (sizeof(colors) / sizeof(colors[0]))];
}

QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* item = new QTableWidgetItem(text);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(text);
    return item;
}

QTableWidget* readOnlyTable(const char* name) {
    auto* t = new QTableWidget;
    t->setObjectName(name);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return t;
}

QString askPath(QWidget* parent, const QString& title, const QString& suggested, const QString& filter) {
    // Qt's own dialog: the same on every platform and under the offscreen tests.
    return QFileDialog::getSaveFileName(parent, title, suggested, filter, nullptr, QFileDialog::DontUseNativeDialog);
}

}  // namespace

ComparePanel::ComparePanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)), evalJobs_(new JobThread(this)) {
    setObjectName("comparePanel");
    table_ = new QTableWidget(0, 10);
    table_->setObjectName("runsTable");
    table_->setHorizontalHeaderLabels({"Run", "Model", "Plan", "Trainable params", "Steps", "Outcome", "Step time",
                                       "Final train loss", "Final eval loss", "Speedup vs baseline"});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->setToolTip("Every run in the experiment's output folder; speedup = step time of the newest uniform "
                       "baseline of the same model / this run's step time (measured). Select runs (Ctrl+click) "
                       "to compare them below.");
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ComparePanel::refreshViews);

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
                          "(export default: the newest with a checkpoint), several to compare them.");
    message_->setObjectName("compareMessage");
    message_->setWordWrap(true);

    // Curves of the shown runs, overlaid.
    curveChoice_ = new QComboBox;
    curveChoice_->setObjectName("curveChoice");
    curveChoice_->addItems({"Training loss", "Evaluation loss", "Throughput (tokens/s)"});
    logScale_ = new QCheckBox("Log scale");
    logScale_->setObjectName("curvesLogScale");
    auto* saveChart = new QPushButton("Save chart…");
    saveChart->setObjectName("saveCurves");
    saveChart->setToolTip("Save the chart as PNG or PDF");
    curves_ = new QCustomPlot;
    curves_->setObjectName("compareCurves");
    curves_->setMinimumHeight(220);
    curves_->legend->setVisible(true);
    curves_->xAxis->setLabel("step");
    installPlotExportMenu(curves_);
    connect(curveChoice_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ComparePanel::refreshCurves);
    connect(logScale_, &QCheckBox::toggled, this, &ComparePanel::refreshCurves);
    connect(saveChart, &QPushButton::clicked, this, [this] { saveCurves(); });
    auto* curvesPage = new QWidget;
    auto* curveBar = new QHBoxLayout;
    curveBar->addWidget(curveChoice_);
    curveBar->addWidget(logScale_);
    curveBar->addStretch();
    curveBar->addWidget(saveChart);
    auto* curvesLayout = new QVBoxLayout(curvesPage);
    curvesLayout->addLayout(curveBar);
    curvesLayout->addWidget(curves_, 1);

    // Evaluation table.
    evaluate_ = new QPushButton("Evaluate shown runs");
    evaluate_->setObjectName("evaluateRuns");
    evaluate_->setToolTip("As `aletheia eval`: the validation, forgetting and question sets of each run's experiment, "
                          "base model and with the run's adapter; writes eval.json into the run folder");
    connect(evaluate_, &QPushButton::clicked, this, &ComparePanel::evaluateShownRuns);
    auto* saveCsv = new QPushButton("Save table as CSV…");
    saveCsv->setObjectName("saveEvalCsv");
    connect(saveCsv, &QPushButton::clicked, this, [this] { saveEvalCsv(); });
    evalTable_ = readOnlyTable("evalTable");
    evalNote_ = new QLabel;
    evalNote_->setObjectName("evalNote");
    evalNote_->setWordWrap(true);
    auto* evalPage = new QWidget;
    auto* evalBar = new QHBoxLayout;
    evalBar->addWidget(evaluate_);
    evalBar->addStretch();
    evalBar->addWidget(saveCsv);
    auto* evalLayout = new QVBoxLayout(evalPage);
    evalLayout->addLayout(evalBar);
    evalLayout->addWidget(evalTable_, 1);
    evalLayout->addWidget(evalNote_);

    // Config diff.
    diffTable_ = readOnlyTable("configDiff");
    diffTable_->horizontalHeader()->setStretchLastSection(true);
    diffNote_ = new QLabel;
    diffNote_->setObjectName("diffNote");
    diffNote_->setWordWrap(true);
    auto* diffPage = new QWidget;
    auto* diffLayout = new QVBoxLayout(diffPage);
    diffLayout->addWidget(diffNote_);
    diffLayout->addWidget(diffTable_, 1);

    views_ = new QTabWidget;
    views_->setObjectName("compareViews");
    views_->addTab(curvesPage, "Curves");
    views_->addTab(evalPage, "Evaluation");
    views_->addTab(diffPage, "Config diff");

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(baseline_);
    buttons->addWidget(resume_);
    buttons->addWidget(exportPeft_);
    buttons->addWidget(exportMerged_);
    buttons->addWidget(exportGguf_);
    buttons->addWidget(ggufType_);
    buttons->addStretch();
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(table_);
    split->addWidget(views_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(message_);
    connect(session_, &StudioSession::runsChanged, this, &ComparePanel::refresh);
    refreshViews();
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
    evaluate_->setEnabled(!training_ && !evaluating_);
}

void ComparePanel::refresh() {
    const auto& runs = session_->runs();
    // Speedup only against a baseline of the same model: another model's step time says nothing.
    std::map<std::string, double> baselineStep;
    for (const RunSummary& r : runs)
        if (r.baseline && std::isfinite(r.meanStepSeconds)) baselineStep[r.model] = r.meanStepSeconds;
    const bool haveTable = session_->hasScores();
    const QSignalBlocker quiet(table_->selectionModel());  // one views refresh, at the end
    table_->clearSelection();
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
            if (c == 0) item->setForeground(runColor(i));  // the run's colour in the curves
            table_->setItem(int(i), c, item);
        }
    }
    refreshViews();
}

std::vector<int> ComparePanel::shownRuns() const {
    std::vector<int> rows;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows()) rows.push_back(i.row());
    std::sort(rows.begin(), rows.end());
    if (rows.empty())
        for (int i = 0; i < int(session_->runs().size()); ++i) rows.push_back(i);
    return rows;
}

void ComparePanel::selectRuns(const std::vector<int>& indices) {
    const QSignalBlocker quiet(table_->selectionModel());
    table_->clearSelection();
    for (int i : indices)
        table_->selectionModel()->select(table_->model()->index(i, 0),
                                         QItemSelectionModel::Select | QItemSelectionModel::Rows);
    refreshViews();
}

void ComparePanel::setCurve(int curve) { curveChoice_->setCurrentIndex(curve); }
void ComparePanel::setLogScale(bool on) { logScale_->setChecked(on); }

void ComparePanel::refreshViews() {
    refreshCurves();
    refreshEvalTable();
    refreshDiff();
}

void ComparePanel::refreshCurves() {
    const auto& runs = session_->runs();
    const int curve = curveChoice_->currentIndex();
    curves_->clearGraphs();
    bool any = false;
    for (int i : shownRuns()) {
        const RunCurves c = readRunCurves(runs[size_t(i)].dir);
        const auto& x = curve == EvalLoss ? c.evalSteps : c.steps;
        const auto& y = curve == EvalLoss ? c.evalLoss : curve == Throughput ? c.tokensPerSecond : c.trainLoss;
        QVector<double> xs, ys;
        for (size_t k = 0; k < x.size(); ++k)
            if (std::isfinite(y[k]) && (!logScale_->isChecked() || y[k] > 0)) {
                xs << x[k];
                ys << y[k];
            }
        QCPGraph* g = curves_->addGraph();
        g->setName(QString::fromStdString(runs[size_t(i)].name));
        g->setPen(QPen(runColor(size_t(i)), 2));
        if (curve == EvalLoss) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
        g->setData(xs, ys, true);
        any = any || !xs.isEmpty();
    }
    curves_->yAxis->setLabel(curve == Throughput ? "tokens/s" : "loss (nats/token)");
    const bool log = logScale_->isChecked();
    curves_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) curves_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else curves_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    if (any) curves_->rescaleAxes();
    curves_->replot();
}

void ComparePanel::refreshEvalTable() {
    const auto& runs = session_->runs();
    const std::vector<int> shown = shownRuns();
    std::vector<RunEvalSource> sources;
    for (int i : shown) sources.push_back({runs[size_t(i)].name, runs[size_t(i)].dir});
    const double bound = demo::kDemoForgettingBound;
    EvalTable t;
    try {
        t = readEvalTable(sources, bound);
    } catch (const std::exception& e) {
        evalTable_->setRowCount(0);
        evalNote_->setText(QString("Cannot read an evaluation: %1").arg(e.what()));
        return;
    }
    QStringList headers{"Set", "Metric", "Base"};
    for (const auto& name : t.runs) headers << QString::fromStdString(name) + " (Δ)";
    evalTable_->setColumnCount(headers.size());
    evalTable_->setHorizontalHeaderLabels(headers);
    evalTable_->setRowCount(int(t.rows.size()));
    const auto num = [](double v) { return QString::number(v, 'f', 4); };
    for (int r = 0; r < int(t.rows.size()); ++r) {
        const EvalTableRow& row = t.rows[size_t(r)];
        evalTable_->setItem(r, 0, cell(QString::fromStdString(row.set)));
        evalTable_->setItem(r, 1, cell(QString::fromStdString(row.metric) + (row.higherIsBetter ? " ↑" : " ↓")));
        // The base model's value: the same for runs of one model, so shown once (each run's own
        // base is in its cell's tooltip).
        double base = std::nan("");
        for (const EvalCell& c : row.runs)
            if (std::isfinite(c.base)) {
                base = c.base;
                break;
            }
        evalTable_->setItem(r, 2, cell(std::isfinite(base) ? num(base) : "—", true));
        for (size_t i = 0; i < row.runs.size(); ++i) {
            const EvalCell& c = row.runs[i];
            QTableWidgetItem* item =
                cell(c.present() ? QString("%1 (%2%3)").arg(num(c.adapted), c.delta() >= 0 ? "+" : "", num(c.delta()))
                     : std::isfinite(c.base) ? QString("base only") : QString("—"),
                     true);
            if (std::isfinite(c.base))
                item->setToolTip(c.present() ? QString("base %1, adapted %2").arg(num(c.base), num(c.adapted))
                                             : QString("base %1; no adapter was evaluated").arg(num(c.base)));
            if (row.forgetting && c.present()) {
                const bool over = t.exceedsBound(row, i);
                item->setBackground(over ? QColor(244, 199, 195) : QColor(200, 230, 201));
                item->setForeground(QColor(20, 20, 20));
                item->setToolTip(QString("forgetting %1 %2 nats/token: %3 the bound of %4")
                                     .arg(c.delta() >= 0 ? "+" : "", num(c.delta()),
                                          over ? "over" : "within", QString::number(bound)));
            }
            evalTable_->setItem(r, int(i) + 3, item);
        }
    }
    int missing = 0;
    for (size_t i = 0; i < t.runs.size(); ++i) {
        bool has = false;
        for (const auto& row : t.rows) has = has || std::isfinite(row.runs[i].base);
        missing += has ? 0 : 1;
    }
    QString note = QString("Forgetting bound (the demo's stated bound): the forgetting set's loss may rise by at "
                           "most %1 nats/token; green cells are within it, red cells over it. ↑/↓: higher/lower is "
                           "better.").arg(bound);
    if (missing)
        note += QString(" %1 shown run(s) not evaluated yet: press Evaluate, or run `aletheia eval --config "
                        "<run>/config.yaml`.").arg(missing);
    evalNote_->setText(note);
}

void ComparePanel::refreshDiff() {
    const auto& runs = session_->runs();
    const std::vector<int> shown = shownRuns();
    diffTable_->setRowCount(0);
    if (shown.size() < 2) {
        diffTable_->setColumnCount(0);
        diffNote_->setText("Select two runs (Ctrl+click) to see the keys in which their experiments differ.");
        return;
    }
    const RunSummary& a = runs[size_t(shown[0])];
    const RunSummary& b = runs[size_t(shown[1])];
    std::vector<ConfigDifference> diff;
    try {
        diff = diffRunConfigs(a.dir, b.dir);
    } catch (const std::exception& e) {
        diffNote_->setText(QString("Cannot compare: %1").arg(e.what()));
        return;
    }
    diffTable_->setColumnCount(3);
    diffTable_->setHorizontalHeaderLabels({"Key", QString::fromStdString(a.name), QString::fromStdString(b.name)});
    diffTable_->setRowCount(int(diff.size()));
    for (int r = 0; r < int(diff.size()); ++r) {
        diffTable_->setItem(r, 0, cell(QString::fromStdString(diff[size_t(r)].key)));
        diffTable_->setItem(r, 1, cell(QString::fromStdString(diff[size_t(r)].a)));
        diffTable_->setItem(r, 2, cell(QString::fromStdString(diff[size_t(r)].b)));
    }
    QString note = QString("%1 key(s) differ between %2 and %3 (defaults filled in; output.dir left out).")
                       .arg(diff.size())
                       .arg(QString::fromStdString(a.name), QString::fromStdString(b.name));
    if (a.plan.cells.size() != b.plan.cells.size())
        note += QString(" Plans: %1 vs %2 adapted modules.").arg(a.plan.cells.size()).arg(b.plan.cells.size());
    if (shown.size() > 2) note += " (The first two shown runs.)";
    diffNote_->setText(note);
}

void ComparePanel::evaluateShownRuns() {
    if (evaluating_) return;
    const auto& runs = session_->runs();
    EvalRequest request;
    request.model = session_->model();
    request.modelDir = session_->modelDir();
    for (int i : shownRuns()) request.runDirs.push_back(QString::fromStdString(runs[size_t(i)].dir));
    if (request.runDirs.empty()) {
        message_->setText("Nothing to evaluate yet: train a run first (Train stage).");
        return;
    }
    evaluating_ = true;
    updateButtons();
    views_->setCurrentIndex(EvaluationView);
    auto failures = std::make_shared<QStringList>();
    auto stop = std::make_shared<StopToken>();  // the panel's JobThread stops it when the window closes
    auto* worker = new EvalWorker(request, stop);
    connect(worker, &EvalWorker::progress, this, [this](const QString& run, long done, long total) {
        message_->setText(QString("Evaluating %1: %2 of %3 passes…").arg(run).arg(done).arg(total));
    });
    connect(worker, &EvalWorker::runFinished, this, [this, failures](const QString& dir, bool ok, const QString& m) {
        if (ok) refreshEvalTable();
        else *failures << QFileInfo(dir).fileName() + ": " + m;
    });
    connect(worker, &EvalWorker::finished, this, [this, failures](bool ok, const QString& m) {
        evaluating_ = false;
        updateButtons();
        refreshEvalTable();
        message_->setText(failures->isEmpty() ? m : m + ". " + failures->join(" "));
        emit statusMessage(ok ? "Evaluation finished" : "Evaluation incomplete");
        emit evaluationFinished(ok, message_->text());
    });
    submitWorker(evalJobs_, stop, worker);
}

bool ComparePanel::saveCurves(const QString& chosen) {
    const QString path = chosen.isEmpty() ? askPath(this, "Save chart", "compare-curves.png",
                                                    "PNG image (*.png);;PDF document (*.pdf)")
                                          : chosen;
    if (path.isEmpty()) return false;
    const bool ok = savePlot(curves_, path);
    message_->setText(ok ? "Chart saved to " + path : "Could not save the chart to " + path + " (.png or .pdf)");
    return ok;
}

bool ComparePanel::saveEvalCsv(const QString& chosen) {
    const QString path = chosen.isEmpty() ? askPath(this, "Save evaluation table", "evaluation.csv", "CSV (*.csv)")
                                          : chosen;
    if (path.isEmpty()) return false;
    try {
        const auto& runs = session_->runs();
        std::vector<RunEvalSource> sources;
        for (int i : shownRuns()) sources.push_back({runs[size_t(i)].name, runs[size_t(i)].dir});
        const std::string csv = evalTableCsv(readEvalTable(sources, demo::kDemoForgettingBound));
        writeFileAtomically(path.toStdString(), [&](std::ostream& out) { out << csv; });
    } catch (const std::exception& e) {
        message_->setText(QString("Could not save the table: %1").arg(e.what()));
        return false;
    }
    message_->setText("Evaluation table saved to " + path);
    return true;
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
