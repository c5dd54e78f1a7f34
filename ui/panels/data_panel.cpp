#include "ui/panels/data_panel.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "ui/studio_session.h"
#include "ui/workers/dataset_worker.h"
#include "ui/workers/job_thread.h"

namespace aletheia::ui {

namespace {

constexpr int kPreviewExamples = 6;
const char* kPromptStyle = "background:rgba(128,128,128,0.28)";
const char* kLossStyle = "background:#2a7; color:white";

QString escaped(const std::string& text) {
    return QString::fromStdString(text).toHtmlEscaped().replace("\n", "⏎<br/>");
}

// One example as runs of prompt tokens (label -100) and loss tokens, each run decoded.
QString exampleHtml(const text::Example& e, const Tokenizer& tok) {
    QString html = "<p style='margin:6px 0; font-family:monospace'>";
    size_t i = 0;
    while (i < e.inputIds.size()) {
        const bool loss = e.labels[i] != text::kIgnoreLabel;
        std::vector<int32_t> run;
        for (; i < e.inputIds.size() && (e.labels[i] != text::kIgnoreLabel) == loss; ++i) run.push_back(e.inputIds[i]);
        html += QString("<span style='%1'>%2</span>").arg(loss ? kLossStyle : kPromptStyle, escaped(tok.decode(run, false)));
    }
    return html + QString(" <span style='color:gray'>(%1 tokens)</span></p><hr/>").arg(e.inputIds.size());
}

}  // namespace

DataPanel::DataPanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("dataPanel");
    auto* pick = new QGroupBox("Training data");
    auto* row = new QHBoxLayout(pick);
    path_ = new QLineEdit;
    path_->setObjectName("dataPath");
    path_->setPlaceholderText("JSONL file: {\"text\"}, {\"instruction\",\"output\"} or {\"messages\": [...]}");
    path_->setToolTip("One JSON example per line; the format is detected from the keys");
    auto* browse = new QPushButton("Browse…");
    browse->setToolTip("Choose a JSONL dataset");
    auto* clearButton = new QPushButton("Use synthetic tokens");
    clearButton->setToolTip("No dataset: probe and train on synthetic token batches (a smoke test)");
    connect(browse, &QPushButton::clicked, this, &DataPanel::browse);
    connect(clearButton, &QPushButton::clicked, this, &DataPanel::clear);
    connect(path_, &QLineEdit::returnPressed, this, [this] { openFile(path_->text()); });
    row->addWidget(path_, 1);
    row->addWidget(browse);
    row->addWidget(clearButton);

    auto* settings = new QGroupBox("Reading");
    auto* settingsForm = new QFormLayout(settings);
    format_ = new QComboBox;
    format_->setObjectName("dataFormatChoice");
    for (const char* f : {"auto", "instruction", "chat", "text"}) format_->addItem(f);
    format_->setToolTip("auto: decided by the keys of the first valid line");
    validationPct_ = new QSpinBox;
    validationPct_->setObjectName("validationPct");
    validationPct_->setRange(0, 50);
    validationPct_->setSuffix(" %");
    validationPct_->setToolTip("Share of the examples held out for evaluation (taken after a seeded shuffle)");
    seqLen_ = new QSpinBox;
    seqLen_->setObjectName("dataSeqLen");
    seqLen_->setRange(8, 131072);
    seqLen_->setToolTip("Examples longer than this many tokens are truncated");
    settingsForm->addRow("Format", format_);
    settingsForm->addRow("Validation split", validationPct_);
    settingsForm->addRow("Max tokens per example", seqLen_);
    connect(format_, &QComboBox::currentTextChanged, this, &DataPanel::settingsEdited);
    connect(validationPct_, &QSpinBox::editingFinished, this, &DataPanel::settingsEdited);
    connect(seqLen_, &QSpinBox::editingFinished, this, &DataPanel::settingsEdited);

    auto* info = new QGroupBox("Detected");
    auto* form = new QFormLayout(info);
    detected_ = new QLabel("—");
    detected_->setObjectName("dataFormat");
    counts_ = new QLabel("—");
    counts_->setObjectName("dataCounts");
    problems_ = new QLabel("—");
    problems_->setObjectName("dataProblems");
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar;
    progress_->setVisible(false);
    form->addRow("Format", detected_);
    form->addRow("Examples", counts_);
    form->addRow("Problems", problems_);
    form->addRow(progress_);

    auto* top = new QHBoxLayout;
    top->addWidget(settings);
    top->addWidget(info, 1);

    preview_ = new QTextBrowser;
    preview_->setObjectName("dataPreview");
    preview_->setToolTip("Grey: prompt tokens (no loss). Green: response tokens the model learns");

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(pick);
    layout->addLayout(top);
    layout->addWidget(new QLabel(QString("Preview, as tokenised — <span style='%1'>prompt (masked)</span> · "
                                         "<span style='%2'>&nbsp;response (loss)&nbsp;</span>")
                                     .arg(kPromptStyle, kLossStyle)));
    layout->addWidget(preview_, 1);

    connect(session_, &StudioSession::modelChanged, this, &DataPanel::tokenise);
    connect(session_, &StudioSession::dataChanged, this, [this] {
        showSettings();
        tokenise();
    });
    showSettings();
    tokenise();
}

void DataPanel::browse() {
    const QString p = QFileDialog::getOpenFileName(this, "Open dataset", path_->text(), "JSON Lines (*.jsonl *.json)");
    if (!p.isEmpty()) openFile(p);
}

void DataPanel::clear() {
    DataSection d = session_->data();
    d.train.clear();
    session_->setData(d);
}

void DataPanel::openFile(const QString& path) {
    DataSection d = session_->data();
    d.train = path.toStdString();
    session_->setData(d);
}

void DataPanel::settingsEdited() {
    DataSection d = session_->data();
    const std::string format = format_->currentText().toStdString();
    const double val = validationPct_->value() / 100.0;
    const int seq = seqLen_->value();
    if (d.format == format && std::abs(d.val_set_size - val) < 1e-9 && d.sequence_len == seq) return;
    d.format = format;
    d.val_set_size = val;
    d.sequence_len = seq;
    session_->setData(d);
}

void DataPanel::showSettings() {
    const DataSection& d = session_->data();
    const QSignalBlocker b1(format_), b2(validationPct_), b3(seqLen_);
    path_->setText(QString::fromStdString(d.train));
    format_->setCurrentText(QString::fromStdString(d.format));
    validationPct_->setValue(int(std::lround(d.val_set_size * 100)));
    seqLen_->setValue(d.sequence_len);
}

void DataPanel::showRawPreview(const QString& note) {
    QString html = "<p>" + note.toHtmlEscaped() + "</p>";
    QFile f(session_->dataFile());
    if (f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        html += "<pre>";
        for (int i = 0; i < kPreviewExamples && !f.atEnd(); ++i) html += QString::fromUtf8(f.readLine()).toHtmlEscaped();
        html += "</pre>";
    }
    preview_->setHtml(html);
}

void DataPanel::tokenise() {
    if (stop_) stop_->requestStop();  // a newer request supersedes the one in flight
    stop_.reset();
    const int generation = ++generation_;
    progress_->setVisible(false);
    problems_->setText("—");
    const QString file = session_->dataFile();
    if (file.isEmpty()) {
        detected_->setText("synthetic tokens (no dataset chosen)");
        counts_->setText("generated on the fly: repeated random motifs, learnable by any model");
        preview_->setHtml("<p>No dataset: the probe and the trainer use deterministic synthetic token batches. "
                          "Choose a JSONL file to fine-tune on real examples.</p>");
        return;
    }
    if (!QFile::exists(file)) {
        detected_->setText("—");
        counts_->setText("—");
        problems_->setText(file + ": no such file");
        preview_->clear();
        return;
    }
    if (!session_->model().valid()) {
        detected_->setText("not read yet");
        counts_->setText("—");
        showRawPreview("Load a model (Model stage): the file is tokenised with its tokenizer. First lines:");
        return;
    }
    detected_->setText("reading…");
    counts_->setText("—");
    progress_->setRange(0, 0);
    progress_->setVisible(true);
    stop_ = std::make_shared<StopToken>();
    auto* worker = new DatasetWorker({file, session_->modelDir(), session_->data()}, stop_);
    connect(worker, &DatasetWorker::progress, this, [this, generation](qint64 done, qint64 total) {
        if (generation != generation_ || total <= 0) return;
        progress_->setRange(0, int(std::min<qint64>(total, INT_MAX)));
        progress_->setValue(int(std::min<qint64>(done, INT_MAX)));
    });
    connect(worker, &DatasetWorker::loaded, this, [this, generation](const LoadedDataset& d) {
        if (generation != generation_) return;
        session_->setDataset(d);
        showDataset(d);
    });
    connect(worker, &DatasetWorker::failed, this, [this, generation](const QString& m) {
        if (generation != generation_) return;
        detected_->setText("unusable");
        problems_->setText(m);
        showRawPreview("The file cannot be used as it is. First lines:");
        emit statusMessage("Dataset: " + m);
    });
    connect(worker, &DatasetWorker::finished, this, [this, generation] {
        if (generation == generation_) progress_->setVisible(false);
    });
    submitWorker(jobs_, stop_, worker);
}

void DataPanel::showDataset(const LoadedDataset& d) {
    const auto& s = d.stats;
    detected_->setText(QString::fromStdString(text::datasetShapeName(s.shape)));
    counts_->setText(QString("%1 training · %2 validation · %3 tokens")
                         .arg(d.train->size())
                         .arg(d.validation->size())
                         .arg(s.tokens));
    QStringList problems;
    if (!s.skipped.empty())
        problems << QString("%1 bad line%2 skipped, first: %3")
                        .arg(s.skipped.size())
                        .arg(s.skipped.size() == 1 ? "" : "s")
                        .arg(QString::fromStdString(s.skipped.front().message()));
    if (s.truncated) problems << QString("%1 truncated to %2 tokens").arg(s.truncated).arg(session_->data().sequence_len);
    if (s.withoutTargets) problems << QString("%1 dropped: no response token left").arg(s.withoutTargets);
    problems_->setText(problems.isEmpty() ? "none" : problems.join("\n"));
    QString html;
    for (size_t i = 0; i < d.train->size() && int(i) < kPreviewExamples; ++i) html += exampleHtml((*d.train)[i], *d.tokenizer);
    preview_->setHtml(html);
    emit statusMessage(QString("Dataset: %1 %2 examples, %3 tokens")
                           .arg(d.train->size() + d.validation->size())
                           .arg(QString::fromStdString(text::datasetShapeName(s.shape)))
                           .arg(s.tokens));
}

}  // namespace aletheia::ui
