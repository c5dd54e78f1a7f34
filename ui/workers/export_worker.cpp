#include "ui/workers/export_worker.h"

#include <QStringList>
#include <exception>

#include "core/io/gguf_writer.h"
#include "core/lora/gguf_export.h"
#include "core/lora/merge.h"
#include "core/lora/peft_export.h"
#include "core/model/model.h"
#include "core/train/checkpoint_adapters.h"

namespace aletheia::ui {

ExportWorker::ExportWorker(ExportRequest request) : request_(std::move(request)) {}

void ExportWorker::run() {
    try {
        const std::string base = request_.modelDir.toStdString(), out = request_.outputDir.toStdString();
        Model model = Model::load(base);
        const AdapterSet adapters = loadCheckpointAdapters(model, request_.plan, request_.checkpoint.toStdString());
        if (request_.format == ExportRequest::Format::Peft) {
            exportPeft(model, adapters, request_.plan, out, baseModelNameFor(base));
            emit finished(true, "PEFT adapter written to " + request_.outputDir +
                                    " (PeftModel.from_pretrained(base, this folder) loads it)");
        } else if (request_.format == ExportRequest::Format::Merged) {
            saveMerged(model, adapters, out, base);
            emit finished(true, "Merged checkpoint written to " + request_.outputDir);
        } else {
            const GgufType type = ggufTypeFromName(request_.ggufType.toStdString());
            QStringList written;
            for (const std::string& f : exportGgufAdapterDir(model, adapters, base, type, out))
                written << QString::fromStdString(f);
            emit finished(true, "GGUF written (" + request_.ggufType + "): " + written.join(", ") +
                                    " (llama-cli -m base.gguf --lora adapter.gguf; ollama create -f Modelfile)");
        }
    } catch (const std::exception& e) {
        emit finished(false, QString::fromStdString(e.what()));
    }
}

}  // namespace aletheia::ui
