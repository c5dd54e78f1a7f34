// The whole Studio workflow on a real fixture checkpoint, through the UI: load the model,
// run the probe and check the heatmap holds the engine's scores, drag the threshold slider
// and check the plan follows, train with the GUI's event loop staying responsive, stop and
// find a checkpoint on disk.
#include <QtTest/QtTest>
#include <QSlider>
#include <QComboBox>
#include <QLabel>
#include <QRegularExpression>
#include <QSpinBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/generate/eos_ids.h"
#include "core/generate/generate.h"
#include "core/generate/prompt.h"
#include "core/plan/make_plan.h"
#include "core/text/tokenizer.h"
#include "core/train/checkpoint_adapters.h"
#include "core/probe/probe.h"
#include "ui/main_window.h"
#include "ui_test_support.h"
#include "../core/glyph_tokenizer.h"
#include "ui/panels/chat_panel.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/model_panel.h"
#include "ui/panels/plan_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/studio_session.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/score_heatmap.h"
#include "ui/workers/synthetic_tokens.h"

using namespace aletheia;
using namespace aletheia::ui;

class TstStudioFlow : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> w;
    QTemporaryDir out;
    // The llama fixture with a tokenizer.json (glyph_tokenizer.h), so that Chat can decode text.
    QTemporaryDir modelCopy;
    std::string modelDir;

    template <typename T>
    T* find(const char* name) { return findNamed<T>(w.get(), name); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a throw-away place
        torch::set_num_threads(1);                 // one core for the worker, one for the GUI (2-core CI)
        modelDir = (modelCopy.path() + "/llama").toStdString();
        std::filesystem::create_directory(modelDir);
        for (const char* f : {"config.json", "model.safetensors"})
            std::filesystem::copy_file(std::string(ALETHEIA_FIXTURES "/models/llama/") + f, modelDir + "/" + f);
        std::ofstream(modelDir + "/tokenizer.json") << glyphTokenizerJson(320).dump();
        w = std::make_unique<MainWindow>();
        w->resize(1600, 1000);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    }

    void loadsFixtureModel() {
        QSignalSpy changed(w->session(), &StudioSession::modelChanged);
        w->modelPanel()->load(QString::fromStdString(modelDir));
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 20000);
        QVERIFY(w->session()->model().valid());
        QCOMPARE(find<QLabel>("summary_family")->text(), QString("llama"));
        QCOMPARE(find<QLabel>("summary_layers")->text(), QString("3"));
        QVERIFY(find<QLabel>("summary_parameters")->text() != "—");
    }

    void rejectsAFolderWithoutConfig() {
        QSignalSpy failed(w->modelPanel(), &ModelPanel::loadFailed);
        w->modelPanel()->load(out.path());
        QCOMPARE(failed.count(), 1);
        QVERIFY(w->session()->model().valid());  // the loaded model stays
    }

    void probeFillsHeatmapWithEngineScores() {
        auto* probe = w->probePanel();
        // As a user would: the Probe stage's fields, which edit the experiment's probe.* keys.
        find<QSpinBox>("probeBatches")->setValue(3);
        find<QSpinBox>("probeMicroBatch")->setValue(2);
        find<QSpinBox>("probeSeqLen")->setValue(16);
        QCOMPARE(w->session()->config().probe.batches, 3);
        QCOMPARE(w->session()->config().probe.sequence_len, 16);
        QSignalSpy finished(probe, &ProbePanel::probeFinished);
        QSignalSpy scores(w->session(), &StudioSession::scoresChanged);
        probe->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(finished[0][0].toBool());
        QVERIFY(scores.count() >= 3);  // one update per batch, then the final one

        // The same probe run straight through the engine on the same batches (no dataset chosen:
        // synthetic tokens seeded with data.seed).
        std::vector<Batch> batches;
        const uint64_t seed = uint64_t(w->session()->config().data.seed);
        for (int i = 0; i < 3; ++i)
            batches.push_back({syntheticTokens(w->session()->model().config().vocabSize, 2, 16, seed, i), {}, {}});
        const ProbeScores ref = runProbe(w->session()->model(), batches);
        ScoreHeatmap* map = probe->heatmap();
        QCOMPARE(map->layers(), ref.numLayers());
        QCOMPARE(map->modules(), int(ref.modules.size()));
        for (int l = 0; l < ref.numLayers(); ++l)
            for (int m = 0; m < int(ref.modules.size()); ++m) {
                const double expected = ref.scores[size_t(l)][size_t(m)];
                QVERIFY2(std::abs(map->cellValue(l, m) - expected) <= 1e-6 * std::max(1.0, std::abs(expected)),
                         qPrintable(QString("cell %1,%2: %3 vs %4").arg(l).arg(m).arg(map->cellValue(l, m)).arg(expected)));
            }
        QVERIFY(find<QLabel>("probeStability")->text().contains("3 batches"));
    }

    void thresholdSliderDrivesThePlan() {
        auto* policy = find<QComboBox>("planPolicy");
        policy->setCurrentIndex(policy->findData("threshold"));
        QCOMPARE(w->session()->config().plan.policy, std::string("threshold"));
        QSlider* slider = w->planPanel()->slider();
        const ProbeScores& scores = w->session()->scores();
        size_t previous = SIZE_MAX;
        for (int v : {0, 30, 60, 90, 100}) {
            slider->setValue(v);
            const AdapterPlan& plan = w->session()->plan();
            QCOMPARE(w->session()->config().plan.threshold, v / 100.0);
            // The planner's own threshold rule, asked directly (uniform rank lora_r).
            PlanOptions expected;
            expected.selection.policy = SelectionPolicy::Threshold;
            expected.selection.threshold = v / 100.0;
            expected.ranks.rank = w->session()->config().lora.lora_r;
            const AdapterPlan ref = makePlan(scores, expected);
            QCOMPARE(plan.cells.size(), ref.cells.size());
            for (size_t i = 0; i < ref.cells.size(); ++i) {
                QCOMPARE(plan.cells[i].layer, ref.cells[i].layer);
                QCOMPARE(plan.cells[i].module, ref.cells[i].module);
            }
            QVERIFY(plan.cells.size() <= previous);  // a higher threshold never adds modules
            previous = plan.cells.size();
            // What is outlined on both heatmaps is exactly the plan.
            const auto mask = w->session()->selectionMask();
            const int outlined = int(std::count(mask.begin(), mask.end(), true));
            QCOMPARE(w->probePanel()->heatmap()->outlinedCount(), outlined);
            QCOMPARE(w->planPanel()->heatmap()->outlinedCount(), outlined);
        }
        slider->setValue(0);
        QCOMPARE(w->session()->plan().cells.size(), scores.table.modules.size());  // threshold 0: everything
        slider->setValue(100);
        QVERIFY(w->session()->plan().cells.size() < scores.table.modules.size());
        QVERIFY(!find<QLabel>("planSpeedup")->text().isEmpty());
    }

    void clickingACellTogglesIt() {
        ScoreHeatmap* map = w->planPanel()->heatmap();
        w->planPanel()->replan();
        map->replot();
        // Find a cell outside the plan, click it in, click it out again.
        int layer = -1, module = -1;
        for (int l = 0; l < map->layers() && layer < 0; ++l)
            for (int m = 0; m < map->modules(); ++m)
                if (!map->isOutlined(l, m)) { layer = l; module = m; break; }
        QVERIFY(layer >= 0);
        const size_t before = w->session()->plan().cells.size();
        QTest::mouseClick(map, Qt::LeftButton, {}, map->cellCenter(layer, module));
        QVERIFY(map->isOutlined(layer, module));
        QVERIFY(w->session()->plan().cells.size() > before);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->cellCenter(layer, module));
        QVERIFY(!map->isOutlined(layer, module));
        QCOMPARE(w->session()->plan().cells.size(), before);
    }

    void trainsResponsivelyAndCheckpointsOnStop() {
        auto* policy = find<QComboBox>("planPolicy");
        policy->setCurrentIndex(policy->findData("top_pct"));
        w->planPanel()->slider()->setValue(70);
        QVERIFY(!w->session()->plan().cells.empty());
        find<QSpinBox>("trainMaxSteps")->setValue(400);  // far more than we let it run
        find<QSpinBox>("trainBatch")->setValue(2);
        find<QSpinBox>("dataSeqLen")->setValue(16);  // one sequence length: the Data stage's
        find<QSpinBox>("trainEvalEvery")->setValue(5);
        find<QSpinBox>("trainEvalBatches")->setValue(2);
        find<QLineEdit>("trainOutputDir")->setText(out.path());
        find<QDoubleSpinBox>("trainLr")->setValue(1e-3);

        TrainPanel* train = w->trainPanel();
        QSignalSpy finished(train, &TrainPanel::runFinished);
        // Measure the GUI thread: a 10 ms timer must keep firing while the worker trains.
        QElapsedTimer clock;
        qint64 last = 0, worstGap = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            worstGap = std::max(worstGap, now - last);
            last = now;
        });
        clock.start();
        tick.start();
        train->start();
        QVERIFY(train->isRunning());
        // A run reads its settings once: while it lasts, they and the model are not editable.
        QVERIFY(!find<QDoubleSpinBox>("trainLr")->isEnabled());
        QVERIFY(!w->modelPanel()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) >= 12, 40000);
        QVERIFY(train->lossPlot()->pointCount(1) >= 1);  // an evaluation landed
        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        tick.stop();
        QVERIFY2(worstGap < 200, qPrintable(QString("GUI event loop stalled for %1 ms").arg(worstGap)));
        QVERIFY(std::isfinite(train->lossPlot()->lastValue(0)));
        // The Plan stage's prediction (calibrated from the probe's timed batches) checked by the run.
        const QString stats = find<QLabel>("trainStats")->text();
        QVERIFY2(QRegularExpression("step \\d+ ms measured \\(median of steps 2-\\d+\\), \\d+ ms predicted: "
                                    "prediction [0-9.]+% (high|low)")
                     .match(stats)
                     .hasMatch(),
                 qPrintable(stats));

        const QString ckpt = train->lastCheckpoint();
        QVERIFY2(!ckpt.isEmpty(), "stop wrote no checkpoint");
        QVERIFY(std::filesystem::exists((ckpt + "/state.json").toStdString()));
        QVERIFY(ckpt.startsWith(out.path()));
        // The run is on disk as the CLI writes one, and Compare lists it from there.
        QCOMPARE(w->session()->runs().size(), size_t(1));
        const RunSummary& run = w->session()->runs().front();
        QCOMPARE(run.outcome, std::string("stopped"));
        QVERIFY(QString::fromStdString(run.dir).startsWith(out.path() + "/run-"));
        for (const char* f : {"config.yaml", "plan.yaml", "metrics.jsonl", "train.log", "probe_scores.json"})
            QVERIFY2(std::filesystem::exists(run.dir + "/" + f), f);
        QCOMPARE(run.model, modelDir);
        QVERIFY(find<QDoubleSpinBox>("trainLr")->isEnabled());
        QVERIFY(w->modelPanel()->isEnabled());
    }

    // Resume continues the stopped run in its own directory, from the step after its checkpoint,
    // and what is on disk then reads as one run.
    void resumesTheStoppedRun() {
        const RunSummary before = w->session()->runs().front();
        QVERIFY(!before.lastCheckpoint.empty());
        TrainPanel* train = w->trainPanel();
        QSignalSpy finished(train, &TrainPanel::runFinished);
        train->resumeRun(QString::fromStdString(before.dir));
        QVERIFY(train->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) >= 3, 40000);
        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(w->session()->runs().size(), size_t(1));  // the same run, not a new one
        const RunSummary after = w->session()->runs().front();
        QCOMPARE(after.dir, before.dir);
        QVERIFY(after.steps > before.steps);
        // Steps in metrics.jsonl go on from the checkpoint: no step is counted twice.
        std::ifstream in(before.dir + "/metrics.jsonl");
        int64_t last = 0;
        for (std::string line; std::getline(in, line);) {
            const auto j = nlohmann::json::parse(line);
            if (j["type"] != "train") continue;
            const int64_t step = j["step"].get<int64_t>();
            QVERIFY2(step == last + 1, line.c_str());
            last = step;
        }
        QCOMPARE(last, after.steps);
    }

    // Chat: the stopped run's adapter is offered; the prompt is answered by the base model and by
    // the adapted one, streamed token by token, and each side's text is exactly what the engine's
    // generate() makes for the same model, adapter and greedy settings.
    void chatAnswersWithAndWithoutTheAdapter() {
        const RunSummary run = w->session()->runs().front();
        auto* chat = w->chatPanel();
        w->stages()->setCurrentWidget(chat);
        auto* runs = find<QComboBox>("chatRun");
        QCOMPARE(runs->count(), 2);  // base only + the run
        QCOMPARE(runs->currentData().toString(), QString::fromStdString(run.dir));
        auto* format = find<QComboBox>("chatFormat");
        format->setCurrentIndex(format->findData(int(PromptFormat::Plain)));
        const QString prompt = QString::fromUcs4(U"\u0105\u0110\u0131\u0107");  // glyph tokens 5, 16, 49, 7
        find<QSpinBox>("chatMaxTokens")->setValue(12);
        find<QLineEdit>("chatPrompt")->setText(prompt);
        QSignalSpy answered(chat, &ChatPanel::answered);
        find<QPushButton>("chatSend")->click();
        QVERIFY(chat->isGenerating());
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 30000);
        QVERIFY2(answered.front().front().toBool(), qPrintable(find<QLabel>("chatMessage")->text()));

        const std::string& dir = modelDir;
        const Model& model = w->session()->model();
        const Tokenizer tok = Tokenizer::fromDirectory(dir);
        GenerateOptions o;
        o.maxNewTokens = 12;
        o.eosIds = eosTokenIds(dir, model.config(), &tok);
        const auto promptTokens = promptIds(tok, prompt.toStdString(), false);
        const AdapterSet adapters = loadCheckpointAdapters(model, run.plan, run.lastCheckpoint);
        ForwardHooks hooks;
        hooks.adapters = &adapters;
        const GenerateResult base = generate(model, promptTokens, o, {}, &tok);
        const GenerateResult adapted = generate(model, promptTokens, o, hooks, &tok);
        QVERIFY(!base.tokens.empty());
        QCOMPARE(chat->answer(0), QString::fromStdString(base.text));
        QCOMPARE(chat->answer(1), QString::fromStdString(adapted.text));
        QVERIFY2(find<QLabel>("chatBaseInfo")->text().startsWith(QString("%1 tokens, ended by").arg(base.tokens.size())),
                 qPrintable(find<QLabel>("chatBaseInfo")->text()));
        QVERIFY2(find<QLabel>("chatAdaptedInfo")->text().startsWith(QString("%1 tokens, ended by").arg(adapted.tokens.size())),
                 qPrintable(find<QLabel>("chatAdaptedInfo")->text()));

        // An empty prompt is refused with a word, not sent.
        find<QLineEdit>("chatPrompt")->clear();
        find<QPushButton>("chatSend")->click();
        QVERIFY(!chat->isGenerating());
        QCOMPARE(find<QLabel>("chatMessage")->text(), QString("Type a prompt first."));
    }

    // The baseline button: uniform LoRA (rank lora_r) on every module, recorded as such in its
    // run's config.yaml, so Compare's config diff says how the two runs were planned.
    void baselineRunIsUniformAndSaysSo() {
        find<QSpinBox>("trainMaxSteps")->setValue(4);
        TrainPanel* train = w->trainPanel();
        QSignalSpy finished(train, &TrainPanel::runFinished);
        w->stages()->setCurrentWidget(w->comparePanel());
        find<QPushButton>("runBaseline")->click();
        QVERIFY(train->isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(w->session()->runs().size(), size_t(2));
        const RunSummary& base = w->session()->runs().back();
        QVERIFY(base.baseline);
        const ProbeScores& scores = w->session()->scores();
        QCOMPARE(base.plan.cells.size(), scores.table.modules.size());  // every module of every layer (dense fixture)
        for (const auto& c : base.plan.cells) QCOMPARE(c.rank, w->session()->config().lora.lora_r);
        ComparePanel* compare = w->comparePanel();
        compare->selectRuns({0, 1});
        QTableWidget* diff = compare->diffTable();
        QString policy;
        for (int r = 0; r < diff->rowCount(); ++r)
            if (diff->item(r, 0)->text() == "plan.policy") policy = diff->item(r, 1)->text() + " -> " + diff->item(r, 2)->text();
        QCOMPARE(policy, QString("top_pct -> uniform"));
        QVERIFY(compare->table()->item(0, 9)->text().endsWith("×"));
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TstStudioFlow)
#include "tst_studio_flow.moc"
