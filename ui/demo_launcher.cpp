#include "ui/demo_launcher.h"

#include "ui/workers/job_thread.h"

#include "core/demo/demo_model.h"
#include "core/demo/skill_corpus.h"

namespace aletheia::ui {

namespace {
// One example of the task as the banner shows it: "max: 6 7 1 = 7".
std::string demoExampleText() {
    uint64_t state = 1;
    const auto e = demo::makeExample(demo::fineTuneSkill(), state);
    return e.prompt + e.response;
}
}  // namespace

DemoLauncher::DemoLauncher(QObject* parent) : QObject(parent), jobs_(new JobThread(this)) {}

DemoLauncher::~DemoLauncher() {
    // The build's job emits this object's signals: join it while the whole object still exists.
    stop();
    delete jobs_;
}

void DemoLauncher::stop() { stop_->requestStop(); }

void DemoLauncher::start() {
    if (started_) return;
    started_ = true;
    auto stop = stop_;
    // Signals emitted from the job thread reach GUI-thread receivers queued.
    jobs_->submit(stop, [this, stop] {
        try {
            demo::DemoObserver obs;
            obs.log = [this](const std::string& s) { emit message(QString::fromStdString(s)); };
            obs.onStep = [this](const StepEvent& e) {
                emit progress(static_cast<int>(e.step), static_cast<int>(e.total_steps), e.loss);
            };
            const auto files = demo::ensureDemo(demo::DemoOptions{}, obs, stop.get());
            emit ready(QString::fromStdString(files.experiment),
                       QString("Demo: a %1-layer model pretrained here on %2 synthetic skills (held-out loss %3) "
                               "learns a new one, \"%4\" (e.g. %5). Probe, adjust the plan, then train.")
                           .arg(demo::DemoOptions{}.layers)
                           .arg(demo::pretrainingSkills().size())
                           .arg(files.pretrainLoss, 0, 'f', 2)
                           .arg(QString::fromStdString(demo::fineTuneSkill()))
                           .arg(QString::fromStdString(demoExampleText())));
        } catch (const std::exception& e) {
            emit failed(QString::fromStdString(e.what()));
        }
    });
}

}  // namespace aletheia::ui
