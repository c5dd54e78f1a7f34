// What the Studio's Compare stage reads from run directories (core/session): the curves of a run
// from metrics.jsonl (resumed and killed runs included), the keys in which two runs' configs
// differ, and the evaluation table of several runs' eval.json with the forgetting bound.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/config/experiment_io.h"
#include "core/session/config_diff.h"
#include "core/session/eval_table.h"
#include "core/session/run_curves.h"
#include "core/session/run_recorder.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

StepEvent step(int64_t n, double loss, double tokensPerSecond) {
    StepEvent e;
    e.step = n;
    e.total_steps = 4;
    e.loss = loss;
    e.tokens_per_s = tokensPerSecond;
    e.step_time_s = 0.1;
    return e;
}

void writeText(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

}  // namespace

class TstCompareData : public QObject {
    Q_OBJECT
private slots:
    // Resumed from step 2 (step 3 redone with another loss), then killed mid-line: step 3 reads as
    // the resumed run logged it, the cut line is gone, evaluations are kept.
    void curvesOfAResumedAndKilledRun() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        {
            RunRecorder rec(dir, false);
            const TrainObserver obs = rec.wrap({});
            obs.onStep(step(1, 3.0, 100));
            obs.onStep(step(2, 2.5, 200));
            obs.onEval(EvalEvent{2, 2.7, 14.9, 50});
            obs.onStep(step(3, 2.4, 210));
        }
        {
            RunRecorder rec(dir, true);
            const TrainObserver obs = rec.wrap({});
            obs.onStep(step(3, 2.2, 190));
            obs.onStep(step(4, 2.0, 205));
            obs.onEval(EvalEvent{4, 2.1, 8.2, 50});
        }
        std::ofstream(dir + "/metrics.jsonl", std::ios::app) << "{\"type\": \"train\", \"step\": 5, \"loss\": 1.";
        const RunCurves c = readRunCurves(dir);
        QCOMPARE(c.steps, (std::vector<double>{1, 2, 3, 4}));
        QCOMPARE(c.trainLoss, (std::vector<double>{3.0, 2.5, 2.2, 2.0}));
        QCOMPARE(c.tokensPerSecond, (std::vector<double>{100, 200, 190, 205}));
        QCOMPARE(c.evalSteps, (std::vector<double>{2, 4}));
        QCOMPARE(c.evalLoss, (std::vector<double>{2.7, 2.1}));
        QVERIFY(readRunCurves(dir + "/nothing-here").steps.empty());
    }

    // Only keys whose values differ, defaults filled in (an explicit default is no difference),
    // output.dir left out, lists compared whole, in the file's order.
    void configDiffListsOnlyWhatDiffers() {
        ExperimentConfig a, b;
        a.model.path = b.model.path = "/models/tiny";
        a.output.dir = "/runs/a";
        b.output.dir = "/runs/b";
        b.train.learning_rate = 1e-3;
        b.lora.lora_r = 64;
        b.lora.lora_target_modules = {"q_proj", "v_proj"};
        a.train.seed = 42;  // the default, written explicitly
        const auto d = diffExperiments(a, b);
        QStringList keys;
        for (const auto& x : d) keys << QString::fromStdString(x.key);
        QCOMPARE(keys, (QStringList{"lora.lora_r", "lora.lora_target_modules", "train.learning_rate"}));
        QCOMPARE(d[0].a, std::string("16"));
        QCOMPARE(d[0].b, std::string("64"));
        QCOMPARE(d[1].a, std::string("[]"));
        QCOMPARE(d[1].b, std::string("[q_proj, v_proj]"));
        QVERIFY(diffExperiments(a, a).empty());
    }

    void configDiffOfTwoRunDirectories() {
        QTemporaryDir tmp;
        ExperimentConfig a;
        a.model.path = "/models/tiny";
        ExperimentConfig b = a;
        b.train.max_steps = 30;
        const std::string da = tmp.filePath("run-a").toStdString(), db = tmp.filePath("run-b").toStdString();
        writeRunConfig(a, da);
        writeRunConfig(b, db);
        const auto d = diffRunConfigs(da, db);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].key, std::string("train.max_steps"));
        QCOMPARE(d[0].b, std::string("30"));
        try {
            diffRunConfigs(da, tmp.filePath("missing").toStdString());
            QFAIL("a run without config.yaml was diffed");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("missing/config.yaml"), e.what());
        }
    }

    // eval.json as `aletheia eval` documents it (core/eval/eval_json.h).
    void evalTableOfSeveralRuns() {
        QTemporaryDir tmp;
        const std::string sel = tmp.filePath("selective").toStdString(), uni = tmp.filePath("uniform").toStdString(),
                          none = tmp.filePath("not-evaluated").toStdString();
        writeText(sel + "/eval.json", R"({"adapter": "x", "sets": [
            {"name": "validation", "file": "t.jsonl", "examples": 4, "tokens": 40,
             "base": {"loss": 2.0, "ppl": 7.39}, "adapted": {"loss": 0.5, "ppl": 1.65}},
            {"name": "forgetting", "file": "g.jsonl", "examples": 4, "tokens": 40,
             "base": {"loss": 1.0, "ppl": 2.72}, "adapted": {"loss": 1.1, "ppl": 3.0}}],
          "multiple_choice": [{"name": "mmlu", "file": "m.jsonl", "questions": 8,
             "base": {"acc": 0.25, "acc_norm": 0.25}, "adapted": {"acc": 0.5, "acc_norm": 0.375}}]})");
        writeText(uni + "/eval.json", R"({"adapter": null, "sets": [
            {"name": "forgetting", "file": "g.jsonl", "examples": 4, "tokens": 40,
             "base": {"loss": 1.0, "ppl": 2.72}, "adapted": {"loss": 1.25, "ppl": 3.49}},
            {"name": "validation", "file": "t.jsonl", "examples": 4, "tokens": 40,
             "base": {"loss": 2.0, "ppl": 7.39}, "adapted": null}]})");
        fs::create_directories(none);
        const EvalTable t = readEvalTable({{"selective", sel}, {"uniform", uni}, {"not evaluated", none}}, 0.15);
        QCOMPARE(t.rows.size(), size_t(4));
        QCOMPARE(t.rows[0].set + "/" + t.rows[0].metric, std::string("validation/loss"));
        QCOMPARE(t.rows[1].set + "/" + t.rows[1].metric, std::string("forgetting/loss"));
        QCOMPARE(t.rows[2].metric, std::string("acc"));
        QCOMPARE(t.rows[3].metric, std::string("acc_norm"));
        QVERIFY(t.rows[1].forgetting && !t.rows[0].forgetting && t.rows[2].higherIsBetter);
        QCOMPARE(t.rows[0].runs[0].delta(), -1.5);
        QVERIFY(!t.rows[0].runs[1].present());           // base only
        QCOMPARE(t.rows[0].runs[1].base, 2.0);
        QVERIFY(!t.rows[0].runs[2].present() && std::isnan(t.rows[0].runs[2].base));  // no eval.json
        QVERIFY(!t.exceedsBound(t.rows[1], 0));          // +0.1 <= 0.15
        QVERIFY(t.exceedsBound(t.rows[1], 1));           // +0.25 > 0.15
        QVERIFY(!t.exceedsBound(t.rows[0], 0));          // not a forgetting row
        QCOMPARE(QString::fromStdString(evalTableCsv(t)),
                 QString("set,metric,run,base,adapted,delta,within_bound\n"
                         "validation,loss,selective,2,0.5,-1.5,\n"
                         "validation,loss,uniform,2,,,\n"
                         "forgetting,loss,selective,1,1.1,0.1,yes\n"
                         "forgetting,loss,uniform,1,1.25,0.25,no\n"
                         "mmlu,acc,selective,0.25,0.5,0.25,\n"
                         "mmlu,acc_norm,selective,0.25,0.375,0.125,\n"));
    }

    void malformedEvalJsonNamesFileAndKey() {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        const std::pair<const char*, const char*> cases[] = {
            {R"({"sets": [{"name": "v", "base": {"loss": 1}}, {"name": "f", "base": {"loss": 1}, "adapted": {"loss": "x"}}]})",
             "sets[1].adapted"},
            {R"({"sets": {"name": "v"}})", "sets"},
            {R"({"multiple_choice": [{"base": {"acc": 1}}]})", "multiple_choice[0]"},
            {R"([1, 2])", "expected a JSON object"},
            {R"({"sets": [)", "eval.json"}};
        for (const auto& [text, expected] : cases) {
            writeText(dir + "/eval.json", text);
            try {
                readEvalTable({{"run", dir}}, 0.15);
                QFAIL(qPrintable(QString("accepted: ") + text));
            } catch (const Error& e) {
                const QString m = e.what();
                QVERIFY2(m.contains("eval.json") && m.contains(expected), qPrintable(m));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TstCompareData)
#include "tst_compare_data.moc"
