#include "ui/demo_launcher.h"

#include <QThread>

#include "core/demo/demo_model.h"

namespace aletheia::ui {

DemoLauncher::DemoLauncher(QObject* parent) : QObject(parent) {}

DemoLauncher::~DemoLauncher() {
    stop();
    if (thread_) thread_->wait();
}

void DemoLauncher::stop() { stop_->stop = true; }

void DemoLauncher::start() {
    if (thread_) return;
    auto stop = stop_;
    // Signals emitted from the worker thread reach GUI-thread receivers queued.
    thread_ = QThread::create([this, stop] {
        try {
            demo::DemoObserver obs;
            obs.log = [this](const std::string& s) { emit message(QString::fromStdString(s)); };
            obs.onStep = [this](const StepEvent& e) {
                emit progress(static_cast<int>(e.step), static_cast<int>(e.total_steps), e.loss);
            };
            const auto files = demo::ensureDemo(demo::DemoOptions{}, obs, stop.get());
            emit ready(QString::fromStdString(files.experiment),
                       QString("Demo: a %1-layer model pretrained here on 6 synthetic skills (held-out loss %2) "
                               "learns a new one, reversing letters. Probe, adjust the plan, then train.")
                           .arg(demo::DemoOptions{}.layers)
                           .arg(files.pretrainLoss, 0, 'f', 2));
        } catch (const std::exception& e) {
            emit failed(QString::fromStdString(e.what()));
        }
    });
    thread_->setParent(this);
    thread_->start();
}

}  // namespace aletheia::ui
