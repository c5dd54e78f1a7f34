#include "ui/screenshot_tour.h"

#include "ui/main_window.h"
#include "ui/panels/chat_panel.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/model_panel.h"
#include "ui/panels/plan_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/update_heatmap.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>

namespace aletheia::ui {

ScreenshotTour::ScreenshotTour(MainWindow* window, QString modelDir, QString outDir, int trainSteps)
    : QObject(window), w_(window), modelDir_(std::move(modelDir)), outDir_(std::move(outDir)), trainSteps_(trainSteps) {}

void ScreenshotTour::shoot(int stage, const QString& name) {
    w_->stages()->setCurrentIndex(stage);
    for (auto* p : w_->trainPanel()->plots()) p->flush();
    w_->trainPanel()->updateHeatmap()->flush();
    for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();  // let queued replots paint
    QDir().mkpath(outDir_);
    w_->grab().save(QDir(outDir_).filePath(name + ".png"));
}

void ScreenshotTour::start() {
    if (modelDir_.isEmpty()) {  // the demo: wait until its task is tokenised
        connect(w_->session(), &StudioSession::datasetChanged, this, &ScreenshotTour::afterDataset);
        w_->openDemo();
        return;
    }
    connect(w_->session(), &StudioSession::modelChanged, this, &ScreenshotTour::afterLoad, Qt::SingleShotConnection);
    w_->modelPanel()->load(modelDir_);
}

void ScreenshotTour::afterDataset() {
    if (!w_->session()->dataset()) return;
    disconnect(w_->session(), &StudioSession::datasetChanged, this, &ScreenshotTour::afterDataset);
    afterLoad();
}

void ScreenshotTour::afterLoad() {
    QTimer::singleShot(300, this, [this] {
        shoot(0, "1-model");
        shoot(1, "2-data");
        w_->stages()->setCurrentIndex(2);
        connect(w_->probePanel(), &ProbePanel::probeFinished, this, &ScreenshotTour::afterProbe,
                Qt::SingleShotConnection);
        w_->probePanel()->run();
    });
}

void ScreenshotTour::afterProbe() {
    QTimer::singleShot(300, this, [this] {
        shoot(2, "3-probe");
        auto* policy = w_->findChild<QComboBox*>("planPolicy");
        policy->setCurrentIndex(policy->findData("threshold"));
        w_->planPanel()->slider()->setValue(45);
        if (auto* alloc = w_->findChild<QComboBox*>("planAllocation")) alloc->setCurrentIndex(alloc->findData("asymmetric"));
        QTimer::singleShot(300, this, [this] {
            shoot(3, "4-plan");
            if (trainSteps_ > 0) w_->findChild<QSpinBox*>("trainMaxSteps")->setValue(trainSteps_);
            if (!modelDir_.isEmpty())  // synthetic tokens on a fixture: a brisk rate shows a curve
                w_->findChild<QDoubleSpinBox*>("trainLr")->setValue(3e-3);
            w_->findChild<QLineEdit*>("trainOutputDir")->setText(QDir(outDir_).filePath("../runs-tour"));
            connect(w_->trainPanel(), &TrainPanel::runFinished, this, &ScreenshotTour::afterTrain,
                    Qt::SingleShotConnection);
            w_->stages()->setCurrentIndex(4);
            w_->trainPanel()->start();
        });
    });
}

void ScreenshotTour::afterTrain() {
    QTimer::singleShot(300, this, [this] {
        shoot(4, "5-train");
        connect(w_->trainPanel(), &TrainPanel::runFinished, this, &ScreenshotTour::afterBaseline,
                Qt::SingleShotConnection);
        w_->trainPanel()->startBaseline();
    });
}

void ScreenshotTour::afterBaseline() {
    // Evaluate both runs (task and forgetting sets, base and adapted), then show the table, the
    // curves and the config diff of the two.
    ComparePanel* compare = w_->comparePanel();
    connect(compare, &ComparePanel::evaluationFinished, this, &ScreenshotTour::afterEvaluation,
            Qt::SingleShotConnection);
    w_->stages()->setCurrentWidget(compare);
    compare->evaluateShownRuns();
}

void ScreenshotTour::afterEvaluation() {
    QTimer::singleShot(300, this, [this] {
        ComparePanel* compare = w_->comparePanel();
        compare->views()->setCurrentIndex(ComparePanel::EvaluationView);
        shoot(5, "6-compare");
        compare->views()->setCurrentIndex(ComparePanel::CurvesView);
        shoot(5, "6-compare-curves");
        compare->views()->setCurrentIndex(ComparePanel::DiffView);
        shoot(5, "6-compare-diff");
        compare->views()->setCurrentIndex(ComparePanel::EvaluationView);
        // Chat with the selective run's adapter (the baseline is the newest run; pick the other).
        ChatPanel* chat = w_->chatPanel();
        for (const auto& r : w_->session()->runs())
            if (!r.baseline && !r.lastCheckpoint.empty()) chat->selectRun(QString::fromStdString(r.dir));
        chat->findChild<QLineEdit*>("chatPrompt")->setText(modelDir_.isEmpty() ? "max: 6 7 1" : "The capital of France is");
        connect(chat, &ChatPanel::answered, this, &ScreenshotTour::afterChat, Qt::SingleShotConnection);
        w_->stages()->setCurrentWidget(chat);
        chat->send();
    });
}

void ScreenshotTour::afterChat() {
    QTimer::singleShot(300, this, [this] {
        shoot(6, "10-chat");
        w_->setDarkPalette(true);
        shoot(3, "7-plan-dark");
        w_->setDarkPalette(false);
        w_->resize(1366, 768);
        QTimer::singleShot(300, this, [this] {
            shoot(2, "8-probe-1366x768");
            emit done(true);
        });
    });
}

}  // namespace aletheia::ui
