// `aletheia eval` and `aletheia bench` run as a user would, on the llama fixture: base vs
// adapter losses after a short training run (from the checkpoint and from the exported PEFT
// adapter), eval.json, config errors for data.forgetting, and bench.json.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <filesystem>

#include "cli_test_support.h"

namespace fs = std::filesystem;

namespace {

using cli_test::readAll;
using cli_test::Result;
using cli_test::writeFixtureExperiment;
using cli_test::writeText;

Result runAletheia(const QStringList& args) { return cli_test::runAletheia(args, {}, {}, 300000); }

// One short sentence in many small variants: a few high-learning-rate steps learn its pattern,
// and the held-out variants (val_set_size) follow it.
QByteArray patternLines(int n) {
    QByteArray jsonl;
    for (int i = 0; i < n; ++i)
        jsonl += "{\"text\": \"abc abc abc " + QByteArray::number(i % 3) + " abc abc abc\"}\n";
    return jsonl;
}

QByteArray experimentYaml(const QByteArray& dataExtra, const QByteArray& planSection) {
    return "model:\n  path: model\n  device: cpu\n"
           "data:\n  train: data/train.jsonl\n  sequence_len: 32\n" + dataExtra +
           "plan:\n" + planSection +
           "lora:\n  lora_r: 8\n  lora_dropout: 0\n"
           "train:\n  learning_rate: 1e-2\n  lr_scheduler: constant\n  micro_batch_size: 4\n  max_steps: 8\n"
           "output:\n  dir: run\n  plots: false\n";
}

QJsonObject readJson(const QString& path) { return QJsonDocument::fromJson(readAll(path)).object(); }

// The set named `name` of an eval.json.
QJsonObject evalSet(const QJsonObject& report, const QString& name) {
    for (const auto& s : report["sets"].toArray())
        if (s.toObject()["name"].toString() == name) return s.toObject();
    return {};
}

}  // namespace

class TstCliEval : public QObject {
    Q_OBJECT
private slots:
    void evalBaseVsAdapter() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(root, patternLines(24),
                                                   experimentYaml("  val_set_size: 0.25\n", "  policy: uniform\n"));
        writeText(tmp.filePath("other.jsonl"), "{\"text\": \"zyx wvu 987 tsr\"}\n{\"text\": \"qpo nml\"}\n");
        const QString run = tmp.filePath("run");

        // Before training there is no adapter: base model only, said on stderr.
        auto r = runAletheia({"eval", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("base model only"), qPrintable(r.err));
        QJsonObject report = readJson(run + "/eval.json");
        QVERIFY(report["adapter"].isNull());
        QVERIFY(evalSet(report, "validation")["adapted"].isNull());

        r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));

        // The newest checkpoint is the adapter; the validation set is train's 25% hold-out.
        r = runAletheia({"eval", "--config", cfg, "--data", tmp.filePath("other.jsonl")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* column : {"set", "examples", "loss tokens", "base loss", "base ppl", "adapted loss",
                                   "adapted ppl", "delta loss"})
            QVERIFY2(r.out.contains(column), qPrintable(r.out));
        QVERIFY2(r.out.contains("\nvalidation ") && r.out.contains("\nother "), qPrintable(r.out));
        report = readJson(run + "/eval.json");
        QVERIFY2(report["adapter"].toString().contains("/run/checkpoints/step-00000008"), qPrintable(report["adapter"].toString()));
        const QJsonObject val = evalSet(report, "validation");
        QCOMPARE(val["file"].toString(), QString::fromStdString((root / "data" / "train.jsonl").string()));
        QCOMPARE(val["examples"].toInt(), 6);
        QVERIFY(val["tokens"].toInt() > 6 * 20);
        QVERIFY(val["adapted"].isObject());
        const double base = val["base"].toObject()["loss"].toDouble();
        const double adapted = val["adapted"].toObject()["loss"].toDouble();
        QVERIFY(adapted > 0);
        QVERIFY2(adapted < base - 0.5, qPrintable(QString("base %1, adapted %2").arg(base).arg(adapted)));
        QCOMPARE(val["base"].toObject()["ppl"].toDouble(), std::exp(base));
        QCOMPARE(evalSet(report, "other")["examples"].toInt(), 2);

        // The exported PEFT adapter takes precedence and holds the same weights.
        r = runAletheia({"export", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runAletheia({"eval", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        report = readJson(run + "/eval.json");
        QCOMPARE(report["adapter"].toString(), run + "/adapter");
        const double exported = evalSet(report, "validation")["adapted"].toObject()["loss"].toDouble();
        QVERIFY2(std::abs(exported - adapted) < 1e-4, qPrintable(QString("%1 vs %2").arg(exported).arg(adapted)));
        QCOMPARE(evalSet(report, "validation")["base"].toObject()["loss"].toDouble(), base);

        // --adapter names the directory explicitly; a wrong one is a user error.
        r = runAletheia({"eval", "--config", cfg, "--adapter", tmp.filePath("nowhere")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("nowhere") && r.err.contains("no adapter_config.json"), qPrintable(r.err));
    }

    void evalForgettingSetAndErrors() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(root, patternLines(8),
                                                   experimentYaml("  forgetting: data/known.jsonl\n", "  policy: uniform\n"));
        // Missing: exit 1 before any model is loaded, naming the file and its YAML line (line 7).
        auto r = runAletheia({"eval", "--config", cfg});
        QCOMPARE(r.code, 1);
        const QString known = QString::fromStdString((root / "data" / "known.jsonl").string());
        QVERIFY2(r.err.contains(cfg + ":7: 'data.forgetting': file not found: " + known), qPrintable(r.err));

        // Present: evaluated as the "forgetting" set (no validation set in this experiment).
        writeText(known, "{\"text\": \"abc\"}\n{\"text\": \"abc abc\"}\n{\"text\": \"cba\"}\n");
        r = runAletheia({"eval", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = readJson(tmp.filePath("run/eval.json"));
        QCOMPARE(report["sets"].toArray().size(), 1);
        QCOMPARE(evalSet(report, "forgetting")["examples"].toInt(), 3);
        QCOMPARE(evalSet(report, "forgetting")["file"].toString(), known);

        // Nothing to evaluate at all: a user error saying what to set.
        r = runAletheia({"eval", "--config", cfg, "--set", "data.forgetting=null"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("nothing to evaluate"), qPrintable(r.err));

        // Longer sequences than the model's 128 positions are cut to fit, said on stderr and in
        // the run's config.yaml, as the Studio does when it loads the model.
        r = runAletheia({"eval", "--config", cfg, "--set", "data.sequence_len=4096"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("eval: the model has 128 positions: sequence length set to 128"), qPrintable(r.err));
        QVERIFY(readAll(tmp.filePath("run/config.yaml")).contains("sequence_len: 128"));
    }

    // data.multiple_choice and --choices: acc / acc_norm of base and adapter in eval.json, the
    // per-question log-likelihoods in eval_samples/, and acc equal to what those samples say.
    void evalMultipleChoice() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(
            root, patternLines(16), experimentYaml("  multiple_choice: data/mc.jsonl\n", "  policy: uniform\n"));
        QByteArray mc;
        for (int i = 0; i < 6; ++i)
            mc += "{\"question\": \"abc abc abc " + QByteArray::number(i % 3) +
                  "\", \"choices\": [\"abc\", \"zzz\", \"0 1\"], \"answer\": " + QByteArray::number(i % 3) + "}\n";
        writeText(tmp.filePath("data/mc.jsonl"), mc);
        writeText(tmp.filePath("more.jsonl"), "{\"question\": \"a or b\", \"choices\": [\"a\", \"b\"], \"answer\": \"B\"}\n");
        auto r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runAletheia({"eval", "--config", cfg, "--choices", tmp.filePath("more.jsonl")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("multiple choice") && r.out.contains("\nmc ") && r.out.contains("\nmore "), qPrintable(r.out));
        const QJsonObject report = readJson(tmp.filePath("run/eval.json"));
        QVERIFY(report["sets"].toArray().isEmpty());  // no loss set in this experiment
        const QJsonArray sets = report["multiple_choice"].toArray();
        QCOMPARE(sets.size(), 2);
        const QJsonObject set = sets[0].toObject();
        QCOMPARE(set["name"].toString(), QString("mc"));
        QCOMPARE(set["questions"].toInt(), 6);
        QCOMPARE(sets[1].toObject()["questions"].toInt(), 1);

        const QList<QByteArray> lines = readAll(tmp.filePath("run/eval_samples/mc.jsonl")).trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        double baseCorrect = 0, adaptedCorrect = 0, changed = 0;
        for (const QByteArray& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            const QJsonArray base = o["base"].toArray(), adapted = o["adapted"].toArray();
            QCOMPARE(base.size(), 3);
            QCOMPARE(adapted.size(), 3);
            auto best = [](const QJsonArray& a) {
                int b = 0;
                for (int i = 1; i < a.size(); ++i) if (a[i].toDouble() > a[b].toDouble()) b = i;
                return b;
            };
            baseCorrect += best(base) == o["answer"].toInt();
            adaptedCorrect += best(adapted) == o["answer"].toInt();
            for (int i = 0; i < 3; ++i) {
                QVERIFY(base[i].toDouble() < 0 && adapted[i].toDouble() < 0);
                changed = std::max(changed, std::abs(base[i].toDouble() - adapted[i].toDouble()));
            }
        }
        QCOMPARE(set["base"].toObject()["acc"].toDouble(), baseCorrect / 6);
        QCOMPARE(set["adapted"].toObject()["acc"].toDouble(), adaptedCorrect / 6);
        QCOMPARE(set["base"].toObject()["acc_norm"].toDouble(), set["base"].toObject()["acc"].toDouble());
        QVERIFY2(changed > 1e-3, "the adapter changed no log-likelihood");

        // A bad line names the file and the line, before any model is loaded.
        writeText(tmp.filePath("more.jsonl"), "{\"question\": \"a\", \"choices\": [\"a\", \"b\"], \"answer\": 5}\n");
        r = runAletheia({"eval", "--config", cfg, "--choices", tmp.filePath("more.jsonl")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(tmp.filePath("more.jsonl") + ":1: 'answer': must be an index"), qPrintable(r.err));
    }

    // data.exact_match and --answers: strict / flexible exact_match of base and adapter in eval.json,
    // each greedy response with its extracted answers in eval_samples/, the scores what they say.
    void evalExactMatch() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(
            root, patternLines(16),
            experimentYaml("  exact_match: data/gsm.jsonl\n  max_new_tokens: 12\n", "  policy: uniform\n"));
        QByteArray gsm;
        for (int i = 0; i < 6; ++i)
            gsm += "{\"question\": \"abc abc " + QByteArray::number(i) + "\", \"answer\": \"so #### " + QByteArray::number(i % 2) + "\"}\n";
        writeText(tmp.filePath("data/gsm.jsonl"), gsm);
        writeText(tmp.filePath("more.jsonl"), "{\"question\": \"1 + 1\", \"answer\": \"#### 2\"}\n");
        auto r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runAletheia({"eval", "--config", cfg, "--answers", tmp.filePath("more.jsonl")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("exact match") && r.out.contains("\ngsm ") && r.out.contains("\nmore "), qPrintable(r.out));
        const QJsonArray sets = readJson(tmp.filePath("run/eval.json"))["exact_match"].toArray();
        QCOMPARE(sets.size(), 2);
        const QJsonObject set = sets[0].toObject();
        QCOMPARE(set["questions"].toInt(), 6);
        const QList<QByteArray> lines = readAll(tmp.filePath("run/eval_samples/gsm.jsonl")).trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        for (const char* side : {"base", "adapted"}) {
            double strict = 0, flexible = 0;
            for (const QByteArray& line : lines) {
                const QJsonObject o = QJsonDocument::fromJson(line).object()[side].toObject();
                QVERIFY(o.contains("response"));
                strict += o["strict_correct"].toBool();
                flexible += o["flexible_correct"].toBool();
            }
            QCOMPARE(set[side].toObject()["strict"].toDouble(), strict / 6);
            QCOMPARE(set[side].toObject()["flexible"].toDouble(), flexible / 6);
        }
        int changed = 0;
        for (const QByteArray& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            changed += o["base"].toObject()["response"] != o["adapted"].toObject()["response"];
        }
        QVERIFY2(changed > 0, "the adapter changed no greedy answer");

        // A bad line names the file and the line, before any model is loaded.
        writeText(tmp.filePath("more.jsonl"), "{\"question\": \"a\"}\n");
        r = runAletheia({"eval", "--config", cfg, "--answers", tmp.filePath("more.jsonl")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(tmp.filePath("more.jsonl") + ":1: 'answer': missing"), qPrintable(r.err));
    }

    void benchPlanVersusUniform() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        // The plan: every module of the top layer only (backward stops there), no probe needed.
        const QString cfg = writeFixtureExperiment(root, patternLines(16),
                                                   experimentYaml("", "  policy: manual\n  include: ['2']\n"));
        const auto r = runAletheia({"bench", "--config", cfg, "--steps", "2", "--warmup", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("measured speedup") && r.out.contains("predicted speedup"), qPrintable(r.out));
        const QJsonObject j = readJson(tmp.filePath("run/bench.json"));
        QCOMPARE(j["steps"].toInt(), 2);
        QCOMPARE(j["rounds"].toInt(), 2);
        const QJsonObject plan = j["plan"].toObject(), uniform = j["uniform"].toObject();
        for (const QJsonObject& o : {plan, uniform}) {
            QVERIFY(o["median_step_s"].toDouble() > 0);
            QVERIFY(o["median_cpu_s"].toDouble() > 0);
            QCOMPARE(o["step_times_s"].toArray().size(), 2);
        }
        QCOMPARE(plan["modules"].toInt(), 7);
        QCOMPARE(uniform["modules"].toInt(), 21);
        QCOMPARE(plan["backward_depth"].toInt(), 2);
        QCOMPARE(uniform["backward_depth"].toInt(), 0);
        QVERIFY(plan["trainable_params"].toDouble() * 3 == uniform["trainable_params"].toDouble());
        QVERIFY(j["speedup"].toDouble() > 0 && std::isfinite(j["speedup"].toDouble()));
        QVERIFY(j["predicted_speedup"].toDouble() > 1.0);
        // bench planned as train would: the plan it timed is the run's plan.yaml now.
        QVERIFY(readAll(tmp.filePath("run/plan.yaml")).contains("q_proj"));

        const auto bad = runAletheia({"bench", "--config", cfg, "--steps", "0"});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("--steps needs an integer >= 1, got '0'"), qPrintable(bad.err));
    }
};

QTEST_APPLESS_MAIN(TstCliEval)
#include "tst_cli_eval.moc"
