#include "ui/panels/chat_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/studio_session.h"
#include "ui/workers/chat_worker.h"
#include "ui/workers/job_thread.h"

namespace aletheia::ui {

namespace {

QDoubleSpinBox* number(const char* name, double lo, double hi, double step, double value, int decimals,
                       const QString& tip) {
    auto* s = new QDoubleSpinBox;
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setSingleStep(step);
    s->setDecimals(decimals);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QSpinBox* integer(const char* name, int lo, int hi, int value, const QString& tip) {
    auto* s = new QSpinBox;
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

}  // namespace

ChatPanel::ChatPanel(StudioSession* session, QWidget* parent)
    : QWidget(parent), session_(session), jobs_(new JobThread(this)) {
    setObjectName("chatPanel");
    run_ = new QComboBox;
    run_->setObjectName("chatRun");
    run_->setToolTip("The run whose latest checkpoint answers on the right (runs of the loaded model that have one)");
    format_ = new QComboBox;
    format_->setObjectName("chatFormat");
    format_->addItem("Plain text", int(PromptFormat::Plain));
    format_->addItem("Chat template (one user turn)", int(PromptFormat::ChatTemplate));
    format_->addItem("Instruction, as the training data", int(PromptFormat::Instruction));
    format_->setToolTip("How the prompt reaches the model: as typed; as one user turn in the tokenizer's chat template "
                        "(apply_chat_template); or as an instruction row of data.format: instruction is trained (the "
                        "chat template if the tokenizer has one, else the Alpaca prompt)");
    maxTokens_ = integer("chatMaxTokens", 1, 4096, 32, "New tokens at most per answer");
    temperature_ = number("chatTemperature", 0.0, 5.0, 0.1, 0.0, 2, "0 = greedy; > 0 samples");
    topK_ = integer("chatTopK", 0, 100000, 0, "Sample from the K most likely tokens (0 = all)");
    topP_ = number("chatTopP", 0.01, 1.0, 0.05, 1.0, 2, "Sample from the most likely tokens up to this probability");
    repetition_ = number("chatRepetition", 0.01, 10.0, 0.05, 1.0, 2, "Repetition penalty (1 = off), as transformers'");
    seed_ = integer("chatSeed", 0, 1 << 30, 0, "Seed of the sampling draws: same seed, same answer");

    auto* settings = new QGroupBox("Settings");
    auto* form = new QFormLayout(settings);
    form->addRow("Adapter", run_);
    form->addRow("Prompt format", format_);
    form->addRow("Max new tokens", maxTokens_);
    form->addRow("Temperature", temperature_);
    form->addRow("Top-k", topK_);
    form->addRow("Top-p", topP_);
    form->addRow("Repetition penalty", repetition_);
    form->addRow("Seed", seed_);

    prompt_ = new QLineEdit;
    prompt_->setObjectName("chatPrompt");
    prompt_->setPlaceholderText("Type a prompt and press Enter");
    send_ = new QPushButton("Answer");
    send_->setObjectName("chatSend");
    send_->setDefault(true);
    stop_ = new QPushButton("Stop");
    stop_->setObjectName("chatStop");
    stop_->setEnabled(false);
    connect(prompt_, &QLineEdit::returnPressed, this, &ChatPanel::send);
    connect(send_, &QPushButton::clicked, this, &ChatPanel::send);
    connect(stop_, &QPushButton::clicked, this, &ChatPanel::stop);
    auto* promptRow = new QHBoxLayout;
    promptRow->addWidget(prompt_, 1);
    promptRow->addWidget(send_);
    promptRow->addWidget(stop_);

    auto* answers = new QGridLayout;
    const char* names[2] = {"chatBase", "chatAdapted"};
    const char* titles[2] = {"Base model", "With the adapter"};
    for (int side = 0; side < 2; ++side) {
        auto* title = new QLabel(QString("<b>%1</b>").arg(titles[side]));
        out_[side] = new QPlainTextEdit;
        out_[side]->setObjectName(names[side]);
        out_[side]->setReadOnly(true);
        info_[side] = new QLabel(" ");
        info_[side]->setObjectName(QString(names[side]) + "Info");
        answers->addWidget(title, 0, side);
        answers->addWidget(out_[side], 1, side);
        answers->addWidget(info_[side], 2, side);
    }
    message_ = new QLabel;
    message_->setObjectName("chatMessage");
    message_->setWordWrap(true);

    auto* right = new QVBoxLayout;
    right->addLayout(promptRow);
    right->addLayout(answers, 1);
    right->addWidget(message_);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(settings);
    layout->addLayout(right, 1);

    connect(session_, &StudioSession::runsChanged, this, &ChatPanel::refreshRuns);
    connect(session_, &StudioSession::modelChanged, this, &ChatPanel::refreshRuns);
    // Ask in the form the runs were trained on: data.format decides the default.
    const auto followData = [this] {
        const std::string& f = session_->config().data.format;
        const PromptFormat p = f == "chat" ? PromptFormat::ChatTemplate
                                           : f == "instruction" ? PromptFormat::Instruction : PromptFormat::Plain;
        format_->setCurrentIndex(format_->findData(int(p)));
    };
    connect(session_, &StudioSession::configReplaced, this, followData);
    followData();
    refreshRuns();
}

QString ChatPanel::answer(int side) const { return out_[side]->toPlainText(); }

void ChatPanel::refreshRuns() {
    const QString current = run_->currentData().toString();
    run_->clear();
    run_->addItem("(none: base model only)", QString());
    const std::string model = session_->modelDir().toStdString();
    for (const auto& r : session_->runs()) {
        if (r.lastCheckpoint.empty() || r.model != model) continue;
        run_->addItem(QString("%1 (%2 steps, %3)")
                          .arg(QString::fromStdString(r.name))
                          .arg(r.steps)
                          .arg(QString::fromStdString(r.outcome)),
                      QString::fromStdString(r.dir));
    }
    // Keep the user's pick; else the newest run, which is what one just trained.
    const int keep = run_->findData(current);
    run_->setCurrentIndex(keep > 0 ? keep : run_->count() - 1);
    send_->setEnabled(!generating_ && session_->model().valid());
}

void ChatPanel::selectRun(const QString& runDir) {
    const int i = run_->findData(runDir);
    if (i >= 0) run_->setCurrentIndex(i);
}

void ChatPanel::send() {
    if (generating_ || !session_->model().valid()) return;
    if (prompt_->text().isEmpty()) {
        message_->setText("Type a prompt first.");
        return;
    }
    ChatRequest request;
    request.model = session_->model();
    request.modelDir = session_->modelDir();
    request.prompt = prompt_->text();
    request.format = PromptFormat(format_->currentData().toInt());
    request.options.maxNewTokens = maxTokens_->value();
    request.options.temperature = temperature_->value();
    request.options.topK = topK_->value();
    request.options.topP = topP_->value();
    request.options.repetitionPenalty = repetition_->value();
    request.options.seed = uint64_t(seed_->value());
    const QString dir = run_->currentData().toString();
    for (const auto& r : session_->runs())
        if (QString::fromStdString(r.dir) == dir && !dir.isEmpty()) {
            request.checkpoint = QString::fromStdString(r.lastCheckpoint);
            request.plan = r.plan;
        }
    for (int side = 0; side < 2; ++side) {
        out_[side]->clear();
        info_[side]->setText(" ");
    }
    if (request.checkpoint.isEmpty()) info_[ChatWorker::Adapted]->setText("no adapter chosen");
    message_->clear();

    stopToken_ = std::make_shared<StopToken>();
    auto* worker = new ChatWorker(request, stopToken_);
    connect(worker, &ChatWorker::token, this, [this](int side, const QString& text) {
        out_[side]->moveCursor(QTextCursor::End);
        out_[side]->insertPlainText(text);
    });
    connect(worker, &ChatWorker::sideFinished, this, [this](int side, const QString& why, int tokens, double rate) {
        info_[side]->setText(QString("%1 tokens, ended by %2, %3 tokens/s").arg(tokens).arg(why).arg(rate, 0, 'f', 1));
    });
    connect(worker, &ChatWorker::finished, this, [this](bool ok, const QString& message) {
        setGenerating(false);
        if (!ok) message_->setText("error: " + message);
        emit answered(ok);
    });
    setGenerating(true);
    submitWorker(jobs_, stopToken_, worker);
}

void ChatPanel::stop() {
    if (stopToken_) stopToken_->requestStop();
}

void ChatPanel::setGenerating(bool on) {
    generating_ = on;
    send_->setEnabled(!on && session_->model().valid());
    stop_->setEnabled(on);
}

}  // namespace aletheia::ui
