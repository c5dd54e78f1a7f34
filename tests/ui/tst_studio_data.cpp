// The Studio on real data: a (tiny) demo checkpoint with its tokenizer.json and a JSONL task,
// opened as an experiment YAML. The Data stage tokenises the file with the model's tokenizer;
// the probe's heatmap equals the engine's scores on the same dataset batches; a short run on
// the dataset lowers the validation loss; the run exports as a PEFT adapter that loads back, and
// as GGUF for llama.cpp / Ollama.
#include <QtTest/QtTest>
#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTextBrowser>
#include <cmath>
#include <filesystem>
#include <torch/torch.h>

#include "core/demo/demo_data.h"
#include "core/demo/demo_model.h"
#include "core/demo/skill_corpus.h"
#include "core/lora/peft_import.h"
#include "core/probe/probe.h"
#include "core/session/experiment_data.h"
#include "core/eval/evaluate_sets.h"
#include "ui/main_window.h"
#include "ui_test_support.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/data_panel.h"
#include "ui/panels/plan_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/score_heatmap.h"

using namespace aletheia;
using namespace aletheia::ui;

class TstStudioData : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> w;
    QTemporaryDir dir;
    demo::DemoFiles demoFiles;

    template <typename T>
    T* find(const char* name) { return findNamed<T>(w.get(), name); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        torch::set_num_threads(1);
        demo::DemoOptions o;  // a tiny demo: a real checkpoint + tokenizer + task in seconds
        o.cacheDir = dir.path().toStdString();
        o.layers = 2;
        o.hidden = 32;
        o.pretrainSteps = 200;  // a few seconds; enough for LoRA to have something to build on
        demoFiles = demo::ensureDemo(o);
        w = std::make_unique<MainWindow>();
        w->resize(1366, 768);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    }

    void experimentLoadsModelAndTokenisesData() {
        QVERIFY(w->openExperiment(QString::fromStdString(demoFiles.experiment)));
        QTRY_VERIFY_WITH_TIMEOUT(w->session()->dataset() != nullptr, 30000);
        const LoadedDataset& d = *w->session()->dataset();
        QCOMPARE(d.file, QString::fromStdString(demoFiles.trainData));
        // demo.yaml trains on the task mixed with replay, and holds out task examples of its own file.
        QCOMPARE(int(d.train->size()), demo::kTaskTrainExamples * (1 + demo::kReplayPerTask));
        QCOMPARE(int(d.validation->size()), demo::kTaskExamples - demo::kTaskTrainExamples);
        QVERIFY(find<QLabel>("dataCounts")->text().contains(QString::number(d.train->size()) + " training"));
        QCOMPARE(find<QLabel>("dataFormat")->text(), QString("instruction"));
        // The preview is decoded tokens: the demo's instruction text with its masked prompt.
        const QString preview = find<QTextBrowser>("dataPreview")->toPlainText();
        QVERIFY2(preview.contains(QString::fromStdString(demo::fineTuneSkill() + ":")), qPrintable(preview.left(300)));
    }

    void probeUsesTheDataset() {
        auto* probe = w->probePanel();
        find<QSpinBox>("probeBatches")->setValue(2);
        find<QSpinBox>("probeMicroBatch")->setValue(4);
        QSignalSpy finished(probe, &ProbePanel::probeFinished);
        probe->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(finished[0][0].toBool());
        // The engine on the batches `aletheia probe` takes for this experiment (core/session).
        const LoadedDataset& d = *w->session()->dataset();
        const ProbeScores ref = runProbe(w->session()->model(),
                                         probeBatches(w->session()->config(), *d.train, d.padId, torch::kCPU));
        ScoreHeatmap* map = probe->heatmap();
        QCOMPARE(map->layers(), ref.numLayers());
        for (int l = 0; l < ref.numLayers(); ++l)
            for (int m = 0; m < int(ref.modules.size()); ++m) {
                const double expected = ref.scores[size_t(l)][size_t(m)];
                QVERIFY2(std::abs(map->cellValue(l, m) - expected) <= 1e-6 * std::max(1.0, std::abs(expected)),
                         qPrintable(QString("cell %1,%2: %3 vs %4").arg(l).arg(m).arg(map->cellValue(l, m)).arg(expected)));
            }
    }

    void trainingOnTheDatasetLowersValidationLoss() {
        w->planPanel()->slider()->setValue(100);  // both layers
        QVERIFY(!w->session()->plan().cells.empty());
        find<QSpinBox>("trainMaxSteps")->setValue(60);
        find<QSpinBox>("trainBatch")->setValue(16);
        find<QSpinBox>("trainEvalEvery")->setValue(30);
        find<QSpinBox>("trainEvalBatches")->setValue(0);
        find<QDoubleSpinBox>("trainLr")->setValue(1e-2);
        find<QLineEdit>("trainOutputDir")->setText(dir.filePath("runs"));
        TrainPanel* train = w->trainPanel();
        QSignalSpy finished(train, &TrainPanel::runFinished);
        train->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY2(finished[0][0].toBool(), qPrintable(find<QPlainTextEdit>("trainLog")->toPlainText()));
        LivePlot* loss = train->lossPlot();
        QVERIFY(loss->pointCount(1) >= 2);  // evaluations on the held-out task examples
        // The held-out task loss ends well below the untrained model's on the same examples.
        const LoadedDataset& d = *w->session()->dataset();
        const double before =
            evaluateSets(w->session()->model(), {{"task", "", *d.validation}}, {}, {}).sets.front().base.loss;
        QVERIFY2(loss->lastValue(1) < before - 0.3,
                 qPrintable(QString("held-out task loss %1 before, eval loss %2 -> %3")
                                .arg(before).arg(loss->firstValue(1)).arg(loss->lastValue(1))));
        QCOMPARE(w->session()->runs().size(), size_t(1));
    }

    void exportsAPeftAdapterThatLoadsBack() {
        ComparePanel* compare = w->comparePanel();
        QCOMPARE(compare->exportRunIndex(), 0);
        QSignalSpy done(compare, &ComparePanel::exportFinished);
        const QString out = dir.filePath("exported-adapter");
        compare->exportRun(0, ExportRequest::Format::Peft, out);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY2(done[0][0].toBool(), qPrintable(done[0][1].toString()));
        QVERIFY(QFile::exists(out + "/adapter_config.json"));
        QVERIFY(QFile::exists(out + "/adapter_model.safetensors"));
        Model fresh = Model::load(demoFiles.modelDir);
        const AdapterPlan loaded = planOfAdapters(importPeft(fresh, out.toStdString()));
        QCOMPARE(loaded.cells.size(), w->session()->runs().front().plan.cells.size());
    }

    void exportsGgufForLlamaCppAndOllama() {
        ComparePanel* compare = w->comparePanel();
        find<QComboBox>("ggufType")->setCurrentText("q8_0");
        QSignalSpy done(compare, &ComparePanel::exportFinished);
        const QString out = dir.filePath("exported-gguf");
        compare->exportRun(0, ExportRequest::Format::Gguf, out);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY2(done[0][0].toBool(), qPrintable(done[0][1].toString()));
        QFile adapter(out + "/adapter.gguf");
        QVERIFY(adapter.open(QIODevice::ReadOnly));
        const QByteArray bytes = adapter.readAll();
        // The LoRA GGUF llama.cpp loads (tst_gguf_export and the reference leg check its tensors).
        QVERIFY(bytes.startsWith("GGUF"));
        QVERIFY(bytes.contains("adapter.lora.alpha") && bytes.contains(".weight.lora_a"));
        QFile modelfile(out + "/Modelfile");
        QVERIFY(modelfile.open(QIODevice::ReadOnly));
        QVERIFY(modelfile.readAll().contains("ADAPTER ./adapter.gguf"));
        QVERIFY2(done[0][1].toString().contains("q8_0"), qPrintable(done[0][1].toString()));
    }

    void badLinesAreReportedWithFileAndLine() {
        const QString bad = dir.filePath("bad.jsonl");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"instruction\": \"copy: ab\", \"output\": \"ab\"}\n{not json\n{\"instruction\": \"copy: cd\", \"output\": \"cd\"}\n");
        f.close();
        w->dataPanel()->openFile(bad);
        QTRY_VERIFY_WITH_TIMEOUT(w->session()->dataset() != nullptr, 30000);
        const QString problems = find<QLabel>("dataProblems")->text();
        QVERIFY2(problems.contains("bad.jsonl:2"), qPrintable(problems));
        QCOMPARE(int(w->session()->dataset()->train->size()), 2);  // (demo.yaml's validation file stays)
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TstStudioData)
#include "tst_studio_data.moc"
