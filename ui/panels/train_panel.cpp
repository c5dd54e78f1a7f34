#include "ui/panels/train_panel.h"

#include "core/plan/make_plan.h"
#include "core/plan/plan_table.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/update_heatmap.h"
#include "ui/workers/train_worker.h"
#include "ui/workers/worker_thread.h"

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

namespace aletheia::ui {

namespace {
QString duration(double s) {
    if (!std::isfinite(s) || s < 0) return "—";
    const int t = int(std::lround(s));
    return t >= 3600 ? QString("%1 h %2 min").arg(t / 3600).arg((t % 3600) / 60)
           : t >= 60 ? QString("%1 min %2 s").arg(t / 60).arg(t % 60)
                     : QString("%1 s").arg(t);
}
QString describePlan(const AdapterPlan& plan) {
    if (plan.cells.empty()) return "no adapters";
    int lo = plan.cells.front().layer, hi = lo, rmin = plan.cells.front().rank, rmax = rmin;
    for (const auto& c : plan.cells) {
        lo = std::min(lo, c.layer);
        hi = std::max(hi, c.layer);
        rmin = std::min(rmin, c.rank);
        rmax = std::max(rmax, c.rank);
    }
    return QString("%1 modules, layers %2–%3, rank %4").arg(plan.cells.size()).arg(lo).arg(hi)
        .arg(rmin == rmax ? QString::number(rmin) : QString("%1–%2").arg(rmin).arg(rmax));
}
}  // namespace

TrainPanel::TrainPanel(StudioSession* session, QWidget* parent) : QWidget(parent), session_(session) {
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
    seqLen_ = spin("trainSeqLen", 8, 32768, 512, "Tokens per sequence; longer examples are truncated");
    seqLen_->setSingleStep(64);
    trainBatches_ = spin("trainSyntheticBatches", 1, 100000, 64,
                         "Batches per epoch of synthetic tokens (used when no dataset is chosen)");
    evalEvery_ = spin("trainEvalEvery", 0, 1000000, 10, "Steps between evaluations; 0 evaluates at the end only",
                      "end only");
    evalBatches_ = spin("trainEvalBatches", 0, 100000, 4, "Validation batches per evaluation; 0 = all", "all");
    ckptEvery_ = spin("trainCkptEvery", 0, 1000000, 0, "Steps between checkpoints; 0 = only at stop and end",
                      "at stop/end");
    outputDir_ = new QLineEdit(QDir::current().filePath("runs/studio"));
    outputDir_->setObjectName("trainOutputDir");
    outputDir_->setToolTip("Checkpoints and exports go to <folder>/<run name>/");
    auto* browse = new QPushButton("…");
    browse->setToolTip("Choose the output folder");
    browse->setMaximumWidth(32);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, "Output folder", outputDir_->text());
        if (!d.isEmpty()) outputDir_->setText(d);
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
    form->addRow("Sequence length", seqLen_);
    form->addRow("Synthetic batches", trainBatches_);
    form->addRow("Eval every", evalEvery_);
    form->addRow("Eval batches", evalBatches_);
    form->addRow("Checkpoint every", ckptEvery_);
    form->addRow("Output folder", outRow);
    // A dataset sets the batches (synthetic count unused) and its tokenised length.
    connect(session_, &StudioSession::datasetChanged, this, [this] { trainBatches_->setEnabled(!session_->dataset()); });
    connect(session_, &StudioSession::dataChanged, this, [this] { seqLen_->setValue(session_->data().sequence_len); });

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
}

int TrainPanel::sequenceLength() const { return seqLen_->value(); }
bool TrainPanel::isPaused() const { return stop_ && stop_->pause.load(); }
QList<LivePlot*> TrainPanel::plots() const { return {loss_, speed_, memory_, lrPlot_}; }

TrainOptions TrainPanel::options() const {
    TrainOptions o;
    o.lr = lr_->value();
    o.schedule = schedule_->currentText().toStdString();
    o.warmup_steps = warmup_->value();
    o.max_steps = maxSteps_->value();
    o.epochs = epochs_->value();
    o.micro_batch = batch_->value();
    o.grad_accum = accum_->value();
    o.max_seq_len = seqLen_->value();
    o.eval_every = evalEvery_->value();
    o.eval_batches = evalBatches_->value();
    o.checkpoint_every = ckptEvery_->value();
    o.output_dir = outputDir_->text().toStdString();
    return o;
}

void TrainPanel::setOptions(const TrainOptions& o) {
    lr_->setValue(o.lr);
    schedule_->setCurrentText(QString::fromStdString(o.schedule));
    warmup_->setValue(int(o.warmup_steps));
    maxSteps_->setValue(int(o.max_steps));
    epochs_->setValue(int(o.epochs));
    if (o.micro_batch > 0) batch_->setValue(int(o.micro_batch));
    accum_->setValue(int(o.grad_accum));
    if (o.max_seq_len > 0) seqLen_->setValue(int(o.max_seq_len));
    evalEvery_->setValue(int(o.eval_every));
    evalBatches_->setValue(int(o.eval_batches));
    ckptEvery_->setValue(int(o.checkpoint_every));
    if (!o.output_dir.empty()) outputDir_->setText(QString::fromStdString(o.output_dir));
}

void TrainPanel::start() { startRun(session_->plan(), QString("run %1").arg(runCounter_ + 1), false); }

void TrainPanel::startBaseline() {
    if (!session_->hasScores()) {
        stats_->setText("Run the probe first: the baseline needs the model's module table.");
        return;
    }
    PlanOptions uniform;
    uniform.selection.policy = SelectionPolicy::Uniform;
    uniform.ranks.policy = RankPolicy::Uniform;
    uniform.ranks.rank = 16;
    startRun(makePlan(session_->scores(), uniform), "uniform baseline", true);
}

void TrainPanel::startRun(const AdapterPlan& plan, const QString& name, bool baseline) {
    if (running_) return;
    if (!session_->model().valid()) {
        stats_->setText("Load a model first (Model stage).");
        return;
    }
    if (!session_->dataFile().isEmpty() && !session_->dataset()) {
        stats_->setText("The dataset is not ready (Data stage): wait for it to be read, or fix the problem shown there.");
        return;
    }
    if (plan.cells.empty()) {
        stats_->setText("The plan is empty: run the probe and choose modules in the Plan stage.");
        return;
    }
    ++runCounter_;
    runName_ = name;
    baseline_ = baseline;
    runPlan_ = plan;
    stepSecondsSum_ = 0;
    timedSteps_ = 0;
    lastLoss_ = lastEval_ = std::nan("");
    lastCheckpoint_.clear();

    TrainRequest request;
    request.model = session_->model();
    request.plan = plan;
    request.options = options();
    const QString slug = QString(name).replace(' ', '-');
    runOutputDir_ = QDir(outputDir_->text()).filePath(slug);
    request.options.output_dir = runOutputDir_.toStdString();
    BatchRequest data;
    data.vocabSize = session_->model().config().vocabSize;
    data.batches = trainBatches_->value();
    data.microBatch = batch_->value();
    data.sequenceLength = seqLen_->value();
    data.seed = request.options.seed;
    if (const LoadedDataset* d = session_->dataset()) {
        data.examples = d->train;
        data.padId = d->padId;
        request.trainData = data;
        data.examples = d->validation->empty() ? nullptr : d->validation;
        data.batches = data.examples ? 1 : 0;  // 0: no evaluation without validation examples
        request.valData = data;
    } else {
        request.trainData = data;
        data.seed = 4242;  // held-out synthetic batches
        data.batches = evalBatches_->value() > 0 ? evalBatches_->value() : 4;
        request.valData = data;
    }

    for (LivePlot* p : plots()) p->clearData();
    updates_->reset(session_->model().numLayers());
    log_->clear();
    appendLog(QString("%1: %2 → %3").arg(name, describePlan(plan), runOutputDir_));

    stop_ = std::make_shared<StopToken>();
    auto* worker = new TrainWorker(request, stop_);
    connect(worker, &TrainWorker::started, this, [this](qint64 total) {
        progress_->setMaximum(int(std::max<qint64>(1, total)));
        progress_->setValue(0);
    });
    connect(worker, &TrainWorker::step, this, &TrainPanel::onStep);
    connect(worker, &TrainWorker::evaluated, this, &TrainPanel::onEval);
    connect(worker, &TrainWorker::logLine, this, &TrainPanel::appendLog);
    connect(worker, &TrainWorker::failed, this, [this](const QString& m) { appendLog("error: " + m); });
    connect(worker, &TrainWorker::finished, this, &TrainPanel::onFinished);
    setRunning(true);
    startInThread(worker, &TrainWorker::finished);
    emit statusMessage(QString("Training %1…").arg(name));
}

void TrainPanel::togglePause() {
    if (!running_ || !stop_) return;
    const bool pause = !stop_->pause.load();
    stop_->pause = pause;
    pauseButton_->setText(pause ? "Resume" : "Pause");
    appendLog(pause ? "paused" : "resumed");
    emit etaChanged(pause ? "Paused" : "");
}

void TrainPanel::stop() {
    if (!running_ || !stop_) return;
    stop_->stop = true;
    stop_->pause = false;
    appendLog("stopping after the current step (a checkpoint will be written)…");
}

void TrainPanel::setRunning(bool running) {
    running_ = running;
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
    updates_->addStep(e.step, e.layer_update_norms);
    if (e.step > 1) {  // the first step pays for warm-up allocations; leave it out of the mean
        stepSecondsSum_ += e.step_time_s;
        ++timedSteps_;
    }
    lastLoss_ = e.loss;
    progress_->setMaximum(int(std::max<int64_t>(1, e.total_steps)));
    progress_->setValue(int(e.step));
    stats_->setText(QString("loss %1 · %2 tokens/s · %3 ms/step · epoch %4")
                        .arg(e.loss, 0, 'f', 4)
                        .arg(e.tokens_per_s, 0, 'f', 0)
                        .arg(e.step_time_s * 1e3, 0, 'f', 1)
                        .arg(e.epoch, 0, 'f', 2));
    emit etaChanged(QString("%1 — step %2/%3 — ETA %4").arg(runName_).arg(e.step).arg(e.total_steps)
                        .arg(duration(e.eta_s)));
}

void TrainPanel::onEval(const EvalEvent& e) {
    loss_->append(evalSeries_, double(e.step), e.loss);
    lastEval_ = e.loss;
    appendLog(QString("eval at step %1: loss %2, perplexity %3").arg(e.step).arg(e.loss, 0, 'f', 4)
                  .arg(e.perplexity, 0, 'f', 2));
}

void TrainPanel::onFinished(const TrainResult& r) {
    for (LivePlot* p : plots()) p->flush();
    updates_->flush();
    setRunning(false);
    lastCheckpoint_ = QString::fromStdString(r.last_checkpoint);
    const bool completed = r.outcome == TrainOutcome::Completed;
    const QString outcome = r.outcome == TrainOutcome::Completed ? "completed"
                            : r.outcome == TrainOutcome::Stopped  ? "stopped"
                            : r.outcome == TrainOutcome::OutOfMemory ? "out of memory"
                                                                     : "failed";
    appendLog(QString("%1 %2 after %3 steps%4").arg(runName_, outcome).arg(r.steps)
                  .arg(r.message.empty() ? QString() : ": " + QString::fromStdString(r.message)));
    if (!lastCheckpoint_.isEmpty()) appendLog("last checkpoint: " + lastCheckpoint_);
    if (r.steps > 0) {
        RunRecord run;
        run.name = runName_;
        run.baseline = baseline_;
        run.plan = runPlan_;
        run.planSummary = describePlan(runPlan_);
        if (session_->hasScores()) run.trainableParams = trainableParams(runPlan_, session_->scores().table);
        run.steps = r.steps;
        run.meanStepSeconds = timedSteps_ ? stepSecondsSum_ / double(timedSteps_) : std::nan("");
        run.finalTrainLoss = lastLoss_;
        run.finalEvalLoss = r.evals.empty() ? lastEval_ : r.evals.back().loss;
        run.outcome = outcome;
        run.outputDir = runOutputDir_;
        run.checkpoint = lastCheckpoint_;
        session_->addRun(run);
    }
    emit etaChanged(QString("%1 %2").arg(runName_, outcome));
    emit statusMessage(QString("%1 %2").arg(runName_, outcome));
    emit runFinished(completed);
}

void TrainPanel::appendLog(const QString& line) {
    log_->appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + line);
}

}  // namespace aletheia::ui
