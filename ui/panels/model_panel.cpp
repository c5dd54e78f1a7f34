#include "ui/panels/model_panel.h"

#include "ui/recent_list.h"
#include "core/session/engine_options.h"
#include "ui/studio_session.h"
#include "ui/workers/model_load_worker.h"
#include "ui/workers/job_thread.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>
#include <torch/cuda.h>

namespace aletheia::ui {

namespace {
QString humanCount(int64_t n) {
    if (n >= 1'000'000'000) return QString::number(n / 1e9, 'f', 2) + " B";
    if (n >= 1'000'000) return QString::number(n / 1e6, 'f', 2) + " M";
    if (n >= 1'000) return QString::number(n / 1e3, 'f', 1) + " K";
    return QString::number(n);
}
QString humanBytes(int64_t n) {
    if (n >= (int64_t(1) << 30)) return QString::number(n / double(1 << 30), 'f', 2) + " GiB";
    if (n >= (1 << 20)) return QString::number(n / double(1 << 20), 'f', 1) + " MiB";
    return QString::number(n / 1024.0, 'f', 1) + " KiB";
}
}  // namespace

ModelPanel::ModelPanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("modelPanel");
    setAcceptDrops(true);

    auto* pick = new QGroupBox("Checkpoint");
    auto* pickLayout = new QVBoxLayout(pick);
    auto* row = new QHBoxLayout;
    path_ = new QLineEdit;
    path_->setObjectName("modelPath");
    path_->setPlaceholderText("Hugging Face checkpoint folder (config.json + *.safetensors) — or drop it here");
    path_->setToolTip("Folder holding config.json, tokenizer.json and the .safetensors weights");
    auto* browse = new QPushButton("Browse…");
    browse->setToolTip("Choose a checkpoint folder");
    connect(browse, &QPushButton::clicked, this, &ModelPanel::browse);
    connect(path_, &QLineEdit::returnPressed, this, [this] { load(); });
    row->addWidget(path_, 1);
    row->addWidget(browse);
    pickLayout->addLayout(row);

    auto* opts = new QFormLayout;
    device_ = new QComboBox;
    device_->setObjectName("modelDevice");
    device_->addItem("auto", "auto");
    device_->addItem("CPU", "cpu");
    const int gpus = torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
    for (int i = 0; i < gpus; ++i) device_->addItem(QString("CUDA GPU %1").arg(i), QString("cuda:%1").arg(i));
    device_->setToolTip("Where the weights live and the maths runs: auto picks the first GPU, else the CPU");
    dtype_ = new QComboBox;
    dtype_->setObjectName("modelDtype");
    for (const char* d : {"auto", "fp32", "bf16", "fp16"}) dtype_->addItem(d, d);
    dtype_->setToolTip("Weight precision: auto keeps the checkpoint's dtype (zero-copy on CPU)");
    opts->addRow("Device", device_);
    opts->addRow("Precision", dtype_);
    pickLayout->addLayout(opts);

    auto* buttons = new QHBoxLayout;
    loadButton_ = new QPushButton("Load model");
    loadButton_->setObjectName("loadModel");
    loadButton_->setDefault(true);
    loadButton_->setToolTip("Load the checkpoint in the background (Ctrl+L)");
    loadButton_->setShortcut(QKeySequence("Ctrl+L"));
    cancelButton_ = new QPushButton("Cancel");
    cancelButton_->setEnabled(false);
    cancelButton_->setToolTip("Abort loading");
    connect(loadButton_, &QPushButton::clicked, this, [this] { load(); });
    connect(cancelButton_, &QPushButton::clicked, this, [this] { if (stop_) stop_->requestStop(); });
    buttons->addWidget(loadButton_);
    buttons->addWidget(cancelButton_);
    buttons->addStretch();
    pickLayout->addLayout(buttons);
    progress_ = new QProgressBar;
    progress_->setObjectName("modelLoadProgress");
    progress_->setTextVisible(true);
    progress_->setValue(0);
    pickLayout->addWidget(progress_);
    error_ = new QLabel;
    error_->setObjectName("modelError");
    error_->setWordWrap(true);
    error_->setStyleSheet("color: #d9534f;");
    pickLayout->addWidget(error_);

    auto* recentBox = new QGroupBox("Recent checkpoints");
    auto* recentLayout = new QVBoxLayout(recentBox);
    recent_ = new QListWidget;
    recent_->setObjectName("recentModels");
    recent_->setToolTip("Double-click to load again");
    recent_->addItems(QSettings().value("recentModels").toStringList());
    connect(recent_, &QListWidget::itemActivated, this, [this](QListWidgetItem* it) { load(it->text()); });
    recentLayout->addWidget(recent_);

    auto* left = new QVBoxLayout;
    left->addWidget(pick);
    left->addWidget(recentBox, 1);

    auto* summaryBox = new QGroupBox("Summary");
    summaryBox->setObjectName("modelSummary");
    summary_ = new QFormLayout(summaryBox);
    summary_->setLabelAlignment(Qt::AlignRight);
    for (const char* key : {"family", "layers", "hidden", "heads", "experts", "parameters", "dtype", "device",
                            "memory", "load time"}) {
        auto* value = new QLabel("—");
        value->setObjectName(QString("summary_%1").arg(QString(key).replace(' ', '_')));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        summary_->addRow(QString(key).at(0).toUpper() + QString(key).mid(1), value);
    }

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 3);
    layout->addWidget(summaryBox, 2);

    connect(session_, &StudioSession::modelChanged, this, &ModelPanel::showSummary);
}

QString ModelPanel::checkpointDir() const { return path_->text().trimmed(); }
QString ModelPanel::device() const { return device_->currentData().toString(); }
QString ModelPanel::dtype() const { return dtype_->currentData().toString(); }

void ModelPanel::setChoices(const QString& dir, const QString& device, const QString& dtype) {
    path_->setText(dir);
    if (int i = device_->findData(device); i >= 0) device_->setCurrentIndex(i);
    if (int i = dtype_->findData(dtype); i >= 0) dtype_->setCurrentIndex(i);
}

void ModelPanel::browse() {
    const QString dir = QFileDialog::getExistingDirectory(this, "Open checkpoint folder", checkpointDir());
    if (!dir.isEmpty()) load(dir);
}

void ModelPanel::load(const QString& dirArg) {
    if (loading_) return;
    const QString dir = dirArg.isEmpty() ? checkpointDir() : dirArg;
    path_->setText(dir);
    error_->clear();
    if (!QFileInfo(QDir(dir).filePath("config.json")).exists()) {
        error_->setText(QString("%1 has no config.json: choose a Hugging Face checkpoint folder").arg(dir));
        emit loadFailed(error_->text());
        return;
    }
    // The same words as the experiment's model.dtype / model.device, read as the CLI reads them.
    ModelSection choice;
    choice.dtype = dtype().toStdString();
    choice.device = device().toStdString();
    LoadOptions options;
    try {
        options = loadOptionsFor(choice);
    } catch (const std::exception& e) {
        error_->setText(QString::fromStdString(e.what()));
        emit loadFailed(error_->text());
        return;
    }
    stop_ = std::make_shared<StopToken>();
    auto* worker = new ModelLoadWorker(dir, options, stop_);
    connect(worker, &ModelLoadWorker::progress, this, [this](qint64 done, qint64 total, const QString& label) {
        progress_->setMaximum(int(std::max<qint64>(1, total)));
        progress_->setValue(int(done));
        progress_->setFormat(QString("%p% — %1").arg(label));
    });
    connect(worker, &ModelLoadWorker::loaded, this, [this](const Model& model, const QString& d, double seconds) {
        setLoading(false);
        progress_->setValue(progress_->maximum());
        progress_->setFormat(QString("Loaded in %1 s").arg(seconds, 0, 'f', 2));
        rememberRecent(d);
        session_->setModel(model, d);
        emit statusMessage(QString("Loaded %1 in %2 s").arg(QFileInfo(d).fileName()).arg(seconds, 0, 'f', 2));
    });
    connect(worker, &ModelLoadWorker::failed, this, [this](const QString& message) {
        setLoading(false);
        progress_->setFormat("Failed");
        error_->setText(message);
        emit loadFailed(message);
    });
    setLoading(true);
    progress_->setValue(0);
    progress_->setFormat("Opening…");
    submitWorker(jobs_, stop_, worker);
}

void ModelPanel::setLoading(bool loading) {
    loading_ = loading;
    loadButton_->setEnabled(!loading);
    cancelButton_->setEnabled(loading);
}

void ModelPanel::showSummary() {
    const Model& m = session_->model();
    if (!m.valid()) return;
    const ModelSummary s = m.summary();
    auto set = [this](const char* key, const QString& text) {
        if (auto* l = findChild<QLabel*>(QString("summary_%1").arg(key))) l->setText(text);
    };
    set("family", QString::fromStdString(s.family));
    set("layers", QString::number(s.layers));
    set("hidden", QString("%1 (MLP %2, vocab %3)").arg(s.hiddenSize).arg(s.intermediateSize).arg(s.vocabSize));
    set("heads", QString("%1 query / %2 key-value, head dim %3").arg(s.heads).arg(s.kvHeads).arg(s.headDim));
    set("experts", s.experts ? QString("%1 (top-%2%3)").arg(s.experts).arg(s.expertsPerToken)
                                   .arg(s.sharedExpert ? ", shared expert" : "")
                             : QString("dense"));
    set("parameters", humanCount(s.parameters) + (s.tiedEmbeddings ? " (tied embeddings)" : ""));
    set("dtype", QString::fromStdString(s.dtype));
    set("device", QString::fromStdString(s.device));
    set("memory", humanBytes(s.bytes));
    set("load_time", progress_->format().startsWith("Loaded") ? progress_->format().mid(10) : QString("—"));
}

void ModelPanel::rememberRecent(const QString& dir) {
    const QStringList list = aletheia::ui::rememberRecent("recentModels", dir);
    recent_->clear();
    recent_->addItems(list);
}

void ModelPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ModelPanel::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty()) return;
    QFileInfo info(urls.first().toLocalFile());
    load(info.isDir() ? info.absoluteFilePath() : info.absolutePath());  // a dropped config.json works too
}

}  // namespace aletheia::ui
