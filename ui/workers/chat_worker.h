#pragma once
// One Chat-stage question off the GUI thread: the prompt answered by the base model, then by the
// base + a run's checkpoint adapters (unmerged, beside the weights), each streamed token by token
// through queued signals. The same core generate() as `aletheia generate`.
#include <QObject>
#include <QString>
#include <memory>

#include "core/common/progress.h"
#include "core/generate/generate.h"
#include "core/generate/prompt.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"

namespace aletheia::ui {

struct ChatRequest {
    Model model;             // the session's model, only read
    QString modelDir;        // its tokenizer.json, generation_config.json
    QString prompt;
    PromptFormat format = PromptFormat::Plain;  // plain, chat template, or as instruction training data
    GenerateOptions options;   // sampling, max new tokens, stop strings (EOS ids filled in here)
    QString checkpoint;        // the adapted side: a run's checkpoint directory; empty: base only
    AdapterPlan plan;          // that run's plan
};

class ChatWorker : public QObject {
    Q_OBJECT
public:
    enum Side { Base = 0, Adapted = 1 };
    ChatWorker(ChatRequest request, std::shared_ptr<StopToken> stop);
public slots:
    void run();
signals:
    void token(int side, const QString& text);
    // One side ended: why ("eos", "max_new_tokens", ...), its tokens and tokens/s.
    void sideFinished(int side, const QString& reason, int tokens, double tokensPerSecond);
    void finished(bool ok, const QString& message);

private:
    ChatRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui
