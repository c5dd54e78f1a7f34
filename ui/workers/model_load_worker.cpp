#include "ui/workers/model_load_worker.h"

#include <QElapsedTimer>
#include <exception>

namespace aletheia::ui {

ModelLoadWorker::ModelLoadWorker(QString dir, LoadOptions options, std::shared_ptr<StopToken> stop)
    : dir_(std::move(dir)), options_(std::move(options)), stop_(std::move(stop)) {
    qRegisterMetaType<aletheia::Model>();
}

void ModelLoadWorker::run() {
    QElapsedTimer clock;
    clock.start();
    options_.stop = stop_.get();
    options_.progress = [this](long done, long total, const std::string& label) {
        emit progress(done, total, QString::fromStdString(label));
    };
    try {
        Model model = Model::load(dir_.toStdString(), options_);
        emit loaded(model, dir_, clock.elapsed() / 1000.0);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished();
}

}  // namespace aletheia::ui
