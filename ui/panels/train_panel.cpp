#include "ui/panels/train_panel.h"

#include "core/config/experiment_io.h"
#include "core/plan/plan_table.h"
#include "core/session/run_summary.h"
#include "core/session/experiment_plan.h"
#include "core/session/run_recorder.h"
#include "core/session/step_prediction.h"
#include "ui/plan_summary.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/update_heatmap.h"
#include "ui/workers/process_train_worker.h"
#include "ui/workers/train_worker.h"
#include "ui/workers/job_thread.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTime>
#include <QVBoxLayout>
#include <cmath>
#include <filesystem>
#include <functional>

namespace aletheia::ui {

namespace {
QString duration(double s) {
    if (!std::isfinite(s) || s < 0) return "—";
    const int t = int(std::lround(s));
    return t >= 3600 ? QString("%1 h %2 min").arg(t / 3600).arg((t % 3600) / 60)
           : t >= 60 ? QString("%1 min %2 s").arg(t / 60).arg(t % 60)
                     : QString("%1 s").arg(t);
}
}  // namespace

TrainPanel::TrainPanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("trainPanel");
    auto* hp = new QGroupBox("Hyper-parameters");
    auto* form = new QFormLayout(hp);
    auto spin = [](const char* name, int lo, int hi, int value, const char* tip, const char* special = nullptr) {
        auto* s = new QSpinBox;
        s->setObjectName(name);
        s->setRange(lo, hi);
        s->setValue(value);
        s->setToolTip(tip);
        if (special) s->setSpecialValueText(special);
        return s;
    };
    lr_ = new QDoubleSpinBox;
    lr_->setObjectName("trainLr");
    lr_->setDecimals(6);
    lr_->setRange(1e-7, 1.0);
    lr_->setSingleStep(1e-4);
    lr_->setValue(2e-4);
    lr_->setToolTip("Peak learning rate of AdamW (after warm-up)");
    schedule_ = new QComboBox;
    schedule_->setObjectName("trainSchedule");
    schedule_->addItems({"cosine", "linear", "constant"});
    schedule_->setToolTip("How the learning rate decays after warm-up");
    warmup_ = spin("trainWarmup", 0, 100000, 10, "Steps of linear learning-rate warm-up");
    maxSteps_ = spin("trainMaxSteps", 0, 10000000, 0, "Optimizer steps to run; 0 runs whole epochs", "whole epochs");
    epochs_ = spin("trainEpochs", 1, 1000, 1, "Passes over the training data (when steps is 0)");
    batch_ = spin("trainBatch", 1, 1024, 4, "Sequences per forward pass (micro-batch)");
    accum_ = spin("trainAccum", 1, 1024, 1, "Micro-batches accumulated per optimizer step");
    trainBatches_ = spin("trainSyntheticBatches", 1, 100000, 64,
                         "Batches per epoch of synthetic tokens (used when no dataset is chosen)");
    evalEvery_ = spin("trainEvalEvery", 0, 1000000, 10, "Steps between evaluations; 0 evaluates at the end only",
                      "end only");
    evalBatches_ = spin("trainEvalBatches", 0, 100000, 4, "Validation batches per evaluation; 0 = all", "all");
    ckptEvery_ = spin("trainCkptEvery", 0, 1000000, 0, "Steps between checkpoints; 0 = only at stop and end",
                      "at stop/end");
    processes_ = spin("trainProcesses", 1, 64, 1,
                      "Data-parallel processes on this machine (aletheia train --nproc N): one per GPU, each taking "
                      "its share of every batch; on CPU they share the cores. More than 1 runs the CLI on the "
                      "run's config.yaml, so it needs a dataset file.");
    outputDir_ = new QLineEdit;
    outputDir_->setObjectName("trainOutputDir");
    outputDir_->setToolTip("Every run gets a new folder in here (<folder>/<run>-<date>-<time>/): config.yaml, "
                           "plan.yaml, metrics.jsonl, loss.png, checkpoints/");
    auto* browse = new QPushButton("…");
    browse->setToolTip("Choose the output folder");
    browse->setMaximumWidth(32);
    connect(browse, &QPushButton::clicked, this, [this] {
        // Qt's own dialog: it can make a new folder on every platform.
        const QString d = QFileDialog::getExistingDirectory(this, "Output folder", outputDir_->text(),
                                                            QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
        if (!d.isEmpty()) outputDir_->setText(d);  // an edit of output.dir, like typing it
    });
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(outputDir_, 1);
    outRow->addWidget(browse);
    form->addRow("Learning rate", lr_);
    form->addRow("Schedule", schedule_);
    form->addRow("Warm-up steps", warmup_);
    form->addRow("Steps", maxSteps_);
    form->addRow("Epochs", epochs_);
    form->addRow("Micro-batch", batch_);
    form->addRow("Accumulation", accum_);
    form->addRow("Synthetic batches", trainBatches_);
    form->addRow("Eval every", evalEvery_);
    form->addRow("Eval batches", evalBatches_);
    form->addRow("Checkpoint every", ckptEvery_);
    form->addRow("Processes", processes_);
    form->addRow("Output folder", outRow);
    hyperParameters_ = hp;
    // A dataset sets the batches (synthetic count unused).
    connect(session_, &StudioSession::datasetChanged, this,
            [this] { trainBatches_->setEnabled(!running_ && !session_->dataset()); });
    // The fields are the experiment's train.* keys (and output.dir): shown from it, written on edit.
    connect(session_, &StudioSession::configReplaced, this, &TrainPanel::showConfig);
    auto edit = [this](std::function<void(ExperimentConfig&)> apply) {
        if (!showing_) session_->editConfig(apply);
    };
    auto bindInt = [this, edit](QSpinBox* box, int TrainSection::*key) {
        connect(box, &QSpinBox::valueChanged, this, [edit, key](int v) { edit([&](ExperimentConfig& c) { c.train.*key = v; }); });
    };
    bindInt(warmup_, &TrainSection::warmup_steps);
    bindInt(maxSteps_, &TrainSection::max_steps);
    bindInt(epochs_, &TrainSection::num_epochs);
    bindInt(batch_, &TrainSection::micro_batch_size);
    bindInt(accum_, &TrainSection::gradient_accumulation_steps);
    bindInt(evalEvery_, &TrainSection::eval_steps);
    bindInt(evalBatches_, &TrainSection::eval_batches);
    bindInt(ckptEvery_, &TrainSection::save_steps);
    connect(lr_, &QDoubleSpinBox::valueChanged, this,
            [edit](double v) { edit([&](ExperimentConfig& c) { c.train.learning_rate = v; }); });
    connect(schedule_, &QComboBox::currentTextChanged, this,
            [edit](const QString& v) { edit([&](ExperimentConfig& c) { c.train.lr_scheduler = v.toStdString(); }); });
    connect(outputDir_, &QLineEdit::textChanged, this,
            [edit](const QString& v) { edit([&](ExperimentConfig& c) { c.output.dir = v.toStdString(); }); });

    startButton_ = new QPushButton("Start");
    startButton_->setObjectName("startTraining");
    startButton_->setToolTip("Train LoRA on the current plan in the background (Ctrl+T)");
    // Ctrl+T is the Run menu's action: a second binding here would make it ambiguous (and dead).
    pauseButton_ = new QPushButton("Pause");
    pauseButton_->setObjectName("pauseTraining");
    pauseButton_->setToolTip("Pause after the current step; click again to resume");
    pauseButton_->setEnabled(false);
    stopButton_ = new QPushButton("Stop");
    stopButton_->setObjectName("stopTraining");
    stopButton_->setToolTip("Finish the current step, write a checkpoint and stop");
    stopButton_->setEnabled(false);
    connect(startButton_, &QPushButton::clicked, this, &TrainPanel::start);
    connect(pauseButton_, &QPushButton::clicked, this, &TrainPanel::togglePause);
    connect(stopButton_, &QPushButton::clicked, this, &TrainPanel::stop);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(startButton_);
    buttons->addWidget(pauseButton_);
    buttons->addWidget(stopButton_);
    progress_ = new QProgressBar;
    progress_->setObjectName("trainProgress");
    progress_->setFormat("step %v / %m");
    progress_->setValue(0);
    stats_ = new QLabel("Not started");
    stats_->setObjectName("trainStats");
    stats_->setWordWrap(true);

    auto* left = new QVBoxLayout;
    left->addWidget(hp);
    left->addLayout(buttons);
    left->addWidget(progress_);
    left->addWidget(stats_);
    left->addStretch();
    auto* leftBox = new QWidget;
    leftBox->setLayout(left);
    auto* leftScroll = new QScrollArea;  // keeps every field reachable at 1366x768
    leftScroll->setWidget(leftBox);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setMinimumWidth(300);
    leftScroll->setMaximumWidth(380);

    loss_ = new LivePlot("Loss");
    loss_->setObjectName("lossPlot");
    trainSeries_ = loss_->addSeries("train", QColor(40, 110, 200));
    evalSeries_ = loss_->addSeries("eval", QColor(230, 90, 30));
    loss_->graph(evalSeries_)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    loss_->setAxisLabels("step", "loss");
    speed_ = new LivePlot("Throughput");
    speed_->setObjectName("speedPlot");
    speedSeries_ = speed_->addSeries("tokens/s", QColor(50, 160, 90));
    speed_->setAxisLabels("step", "tokens / s");
    memory_ = new LivePlot("Peak memory");
    memory_->setObjectName("memoryPlot");
    memSeries_ = memory_->addSeries("MiB", QColor(150, 80, 180));
    memory_->setAxisLabels("step", "MiB");
    lrPlot_ = new LivePlot("Learning rate");
    lrPlot_->setObjectName("lrPlot");
    lrSeries_ = lrPlot_->addSeries("lr", QColor(200, 150, 30));
    lrPlot_->setAxisLabels("step", "lr");
    updates_ = new UpdateHeatmap;
    auto* grid = new QGridLayout;
    grid->addWidget(loss_, 0, 0);
    grid->addWidget(updates_, 0, 1);
    grid->addWidget(speed_, 1, 0);
    grid->addWidget(lrPlot_, 1, 1);
    grid->addWidget(memory_, 2, 0);
    log_ = new QPlainTextEdit;
    log_->setObjectName("trainLog");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setToolTip("What the trainer reports: checkpoints, evaluations, warnings");
    grid->addWidget(log_, 2, 1);
    for (int r = 0; r < 3; ++r) grid->setRowStretch(r, 1);
    grid->setColumnStretch(0, 1);  // plots share the width evenly
    grid->setColumnStretch(1, 1);
    for (QWidget* p : std::initializer_list<QWidget*>{loss_, speed_, memory_, lrPlot_, updates_, log_}) p->setMinimumSize(260, 160);
    auto* plots = new QWidget;
    plots->setLayout(grid);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(leftScroll);
    layout->addWidget(plots, 1);
    showConfig();
}

bool TrainPanel::isPaused() const { return stop_ && stop_->paused(); }
QList<LivePlot*> TrainPanel::plots() const { return {loss_, speed_, memory_, lrPlot_}; }

void TrainPanel::showConfig() {
    const ExperimentConfig& c = session_->config();
    showing_ = true;
    lr_->setValue(c.train.learning_rate);
    schedule_->setCurrentText(QString::fromStdString(c.train.lr_scheduler));
    warmup_->setValue(c.train.warmup_steps);
    maxSteps_->setValue(c.train.max_steps);
    epochs_->setValue(c.train.num_epochs);
    batch_->setValue(c.train.micro_batch_size);
    accum_->setValue(c.train.gradient_accumulation_steps);
    evalEvery_->setValue(c.train.eval_steps);
    evalBatches_->setValue(c.train.eval_batches);
    ckptEvery_->setValue(c.train.save_steps);
    outputDir_->setText(QString::fromStdString(c.output.dir));
    showing_ = false;
}

void TrainPanel::start() { startRun(session_->plan(), session_->config(), "run"); }

void TrainPanel::startBaseline() {
    if (!session_->hasScores()) {
        stats_->setText("Run the probe first: the baseline needs the model's module table.");
        return;
    }
    try {
        // The same baseline as `aletheia bench` on this experiment (core/session).
        startRun(uniformPlanFor(session_->config(), session_->model(), session_->scores().table),
                 uniformExperiment(session_->config()), "uniform");
    } catch (const std::exception& e) {
        stats_->setText(QString::fromStdString(e.what()));
    }
}

bool TrainPanel::readyToTrain() {
    if (running_) return false;
    if (!session_->model().valid()) {
        stats_->setText("Load a model first (Model stage).");
        return false;
    }
    if (!session_->dataFile().isEmpty() && !session_->dataset()) {
        stats_->setText("The dataset is not ready (Data stage): wait for it to be read, or fix the problem shown there.");
        return false;
    }
    return true;
}

void TrainPanel::startRun(const AdapterPlan& plan, const ExperimentConfig& config, const QString& name) {
    if (!readyToTrain()) return;
    if (plan.cells.empty()) {
        stats_->setText("The plan is empty: run the probe and choose modules in the Plan stage.");
        return;
    }
    TrainRequest request;
    request.model = session_->model();
    request.plan = plan;
    request.config = config;
    if (session_->hasScores()) request.scores = session_->scores();
    request.syntheticBatches = trainBatches_->value();
    if (const LoadedDataset* d = session_->dataset()) {
        request.train = d->train;
        request.validation = d->validation;
        request.padId = d->padId;
    }
    if (!dataParallel(request)) return;
    try {
        request.runDir = freshRunDirectory(request.config.output.dir, name.toStdString());
    } catch (const std::exception& e) {
        stats_->setText(QString::fromStdString(e.what()));
        return;
    }
    launch(request);
}

void TrainPanel::resumeRun(const QString& runDir) {
    if (!readyToTrain()) return;
    const auto run = readRunSummary(runDir.toStdString());
    if (!run || run->lastCheckpoint.empty()) {
        stats_->setText(runDir + " has no checkpoint to resume from.");
        return;
    }
    if (run->model != session_->modelDir().toStdString()) {
        stats_->setText(QString("%1 adapted %2: load that model to resume it.")
                            .arg(QString::fromStdString(run->name), QString::fromStdString(run->model)));
        return;
    }
    TrainRequest request;
    request.model = session_->model();
    request.plan = run->plan;
    ExperimentLoadOptions options;
    options.checkFiles = false;
    request.config = loadExperiment(runDir.toStdString() + "/config.yaml", options);
    // The run's own settings and data: its config.yaml, as `aletheia train --resume` reads it.
    const LoadedDataset* d = session_->dataset();
    if (!request.config.data.train.empty() && (!d || d->file.toStdString() != request.config.data.train)) {
        stats_->setText(QString("%1 trained on %2: choose that file in the Data stage to resume it.")
                            .arg(QString::fromStdString(run->name), QString::fromStdString(request.config.data.train)));
        return;
    }
    if (d && !request.config.data.train.empty()) {
        request.train = d->train;
        request.validation = d->validation;
        request.padId = d->padId;
    }
    request.syntheticBatches = trainBatches_->value();
    request.runDir = run->dir;
    request.resume = true;
    if (!dataParallel(request)) return;  // a checkpoint resumes on any number of processes
    launch(request);
}

bool TrainPanel::dataParallel(TrainRequest& request) {
    request.processes = processes_->value();
    if (request.processes == 1) return true;
    if (request.config.data.train.empty()) {
        stats_->setText("A run on several processes reads its data from the experiment's dataset file: choose one "
                        "in the Data stage (synthetic tokens train on 1 process).");
        return false;
    }
    request.cli = aletheiaExecutable().toStdString();
    if (request.cli.empty()) {
        stats_->setText("No `aletheia` executable beside the Studio or on PATH: a run on several processes needs it.");
        return false;
    }
    return true;
}

void TrainPanel::launch(const TrainRequest& request) {
    const AdapterPlan& plan = request.plan;
    runName_ = QString::fromStdString(std::filesystem::path(request.runDir).filename().string());
    lastCheckpoint_.clear();
    runOutputDir_ = QString::fromStdString(request.runDir);

    // The prediction this run checks: the session's timed probe, for the plan being trained.
    stepSeconds_.clear();
    predictedStep_ = 0.0;
    if (session_->hasScores()) {
        try {
            predictedStep_ = predictedStepSeconds(request.config, request.model, session_->scores(), plan);
        } catch (const std::exception&) {
            predictedStep_ = 0.0;  // scores of another model: nothing to compare against
        }
    }
    for (LivePlot* p : plots()) p->clearData();
    updates_->reset(session_->model().numLayers());
    log_->clear();
    appendLog(QString("%1%2: %3 → %4").arg(request.resume ? "resuming " : "", runName_, describePlan(plan), runOutputDir_));

    stop_ = std::make_shared<StopToken>();
    TrainReporter* worker = request.processes > 1 ? static_cast<TrainReporter*>(new ProcessTrainWorker(request, stop_))
                                                  : new TrainWorker(request, stop_);
    connect(worker, &TrainReporter::started, this, [this](qint64 total) {
        progress_->setMaximum(int(std::max<qint64>(1, total)));
        progress_->setValue(0);
    });
    connect(worker, &TrainReporter::step, this, &TrainPanel::onStep);
    connect(worker, &TrainReporter::evaluated, this, &TrainPanel::onEval);
    connect(worker, &TrainReporter::logLine, this, &TrainPanel::appendLog);
    connect(worker, &TrainReporter::failed, this, [this](const QString& m) { appendLog("error: " + m); });
    connect(worker, &TrainReporter::finished, this, &TrainPanel::onFinished);
    setRunning(true);
    submitWorker(jobs_, stop_, worker);
    emit statusMessage(QString("Training %1…").arg(runName_));
}

void TrainPanel::togglePause() {
    if (!running_ || !stop_) return;
    const bool pause = !stop_->paused();
    stop_->setPaused(pause);
    pauseButton_->setText(pause ? "Resume" : "Pause");
    appendLog(pause ? "paused" : "resumed");
    emit etaChanged(pause ? "Paused" : "");
}

void TrainPanel::stop() {
    if (!running_ || !stop_) return;
    stop_->requestStop();
    stop_->setPaused(false);
    appendLog("stopping after the current step (a checkpoint will be written)…");
}

void TrainPanel::setRunning(bool running) {
    running_ = running;
    // Settings are read once at start: while a run lasts they are shown, not editable.
    hyperParameters_->setEnabled(!running);
    trainBatches_->setEnabled(!running && !session_->dataset());
    startButton_->setEnabled(!running);
    pauseButton_->setEnabled(running);
    pauseButton_->setText("Pause");
    stopButton_->setEnabled(running);
    emit runningChanged(running);
}

void TrainPanel::onStep(const StepEvent& e) {
    const double x = double(e.step);
    loss_->append(trainSeries_, x, e.loss);
    speed_->append(speedSeries_, x, e.tokens_per_s);
    memory_->append(memSeries_, x, double(e.peak_memory_bytes) / double(1 << 20));
    lrPlot_->append(lrSeries_, x, e.lr);
    stepSeconds_.push_back(e.step_time_s);
    updates_->addStep(e.step, e.layer_update_norms);
    progress_->setMaximum(int(std::max<int64_t>(1, e.total_steps)));
    progress_->setValue(int(e.step));
    QString ranks;  // a data-parallel run: each rank's own throughput (a slow one stands out)
    for (size_t i = 0; i < e.rank_tokens_per_s.size(); ++i)
        ranks += QString(i ? " · %1" : "\nper rank: %1").arg(e.rank_tokens_per_s[i], 0, 'f', 0);
    if (!ranks.isEmpty()) ranks += " tokens/s";
    stats_->setText(QString("loss %1 · %2 tokens/s · %3 ms/step · epoch %4%5")
                        .arg(e.loss, 0, 'f', 4)
                        .arg(e.tokens_per_s, 0, 'f', 0)
                        .arg(e.step_time_s * 1e3, 0, 'f', 1)
                        .arg(e.epoch, 0, 'f', 2)
                        .arg(ranks));
    // A step that ends after Pause was pressed: say paused, not an ETA that is not running down.
    if (isPaused())
        emit etaChanged(QString("%1 — paused at step %2/%3").arg(runName_).arg(e.step).arg(e.total_steps));
    else
        emit etaChanged(QString("%1 — step %2/%3 — ETA %4").arg(runName_).arg(e.step).arg(e.total_steps)
                            .arg(duration(e.eta_s)));
}

void TrainPanel::onEval(const EvalEvent& e) {
    loss_->append(evalSeries_, double(e.step), e.loss);
    appendLog(QString("eval at step %1: loss %2, perplexity %3").arg(e.step).arg(e.loss, 0, 'f', 4)
                  .arg(e.perplexity, 0, 'f', 2));
}

void TrainPanel::onFinished(const TrainResult& r) {
    for (LivePlot* p : plots()) p->flush();
    updates_->flush();
    setRunning(false);
    lastCheckpoint_ = QString::fromStdString(r.last_checkpoint);
    const bool completed = r.outcome == TrainOutcome::Completed;
    const QString outcome = QString::fromStdString(outcomeName(r.outcome));
    appendLog(QString("%1 %2 after %3 steps%4").arg(runName_, outcome).arg(r.steps)
                  .arg(r.message.empty() ? QString() : ": " + QString::fromStdString(r.message)));
    if (!lastCheckpoint_.isEmpty()) appendLog("last checkpoint: " + lastCheckpoint_);
    const std::string timing = predictedVsMeasured(predictedStep_, stepSeconds_);
    if (!timing.empty()) {
        appendLog(QString::fromStdString(timing));
        stats_->setText(stats_->text() + "\n" + QString::fromStdString(timing));
    }
    // The run directory is the record: Compare lists what is on disk (this run included).
    for (const QString& problem : session_->reloadRuns()) appendLog("not listed: " + problem);
    emit etaChanged(QString("%1 %2").arg(runName_, outcome));
    emit statusMessage(QString("%1 %2").arg(runName_, outcome));
    emit runFinished(completed);
}

void TrainPanel::appendLog(const QString& line) {
    log_->appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + line);
}

}  // namespace aletheia::ui
