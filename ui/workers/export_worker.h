#pragma once
// Exports one finished run off the GUI thread: a fresh copy of the base checkpoint gets the
// run's checkpoint adapters, then is written as a PEFT adapter, a merged checkpoint or GGUF for
// llama.cpp / Ollama (what `aletheia export` writes for the same format). The session's model is
// never touched (merging would change its weights).
#include <QObject>
#include <QString>

#include "core/plan/adapter_plan.h"

namespace aletheia::ui {

struct ExportRequest {
    enum class Format { Peft, Merged, Gguf };
    Format format = Format::Peft;
    QString ggufType = "f16";  // Gguf: f32, f16, bf16 or q8_0 (output.gguf_type)
    QString modelDir;     // the base checkpoint the run trained on
    QString checkpoint;   // the run's checkpoint directory (its LoRA tensors)
    AdapterPlan plan;     // the run's plan: which modules carry adapters, with which ranks
    QString outputDir;
};

class ExportWorker : public QObject {
    Q_OBJECT
public:
    explicit ExportWorker(ExportRequest request);

public slots:
    void run();

signals:
    void finished(bool ok, const QString& message);

private:
    ExportRequest request_;
};

}  // namespace aletheia::ui
