#include "ui/workers/dataset_worker.h"

#include <exception>

#include "core/common/error.h"
#include "core/config/dataset_options_for.h"

namespace aletheia::ui {

DatasetWorker::DatasetWorker(DatasetRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {
    qRegisterMetaType<aletheia::ui::LoadedDataset>();
}

void DatasetWorker::run() {
    try {
        auto tok = std::make_shared<const Tokenizer>(Tokenizer::fromDirectory(request_.modelDir.toStdString()));
        text::DatasetOptions options = datasetOptionsFor(request_.data);
        options.validationFraction = request_.data.val_set_size;
        text::Dataset d = loadJsonlDataset(
            request_.file.toStdString(), *tok, options,
            [this](long done, long total, const std::string&) { emit progress(done, total); }, stop_.get());
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
        out.padId = tok->padId().value_or(tok->eosId().value_or(0));
        out.tokenizer = std::move(tok);
        emit loaded(out);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished();
}

}  // namespace aletheia::ui
