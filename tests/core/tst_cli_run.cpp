// Full runs of the `aletheia` binary on a fixture model: probe --ids against the reference
// gradient norms, and probe -> plan -> train -> export with every run-directory output checked.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <filesystem>

#include "core/io/safetensors_reader.h"
#include "cli_test_support.h"
#include "core/text/demo_tokenizer.h"

namespace fs = std::filesystem;

namespace {

using cli_test::Result;
using cli_test::writeReferenceIds;
using cli_test::writeText;

// The full runs train: they get more time than cli_test's default.
Result runAletheia(const QStringList& args) { return cli_test::runAletheia(args, {}, {}, 300000); }

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

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
        // The llama fixture (vocab 320) with a character tokenizer small enough for it.
        fs::copy(ALETHEIA_FIXTURES "/models/llama", root / "model", fs::copy_options::recursive);
        aletheia::text::writeCharTokenizer((root / "model").string(), "abcdefghijklmnopqrstuvwxyz0123456789 .,:=");
        QByteArray jsonl;
        for (int i = 0; i < 16; ++i)
            jsonl += "{\"text\": \"sort: " + QByteArray::number(i % 7) + " 3 1 = 1 3 " + QByteArray::number(i) + "\"}\n";
        writeText(QString::fromStdString((root / "data" / "train.jsonl").string()), jsonl);
        writeText(QString::fromStdString((root / "exp.yaml").string()), R"(name: fixture run
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
        const QString cfg = QString::fromStdString((root / "exp.yaml").string());
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

        r = runAletheia({"plan", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QByteArray plan = readAll(run + "/plan.yaml");
        QVERIFY2(plan.contains("q_proj: {r: 4") && plan.contains("down_proj: {r: 8"), plan.constData());

        r = runAletheia({"train", "--config", cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        int trainLines = 0, evalLines = 0;
        for (const QByteArray& line : readAll(run + "/metrics.jsonl").trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o["type"] == "train") {
                ++trainLines;
                QVERIFY(std::isfinite(o["loss"].toDouble()) && o["loss"].toDouble() > 0);
            }
            evalLines += o["type"] == "eval";
        }
        QCOMPARE(trainLines, 3);
        QVERIFY(evalLines >= 1);
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
    }
};

QTEST_APPLESS_MAIN(TstCliRun)
#include "tst_cli_run.moc"
