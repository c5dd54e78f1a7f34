// Full runs of the `aletheia` binary on a fixture model: probe --ids against the reference
// gradient norms; probe -> plan (reusing the probe) -> train -> export with every run-directory
// output checked; Ctrl-C during training; --resume with a longer run.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <signal.h>

#include <filesystem>

#include "core/io/safetensors_reader.h"
#include "cli_test_support.h"

namespace fs = std::filesystem;

namespace {

using cli_test::readAll;
using cli_test::Result;
using cli_test::sortLines;
using cli_test::trainMetrics;
using cli_test::writeFixtureExperiment;
using cli_test::writeReferenceIds;

// The full runs train: they get more time than cli_test's default.
Result runAletheia(const QStringList& args) { return cli_test::runAletheia(args, {}, {}, 300000); }

// A uniform-LoRA run (no probe needed) of `steps` steps, checkpointing every `saveSteps`.
QByteArray trainOnlyYaml(int steps, int saveSteps) {
    return "model:\n  path: model\n  device: cpu\n"
           "data:\n  train: data/train.jsonl\n  sequence_len: 32\n"
           "plan:\n  policy: uniform\n"
           "lora:\n  lora_r: 4\n"
           "train:\n  learning_rate: 1e-3\n  micro_batch_size: 2\n  max_steps: " + QByteArray::number(steps) +
           "\n  save_steps: " + QByteArray::number(saveSteps) + "\n"
           "output:\n  dir: run\n  plots: false\n";
}

QDateTime modified(const QString& path) { return QFileInfo(path).lastModified(); }

bool isPng(const QString& path) { return readAll(path).startsWith("\x89PNG\r\n\x1a\n"); }

}  // namespace

class TstCliRun : public QObject {
    Q_OBJECT
private slots:
    // probe <model-dir> --ids: one batch, labels = ids; norms equal the HF reference's.
    void probeIdsMatchesReference() {
        const std::string dir = ALETHEIA_FIXTURES "/models/llama";
        QTemporaryDir tmp;
        writeReferenceIds(dir, tmp.filePath("ids.json"));
        const auto ref = aletheia::SafetensorsFile::open(dir + "/reference.safetensors");
        const auto r = runAletheia({"probe", QString::fromStdString(dir), "--ids", tmp.filePath("ids.json"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["rule"].toString(), QString("grad_norm"));
        QCOMPARE(j["layers"].toInt(), 3);
        QCOMPARE(j["scores"].toArray().size(), 3);
        QCOMPARE(j["scores"].toArray()[0].toArray().size(), j["modules"].toArray().size());
        const QJsonObject norms = j["weight_grad_norms"].toObject();
        int compared = 0;
        for (const auto& e : ref->entries()) {
            if (e.name.rfind("grad_norm.", 0) != 0) continue;
            const QString weight = QString::fromStdString(e.name.substr(10));
            QVERIFY2(norms.contains(weight), qPrintable(weight));
            const double want = ref->tensor(e.name).item<double>();
            QVERIFY2(std::abs(norms[weight].toDouble() - want) <= 1e-4 * std::max(1.0, want), qPrintable(weight));
            ++compared;
        }
        QCOMPARE(compared, 21);
    }

    void probePlanTrainExport() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(root, sortLines(), R"(name: fixture run
model:
  path: model
  device: cpu
data:
  train: data/train.jsonl
  sequence_len: 32
  val_set_size: 0.25
probe:
  batches: 2
  micro_batch_size: 2
plan:
  policy: top_pct
  top_pct: 50
  allocation: asymmetric
  attention_r: 4
  mlp_r: 8
train:
  learning_rate: 1e-3
  max_steps: 3
  micro_batch_size: 2
  eval_steps: 2
output:
  dir: run
  export_formats: [peft, merged]
)");
        const QString run = QString::fromStdString((root / "run").string());

        auto r = runAletheia({"probe", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject scores = QJsonDocument::fromJson(readAll(run + "/probe_scores.json")).object();
        QCOMPARE(scores["layers"].toInt(), 3);
        QCOMPARE(scores["batches"].toInt(), 2);
        const QList<QByteArray> csv = readAll(run + "/probe_scores.csv").trimmed().split('\n');
        QCOMPARE(csv[0], QByteArray("layer,module,score"));
        QCOMPARE(csv.size(), 1 + 3 * 7);
        QVERIFY(isPng(run + "/probe_heatmap.png"));
        QVERIFY(readAll(run + "/config.yaml").contains("learning_rate: 0.001"));

        // plan reuses that probe (same model, same rule) instead of probing again ...
        const QString scoresPath = run + "/probe_scores.json";
        const QDateTime probed = modified(scoresPath);
        r = runAletheia({"plan", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("probe: reusing the scores in " + scoresPath), qPrintable(r.err));
        QCOMPARE(modified(scoresPath), probed);
        // ... unless asked to, or the scores are for another rule.
        r = runAletheia({"plan", "--config", cfg, "--reprobe"});
        QVERIFY2(r.code == 0 && !r.err.contains("reusing"), qPrintable(r.err));
        QVERIFY(modified(scoresPath) > probed);
        // (asymmetric ranks do not depend on the scores: the plan checks below hold for either rule)
        r = runAletheia({"plan", "--config", cfg, "--set", "probe.score=fisher", "--set", "output.plots=false"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("not reusing " + scoresPath + ": scored with rule grad_norm, the config asks for fisher"),
                 qPrintable(r.err));
        const QByteArray plan = readAll(run + "/plan.yaml");
        QVERIFY2(plan.contains("q_proj: {r: 4") && plan.contains("down_proj: {r: 8"), plan.constData());

        r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto steps = trainMetrics(run + "/metrics.jsonl");
        QCOMPARE(steps.size(), 3);
        for (const auto& o : steps) QVERIFY(std::isfinite(o["loss"].toDouble()) && o["loss"].toDouble() > 0);
        QVERIFY(readAll(run + "/metrics.jsonl").contains("\"type\":\"eval\""));
        QVERIFY(isPng(run + "/loss.png"));
        QVERIFY(!QDir(run + "/checkpoints").entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());

        r = runAletheia({"export", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject adapter = QJsonDocument::fromJson(readAll(run + "/adapter/adapter_config.json")).object();
        QCOMPARE(adapter["peft_type"].toString(), QString("LORA"));
        const auto weights = aletheia::SafetensorsFile::open((root / "run" / "adapter" / "adapter_model.safetensors").string());
        QVERIFY(!weights->entries().empty());
        QVERIFY(fs::exists(root / "run" / "merged" / "model.safetensors"));
        QVERIFY(fs::exists(root / "run" / "merged" / "tokenizer.json"));

        // GGUF for llama.cpp / Ollama: the shorthands, every file listed on stdout (tst_gguf_export checks the contents)
        r = runAletheia({"export", "--config", cfg, "--format", "gguf,gguf-merged", "--gguf-type", "q8_0"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* f : {"gguf/adapter.gguf", "gguf/base.gguf", "gguf/Modelfile", "gguf-merged/model.gguf", "gguf-merged/Modelfile"}) {
            QVERIFY2(fs::exists(root / "run" / f), f);
            QVERIFY2(r.out.contains(f), qPrintable(r.out));
        }
        QVERIFY(readAll(run + "/gguf/adapter.gguf").startsWith("GGUF"));
        const QByteArray modelfile = readAll(run + "/gguf/Modelfile");
        QVERIFY2(modelfile.contains("FROM ./base.gguf\nADAPTER ./adapter.gguf\n") && modelfile.contains("<|im_start|>"),
                 modelfile.constData());
        r = runAletheia({"export", "--config", cfg, "--format", "gguf", "--gguf-type", "q4_k"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("gguf_type") && r.err.contains("q4_k"), qPrintable(r.err));
    }

    // The first Ctrl-C lets the current step finish, writes a checkpoint and exits 0.
    void ctrlCStopsWithCheckpoint() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(root, sortLines(), trainOnlyYaml(100000, 0));
        const QString run = QString::fromStdString((root / "run").string());
        QProcess p;
        p.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), {"train", "--config", cfg});
        QVERIFY(p.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (trainMetrics(run + "/metrics.jsonl").isEmpty() && waited.elapsed() < 60000) {
            QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
            QTest::qWait(100);
        }
        QVERIFY2(!trainMetrics(run + "/metrics.jsonl").isEmpty(), "no training step within 60 s");
        QCOMPARE(::kill(pid_t(p.processId()), SIGINT), 0);
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains("stopping after the current step") && err.contains("stopped by request"), qPrintable(err));
        const QStringList checkpoints = QDir(run + "/checkpoints").entryList({"step-*"}, QDir::Dirs);
        QCOMPARE(checkpoints.size(), 1);
        // The checkpoint is of the last step logged: nothing was lost.
        const int lastStep = trainMetrics(run + "/metrics.jsonl").last()["step"].toInt();
        QVERIFY(lastStep < 100000);
        QCOMPARE(checkpoints[0], QString("step-%1").arg(lastStep, 8, 10, QChar('0')));
    }

    // --resume with a larger max_steps continues the step count and appends to metrics.jsonl.
    void resumeContinuesFromCheckpoint() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const QString cfg = writeFixtureExperiment(root, sortLines(), trainOnlyYaml(3, 0));
        const QString run = QString::fromStdString((root / "run").string());
        auto r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QDir(run + "/checkpoints/step-00000003").exists());
        r = runAletheia({"train", "--config", cfg, "--set", "train.max_steps=5", "--resume"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("resumed from") && r.err.contains("at step 3"), qPrintable(r.err));
        QList<int> steps;
        for (const auto& o : trainMetrics(run + "/metrics.jsonl")) steps.push_back(o["step"].toInt());
        QCOMPARE(steps, (QList<int>{1, 2, 3, 4, 5}));
        QVERIFY(QDir(run + "/checkpoints/step-00000005").exists());
        QVERIFY(!QDir(run + "/checkpoints/step-00000006").exists());
    }
};

QTEST_APPLESS_MAIN(TstCliRun)
#include "tst_cli_run.moc"
