#pragma once
// Stage 7, Chat: type a prompt and read the base model's answer beside the answer with a run's
// adapter, both streamed token by token from a worker (ui/workers/chat_worker.h); greedy or
// sampled (temperature, top-k, top-p, repetition penalty, seed); any run of the loaded model that
// has a checkpoint. What `aletheia generate [--adapter]` prints, for the same settings.
#include <QWidget>
#include <memory>

#include "core/common/progress.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace aletheia::ui {

class JobThread;
class StudioSession;

class ChatPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChatPanel(StudioSession* session, QWidget* parent = nullptr);
    bool isGenerating() const { return generating_; }
    QString answer(int side) const;  // 0: base, 1: adapted (the text streamed so far)

public slots:
    void send();          // answers the prompt line with base and adapted
    void stop();
    void selectRun(const QString& runDir);  // picks that run's adapter (if listed)

signals:
    void answered(bool ok);  // both sides done (or failed, or stopped)

private:
    void refreshRuns();
    void setGenerating(bool on);

    StudioSession* session_;
    QComboBox* run_ = nullptr;
    QComboBox* format_ = nullptr;
    QSpinBox* maxTokens_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QSpinBox* topK_ = nullptr;
    QDoubleSpinBox* topP_ = nullptr;
    QDoubleSpinBox* repetition_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLineEdit* prompt_ = nullptr;
    QPushButton* send_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPlainTextEdit* out_[2] = {nullptr, nullptr};
    QLabel* info_[2] = {nullptr, nullptr};
    QLabel* message_ = nullptr;
    bool generating_ = false;
    std::shared_ptr<StopToken> stopToken_;
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui
