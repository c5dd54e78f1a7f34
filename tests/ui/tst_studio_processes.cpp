// A data-parallel run from the Studio: Processes = 2 trains through `aletheia train --nproc 2`
// on the run's config.yaml (the CLI's launcher and two Gloo ranks), while the Train stage plots
// its steps from metrics.jsonl, shows each rank's throughput, pauses every rank after the same
// step (nothing trains while paused) and stops them with a checkpoint; Compare lists the run.
#include <QtTest/QtTest>

#include <QPlainTextEdit>
#include <QSpinBox>
#include <torch/torch.h>

#include <filesystem>

#include "../core/cli_test_support.h"
#include "core/train/checkpoint.h"
#include "ui/main_window.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui_test_support.h"

using namespace aletheia;
using namespace aletheia::ui;
namespace fs = std::filesystem;

namespace {

const QByteArray kExperiment =
    "model:\n  path: model\n  device: cpu\n"
    "data:\n  train: data/train.jsonl\n  sequence_len: 32\n"
    "probe:\n  batches: 2\n  micro_batch_size: 2\n"
    "plan:\n  policy: uniform\n"
    "lora:\n  lora_r: 4\n  lora_dropout: 0\n"
    "train:\n  learning_rate: 1e-2\n  micro_batch_size: 4\n  max_steps: 100000\n  eval_steps: 0\n"
    "output:\n  dir: runs\n  plots: false\n";

}  // namespace

class TstStudioProcesses : public QObject {
    Q_OBJECT
    QTemporaryDir tmp;
    std::unique_ptr<MainWindow> w;

    template <typename T>
    T* find(const char* name) { return findNamed<T>(w.get(), name); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        torch::set_num_threads(1);
        qputenv("ALETHEIA_CLI", ALETHEIA_BUILD_DIR "/app/aletheia");
        const QString cfg = cli_test::writeFixtureExperiment(tmp.path().toStdString(), cli_test::patternLines(24), kExperiment);
        w = std::make_unique<MainWindow>();
        w->resize(1600, 1000);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(w->openExperiment(cfg));
        QVERIFY(QTest::qWaitFor([&] { return w->session()->model().valid() && w->session()->dataset(); }, 60000));
        QSignalSpy probed(w->probePanel(), &ProbePanel::probeFinished);
        w->probePanel()->run();
        QVERIFY(probed.wait(120000) && probed[0][0].toBool());
        QVERIFY(!w->session()->plan().cells.empty());
    }

    void twoProcessesPauseAndStopTogether() {
        TrainPanel* train = w->trainPanel();
        auto* log = find<QPlainTextEdit>("trainLog");
        find<QSpinBox>("trainProcesses")->setValue(2);
        w->stages()->setCurrentWidget(train);
        QSignalSpy finished(train, &TrainPanel::runFinished);
        train->start();
        QVERIFY(train->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) >= 3, 60000);
        QVERIFY2(find<QLabel>("trainStats")->text().contains("per rank: "), qPrintable(find<QLabel>("trainStats")->text()));

        train->togglePause();
        QVERIFY(train->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains("paused after step "), 30000);
        QTest::qWait(1000);  // the last step's line is in: what the plot holds now stays
        const int pausedAt = train->lossPlot()->pointCount(0);
        // docs/screenshots/5-train-2-processes.png is this moment (ALETHEIA_SCREENSHOT_DIR=docs/screenshots).
        if (qEnvironmentVariableIsSet("ALETHEIA_SCREENSHOT_DIR")) {
            for (LivePlot* p : train->plots()) p->flush();
            QVERIFY(w->grab().save(qEnvironmentVariable("ALETHEIA_SCREENSHOT_DIR") + "/5-train-2-processes.png"));
        }
        QTest::qWait(1500);
        QCOMPARE(train->lossPlot()->pointCount(0), pausedAt);
        train->togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) > pausedAt, 30000);

        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY2(!train->isRunning(), qPrintable(log->toPlainText()));
        QVERIFY2(log->toPlainText().contains("stopped by request"), qPrintable(log->toPlainText()));
        const QString ckpt = train->lastCheckpoint();
        QVERIFY2(!ckpt.isEmpty(), qPrintable(log->toPlainText()));

        // The run on disk is the CLI's: both ranks' throughput on every step, the stop's checkpoint
        // at the last step, and Compare lists it as stopped.
        QCOMPARE(w->session()->runs().size(), size_t(1));
        const RunSummary& run = w->session()->runs().front();
        QCOMPARE(run.outcome, std::string("stopped"));
        const auto steps = cli_test::trainMetrics(QString::fromStdString(run.dir) + "/metrics.jsonl");
        QVERIFY(steps.size() > pausedAt);
        for (const auto& s : steps) QCOMPARE(s["rank_tokens_per_s"].toArray().size(), 2);
        QCOMPARE(readCheckpoint(ckpt.toStdString()).step, int64_t(steps.size()));
        QCOMPARE(train->lossPlot()->pointCount(0), int(steps.size()));
    }

    // Without a dataset file the ranks would have nothing to read: refused with a word.
    void severalProcessesNeedADatasetFile() {
        w->session()->editConfig([](ExperimentConfig& c) { c.data.train.clear(); });
        find<QSpinBox>("trainProcesses")->setValue(2);
        w->trainPanel()->start();
        QVERIFY(!w->trainPanel()->isRunning());
        QVERIFY(find<QLabel>("trainStats")->text().contains("dataset file"));
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TstStudioProcesses)
#include "tst_studio_processes.moc"
