#include "ui/workers/dataset_worker.h"

#include <exception>

#include "core/common/error.h"
#include "core/session/experiment_data.h"

namespace aletheia::ui {

DatasetWorker::DatasetWorker(DatasetRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {
    qRegisterMetaType<aletheia::ui::LoadedDataset>();
}

void DatasetWorker::run() {
    try {
        auto tok = std::make_shared<const Tokenizer>(Tokenizer::fromDirectory(request_.modelDir.toStdString()));
        // Exactly what `aletheia train` reads for this data section (core/session): the split, or the
        // validation file in its place, the same tokenisation and masking.
        ExperimentConfig cfg;
        cfg.data = request_.data;
        cfg.data.train = request_.file.toStdString();
        text::Dataset d = readExperimentData(
            cfg, *tok, [this](long done, long total, const std::string&) { emit progress(done, total); }, stop_.get());
        if (d.cancelled) {
            emit finished();
            return;
        }
        LoadedDataset out;
        out.file = request_.file;
        out.train = std::make_shared<const std::vector<text::Example>>(std::move(d.train));
        out.validation = std::make_shared<const std::vector<text::Example>>(std::move(d.validation));
        d.train.clear();
        d.validation.clear();
        out.stats = std::move(d);
        out.padId = paddingId(*tok);
        out.tokenizer = std::move(tok);
        emit loaded(out);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished();
}

}  // namespace aletheia::ui
