// The Compare stage on real runs: two short training runs made by the CLI on the llama fixture
// (a selective-style run and a "uniform-" baseline that differ in one key), opened in the Studio
// as a user would (the experiment's output folder). Their curves are overlaid with exactly the
// values of their metrics.jsonl; the config diff names the one key that differs; Evaluate writes
// each run's eval.json with the numbers `aletheia eval` gives for the same run, and the table
// shows them with the forgetting bound judged; table and chart export to CSV, PNG and PDF.
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <qcustomplot.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "../core/cli_test_support.h"
#include "core/demo/demo_model.h"
#include "ui/main_window.h"
#include "ui/panels/compare_panel.h"
#include "ui/studio_session.h"
#include "ui_test_support.h"

using namespace aletheia;
using namespace aletheia::ui;
namespace fs = std::filesystem;

namespace {

const QByteArray kExperiment =
    "model:\n  path: model\n  device: cpu\n"
    "data:\n  train: data/train.jsonl\n  sequence_len: 32\n  val_set_size: 0.25\n  forgetting: data/known.jsonl\n"
    "plan:\n  policy: uniform\n"
    "lora:\n  lora_r: 8\n  lora_dropout: 0\n"
    "train:\n  learning_rate: 1e-2\n  lr_scheduler: constant\n  micro_batch_size: 4\n  max_steps: 8\n  eval_steps: 4\n"
    "output:\n  dir: runs\n  plots: false\n";

QJsonObject readJson(const QString& path) { return QJsonDocument::fromJson(cli_test::readAll(path)).object(); }

QJsonObject evalSet(const QJsonObject& report, const QString& name) {
    for (const auto& s : report["sets"].toArray())
        if (s.toObject()["name"].toString() == name) return s.toObject();
    return {};
}

// Per "train" (or "eval") line of a metrics.jsonl: the value of `key`.
QVector<double> metric(const QString& runDir, const QString& type, const QString& key) {
    QVector<double> out;
    for (const QByteArray& line : cli_test::readAll(runDir + "/metrics.jsonl").trimmed().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o["type"] == type) out << o[key].toDouble();
    }
    return out;
}

QVector<double> graphValues(QCPGraph* g) {
    QVector<double> v;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) v << it->value;
    return v;
}

}  // namespace

class TstStudioCompare : public QObject {
    Q_OBJECT
    QTemporaryDir tmp;
    QString runA, runB;
    QJsonObject cliEvalA;  // `aletheia eval` of run A
    std::unique_ptr<MainWindow> w;

    ComparePanel* compare() const { return w->comparePanel(); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        torch::set_num_threads(1);
        const fs::path root = tmp.path().toStdString();
        const QString cfg = cli_test::writeFixtureExperiment(root, cli_test::patternLines(24), kExperiment);
        cli_test::writeText(tmp.filePath("data/known.jsonl"), "{\"text\": \"abc cba\"}\n{\"text\": \"0 1 2 3\"}\n");
        runA = tmp.filePath("runs/run-a");
        runB = tmp.filePath("runs/uniform-b");
        auto r = cli_test::runAletheia({"train", "--config", cfg, "--set", "output.dir=" + runA}, {}, {}, 300000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli_test::runAletheia({"train", "--config", cfg, "--set", "output.dir=" + runB, "--set",
                                   "train.learning_rate=3e-3"}, {}, {}, 300000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli_test::runAletheia({"eval", "--config", runA + "/config.yaml"}, {}, {}, 300000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        cliEvalA = readJson(runA + "/eval.json");
        QVERIFY(evalSet(cliEvalA, "forgetting")["adapted"].isObject());
        QVERIFY(fs::remove((runA + "/eval.json").toStdString()));  // the Studio evaluates it again

        w = std::make_unique<MainWindow>();
        w->resize(1600, 1000);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(w->openExperiment(cfg));
        QVERIFY(QTest::qWaitFor([&] { return w->session()->model().valid(); }, 60000));
        QCOMPARE(w->session()->runs().size(), size_t(2));
        w->stages()->setCurrentWidget(compare());
    }

    // Both runs, overlaid, with their own metrics.jsonl values; the baseline's speedup column.
    void curvesOverlayTheSelectedRuns() {
        compare()->selectRuns({0, 1});
        QCustomPlot* plot = compare()->curvesPlot();
        QCOMPARE(plot->graphCount(), 2);
        QCOMPARE(plot->graph(0)->name(), QString("run-a"));
        QCOMPARE(plot->graph(1)->name(), QString("uniform-b"));
        QCOMPARE(graphValues(plot->graph(0)), metric(runA, "train", "loss"));
        QCOMPARE(graphValues(plot->graph(1)), metric(runB, "train", "loss"));
        QCOMPARE(graphValues(plot->graph(0)).size(), 8);
        compare()->setCurve(ComparePanel::EvalLoss);
        QCOMPARE(graphValues(plot->graph(0)), metric(runA, "eval", "loss"));
        QCOMPARE(graphValues(plot->graph(0)).size(), 2);  // steps 4 and 8
        compare()->setCurve(ComparePanel::Throughput);
        QCOMPARE(graphValues(plot->graph(1)), metric(runB, "train", "tokens_per_s"));
        compare()->setLogScale(true);
        QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
        compare()->setLogScale(false);
        compare()->setCurve(ComparePanel::TrainLoss);
        // One run selected: one curve.
        compare()->selectRuns({1});
        QCOMPARE(plot->graphCount(), 1);
        QCOMPARE(plot->graph(0)->name(), QString("uniform-b"));
        // Speedup only against the baseline of the same model: both rows have one.
        QVERIFY(compare()->table()->item(0, 9)->text().endsWith("×"));
    }

    void configDiffNamesTheOneKeyThatDiffers() {
        compare()->selectRuns({0, 1});
        QTableWidget* diff = compare()->diffTable();
        QCOMPARE(diff->rowCount(), 1);
        QCOMPARE(diff->item(0, 0)->text(), QString("train.learning_rate"));
        QCOMPARE(diff->item(0, 1)->text().toDouble(), 1e-2);
        QCOMPARE(diff->item(0, 2)->text().toDouble(), 3e-3);
        compare()->selectRuns({0});
        QCOMPARE(diff->rowCount(), 0);  // needs two
    }

    void evaluateFillsTheTableAsTheCliWould() {
        compare()->selectRuns({0, 1});
        QTableWidget* table = compare()->evalTable();
        QCOMPARE(table->rowCount(), 0);  // neither run has an eval.json (run A's was removed)
        QVERIFY(findNamed<QLabel>(compare(), "evalNote")->text().contains("2 shown run(s) not evaluated yet"));
        QSignalSpy done(compare(), &ComparePanel::evaluationFinished);
        findNamed<QPushButton>(compare(), "evaluateRuns")->click();
        QVERIFY(!findNamed<QPushButton>(compare(), "evaluateRuns")->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QVERIFY2(done.front().front().toBool(), qPrintable(done.front().at(1).toString()));

        // The Studio's eval.json holds the CLI's numbers for the same run.
        const QJsonObject studio = readJson(runA + "/eval.json");
        for (const QString set : {"validation", "forgetting"})
            for (const QString side : {"base", "adapted"}) {
                const double a = evalSet(studio, set)[side].toObject()["loss"].toDouble();
                const double b = evalSet(cliEvalA, set)[side].toObject()["loss"].toDouble();
                QVERIFY2(std::abs(a - b) < 1e-6, qPrintable(QString("%1 %2: studio %3, cli %4").arg(set, side).arg(a).arg(b)));
            }
        QCOMPARE(studio["adapter"].toString(), cliEvalA["adapter"].toString());

        // The table: validation, forgetting; Base, then each run's adapted value and delta.
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->columnCount(), 5);
        QCOMPARE(table->horizontalHeaderItem(3)->text(), QString("run-a (Δ)"));
        QCOMPARE(table->item(0, 0)->text(), QString("validation"));
        QCOMPARE(table->item(1, 0)->text(), QString("forgetting"));
        for (int col = 3; col < 5; ++col) {
            const QJsonObject report = readJson((col == 3 ? runA : runB) + "/eval.json");
            for (int row = 0; row < 2; ++row) {
                const QJsonObject s = evalSet(report, table->item(row, 0)->text());
                const double base = s["base"].toObject()["loss"].toDouble();
                const double adapted = s["adapted"].toObject()["loss"].toDouble();
                const double delta = adapted - base;
                QCOMPARE(table->item(row, col)->text(), QString("%1 (%2%3)")
                                                             .arg(adapted, 0, 'f', 4)
                                                             .arg(delta >= 0 ? "+" : "")
                                                             .arg(delta, 0, 'f', 4));
                if (row == 0) {
                    QVERIFY2(delta < 0, "the task loss did not fall");
                    continue;
                }
                // Forgetting: red over the demo's bound, green within.
                const bool over = delta > demo::kDemoForgettingBound;
                QCOMPARE(table->item(row, col)->background().color(), over ? QColor(244, 199, 195) : QColor(200, 230, 201));
            }
        }
    }

    void tableAndChartsExport() {
        const QString csv = tmp.filePath("out/eval.csv");
        QDir().mkpath(tmp.filePath("out"));
        QVERIFY(compare()->saveEvalCsv(csv));
        const QList<QByteArray> lines = cli_test::readAll(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);  // header + 2 sets x 2 runs
        QCOMPARE(lines[0], QByteArray("set,metric,run,base,adapted,delta,within_bound"));
        QVERIFY2(lines[1].startsWith("validation,loss,run-a,"), lines[1].constData());
        QVERIFY2(lines[3].startsWith("forgetting,loss,run-a,") &&
                     (lines[3].endsWith(",yes") || lines[3].endsWith(",no")),
                 lines[3].constData());
        for (const char* f : {"out/curves.png", "out/curves.pdf"}) {
            QVERIFY(compare()->saveCurves(tmp.filePath(f)));
            QVERIFY(QFileInfo(tmp.filePath(f)).size() > 1000);
        }
        QVERIFY(!compare()->saveCurves(tmp.filePath("out/curves.txt")));
    }

    // A damaged eval.json is named in the note, and the table stays usable for the others.
    void malformedEvalJsonIsNamed() {
        cli_test::writeText(runB + "/eval.json", "{\"sets\": [");
        compare()->selectRuns({0, 1});
        QCOMPARE(compare()->evalTable()->rowCount(), 0);
        const QString note = findNamed<QLabel>(compare(), "evalNote")->text();
        QVERIFY2(note.contains(runB + "/eval.json"), qPrintable(note));
        compare()->selectRuns({0});
        QCOMPARE(compare()->evalTable()->rowCount(), 2);
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TstStudioCompare)
#include "tst_studio_compare.moc"
