// What a week-long unattended run can meet, done to the real `aletheia` binary on the llama
// fixture: kill -9 during a step and while a checkpoint is half written, then --resume; a full
// disk; a NaN loss; a read-only output folder; two trainers on one run directory; kill -9 in the
// middle of an export over an existing adapter. The kill windows inside a checkpoint or an export
// are held open with ALETHEIA_TEST_PAUSE_AT (core/common/test_pause.h). The disk faults use a
// tmpfs in a private mount namespace (unshare -rm), skipped where that is not allowed.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "cli_test_support.h"
#include "core/io/safetensors_reader.h"
#include "core/train/checkpoint.h"

namespace fs = std::filesystem;
using cli_test::readAll;
using cli_test::Result;
using cli_test::sortLines;
using cli_test::trainMetrics;
using cli_test::writeFixtureExperiment;

namespace {

const QString kAletheia = QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia");

// Uniform LoRA with dropout (so the resumed RNG matters), a checkpoint every `saveSteps`.
QByteArray yaml(int steps, int saveSteps) {
    return "model:\n  path: model\n  device: cpu\n"
           "data:\n  train: data/train.jsonl\n  sequence_len: 32\n"
           "plan:\n  policy: uniform\n"
           "lora:\n  lora_r: 4\n  lora_dropout: 0.1\n"
           "train:\n  learning_rate: 1e-3\n  micro_batch_size: 2\n  max_steps: " + QByteArray::number(steps) +
           "\n  save_steps: " + QByteArray::number(saveSteps) + "\n"
           "output:\n  dir: run\n  plots: false\n";
}

struct Run {
    QTemporaryDir tmp;
    fs::path root = tmp.path().toStdString();
    QString cfg, dir = QString::fromStdString((root / "run").string());
    explicit Run(int steps, int saveSteps) { cfg = writeFixtureExperiment(root, sortLines(), yaml(steps, saveSteps)); }
    QString path(const QString& rel) const { return dir + "/" + rel; }
};

Result run(const QStringList& args, const QStringList& env = {}, const QString& program = kAletheia) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const auto& kv : env) e.insert(kv.section('=', 0, 0), kv.section('=', 1));
    p.setProcessEnvironment(e);
    p.start(program, args);
    if (!p.waitForStarted() || !p.waitForFinished(600000)) return {-1, {}, "did not run: " + program};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Step -> loss, the last line of each step winning (a resumed run logs again the steps it redoes).
QMap<int, double> losses(const QString& metrics) {
    QMap<int, double> out;
    for (const auto& o : trainMetrics(metrics)) out[o["step"].toInt()] = o["loss"].toDouble();
    return out;
}

// Every step-* folder under <run>/checkpoints is complete and readable, never a half checkpoint.
void checkCheckpointsWhole(const Run& r) {
    for (const auto& e : fs::directory_iterator(r.path("checkpoints").toStdString())) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp") != std::string::npos) continue;  // a killed writer's temporary: never picked
        QVERIFY2(fs::exists(e.path() / "state.json") && fs::exists(e.path() / "tensors.safetensors"), name.c_str());
        (void)aletheia::readCheckpoint(e.path().string());
    }
}

// The losses of an uninterrupted run of `steps` steps (computed once per step count).
const QMap<int, double>& reference(int steps) {
    static std::map<int, QMap<int, double>> cache;
    if (!cache.count(steps)) {
        Run r(steps, 0);
        const Result res = run({"train", "--config", r.cfg});
        if (res.code != 0) qFatal("reference run failed: %s", qPrintable(res.err));
        cache[steps] = losses(r.path("metrics.jsonl"));
    }
    return cache[steps];
}

void compareWithReference(const QMap<int, double>& got, int steps) {
    const auto& want = reference(steps);
    QCOMPARE(got.keys(), want.keys());
    for (int s : want.keys()) QVERIFY2(got[s] == want[s], qPrintable(QString("step %1: %2 vs %3").arg(s).arg(got[s], 0, 'g', 17).arg(want[s], 0, 'g', 17)));
}

// Waits until `pred` or the process ends (60 s at most).
template <class P>
bool waitFor(QProcess& p, P pred) {
    p.waitForStarted();
    QElapsedTimer t;
    t.start();
    while (!pred() && p.state() == QProcess::Running && t.elapsed() < 60000) {
        p.waitForReadyRead(20);
        QTest::qWait(5);
    }
    return pred();
}

bool canUnshare() { return run({"-rm", "true"}, {}, "unshare").code == 0; }

}  // namespace

class TstFaults : public QObject {
    Q_OBJECT
private slots:
    // kill -9 between checkpoints: --resume starts from the last complete one, metrics.jsonl keeps
    // every complete line, and the resumed losses are the uninterrupted run's, bit for bit.
    void killDuringStepThenResume() {
        const int steps = 120;
        Run r(steps, 7);
        QProcess p;
        p.start(kAletheia, {"train", "--config", r.cfg});
        QVERIFY(waitFor(p, [&] { return trainMetrics(r.path("metrics.jsonl")).size() >= 10; }));
        QVERIFY2(p.state() == QProcess::Running, "the run ended before it could be killed");
        QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);
        QVERIFY(p.waitForFinished(10000));
        const QByteArray before = readAll(r.path("metrics.jsonl"));
        const int lastLogged = trainMetrics(r.path("metrics.jsonl")).last()["step"].toInt();
        QVERIFY(lastLogged < steps);
        checkCheckpointsWhole(r);
        const QString latest = QString::fromStdString(aletheia::latestCheckpoint(r.path("checkpoints").toStdString()));
        const int resumedAt = latest.section("step-", -1).toInt();
        QVERIFY2(resumedAt >= 7 && resumedAt % 7 == 0 && resumedAt <= lastLogged, qPrintable(latest));

        const Result res = run({"train", "--config", r.cfg, "--resume"});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        QVERIFY2(res.err.contains(QString("at step %1").arg(resumedAt)), qPrintable(res.err));
        const QByteArray after = readAll(r.path("metrics.jsonl"));
        const int complete = before.lastIndexOf('\n') + 1;  // a line cut by the kill is dropped, no other
        QVERIFY(after.startsWith(before.left(complete)));
        for (const QByteArray& line : after.trimmed().split('\n'))
            QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
        compareWithReference(losses(r.path("metrics.jsonl")), steps);
        checkCheckpointsWhole(r);
    }

    // kill -9 with the step-4 checkpoint half written (tensors on disk, state.json not yet):
    // it is never picked, --resume continues from step 2, and the next write of step 4 clears it.
    void killWhileWritingCheckpoint() {
        Run r(6, 2);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALETHEIA_TEST_PAUSE_AT", "checkpoint:2");
        p.setProcessEnvironment(env);
        QByteArray err;
        p.start(kAletheia, {"train", "--config", r.cfg});
        QVERIFY(waitFor(p, [&] { return (err += p.readAllStandardError()).contains("paused at checkpoint"); }));
        QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);
        QVERIFY(p.waitForFinished(10000));
        const QStringList tmps = QDir(r.path("checkpoints")).entryList({"step-00000004.tmp*"}, QDir::Dirs);
        QCOMPARE(tmps.size(), 1);
        QVERIFY(QFile::exists(r.path("checkpoints/" + tmps[0] + "/tensors.safetensors")));
        QVERIFY(!QFile::exists(r.path("checkpoints/" + tmps[0] + "/state.json")));
        QVERIFY(!QDir(r.path("checkpoints/step-00000004")).exists());
        checkCheckpointsWhole(r);

        const Result res = run({"train", "--config", r.cfg, "--resume"});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        QVERIFY2(res.err.contains("at step 2"), qPrintable(res.err));
        compareWithReference(losses(r.path("metrics.jsonl")), 6);
        QCOMPARE(QDir(r.path("checkpoints")).entryList({"*.tmp*"}, QDir::Dirs).size(), 0);
        checkCheckpointsWhole(r);
    }

    // No space left while writing the step-3 checkpoint: a message naming it, exit status != 0,
    // the step-2 checkpoint intact. The run lives on a tmpfs filled up after step 2.
    void fullDiskKeepsEarlierCheckpoints() {
        if (!canUnshare()) QSKIP("unshare -rm (a private tmpfs) is not allowed here");
        Run r(4, 1);
        const QString disk = QString::fromStdString((r.root / "disk").string()), out = r.dir;
        QDir().mkpath(disk);
        const QString script =
            "set -e; mount -t tmpfs -o size=4m none \"$1\"; cd \"$(dirname \"$2\")\"\n"
            "\"$3\" train --config \"$2\" --set output.dir=\"$1/run\" --set train.max_steps=2 2>\"$1/../first.err\"\n"
            "ckpt=$(du -sb \"$1/run/checkpoints/step-00000002\" | cut -f1)\n"
            "free=$(df --output=avail -B1 \"$1\" | tail -1)\n"
            "head -c $((free - ckpt / 2)) /dev/zero > \"$1/fill\" || true\n"
            "set +e; \"$3\" train --config \"$2\" --set output.dir=\"$1/run\" --resume; rc=$?\n"
            "rm -f \"$1/fill\"; cp -a \"$1/run\" \"$4\"; exit $rc\n";
        const Result res = run({"-rm", "sh", "-c", script, "sh", disk, r.cfg, kAletheia, out}, {}, "unshare");
        QVERIFY2(res.code != 0 && res.code != -2, qPrintable(res.err));
        QVERIFY2(res.err.contains("step-00000003") && (res.err.contains("No space left") || res.err.contains("disk full")),
                 qPrintable(res.err));
        QVERIFY2(res.err.contains("the earlier ones are kept"), qPrintable(res.err));
        QVERIFY(!QDir(r.path("checkpoints/step-00000003")).exists());
        const auto kept = aletheia::readCheckpoint(r.path("checkpoints/step-00000002").toStdString());
        QCOMPARE(kept.step, int64_t(2));
        QCOMPARE(QDir(r.path("checkpoints")).entryList({"*.tmp*"}, QDir::Dirs).size(), 0);
    }

    // A NaN in the model makes step 3's loss NaN: the run stops (exit 2) naming the step and the
    // last good checkpoint (step 2), which stays and is the newest.
    void nanLossKeepsLastGoodCheckpoint() {
        Run r(5, 1);
        Result res = run({"train", "--config", r.cfg, "--set", "train.max_steps=2"});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        const std::string weights = (r.root / "model" / "model.safetensors").string();
        const auto f = aletheia::SafetensorsFile::open(weights);
        const auto& e = f->entry("model.norm.weight");
        const uint64_t at = f->dataOffset() + e.begin;
        std::vector<float> nan(e.bytes() / sizeof(float), std::nanf(""));
        {
            std::fstream io(weights, std::ios::in | std::ios::out | std::ios::binary);
            io.seekp(std::streamoff(at));
            io.write(reinterpret_cast<const char*>(nan.data()), std::streamsize(e.bytes()));
        }
        res = run({"train", "--config", r.cfg, "--resume"});
        QCOMPARE(res.code, 2);
        QVERIFY2(res.err.contains("became NaN/Inf at step 3") && res.err.contains("Last good checkpoint: ") &&
                     res.err.contains("step-00000002"),
                 qPrintable(res.err));
        QCOMPARE(QString::fromStdString(aletheia::latestCheckpoint(r.path("checkpoints").toStdString())),
                 r.path("checkpoints/step-00000002"));
        QVERIFY(readAll(r.path("metrics.jsonl")).contains("\"outcome\":\"non-finite loss\""));
    }

    // A read-only output folder (a read-only mount: root ignores file modes): a clear message
    // naming the folder, no crash.
    void readOnlyOutputDir() {
        if (!canUnshare()) QSKIP("unshare -rm (a read-only mount) is not allowed here");
        Run r(2, 1);
        const QString ro = QString::fromStdString((r.root / "ro").string());
        QDir().mkpath(ro);
        const QString script = "mount -t tmpfs -o ro none \"$1\" && exec \"$3\" train --config \"$2\" --set output.dir=\"$1/run\"";
        const Result res = run({"-rm", "sh", "-c", script, "sh", ro, r.cfg, kAletheia}, {}, "unshare");
        QCOMPARE(res.code, 1);
        QVERIFY2(res.err.contains(ro + "/run") && res.err.contains("Read-only file system"), qPrintable(res.err));
    }

    // A second `train` on a run directory in use is refused at once, before it rewrites
    // config.yaml, naming the lock file; the first goes on.
    void secondTrainOnOneRunDirIsRefused() {
        Run r(100000, 0);
        QProcess first;
        first.start(kAletheia, {"train", "--config", r.cfg});
        QVERIFY(waitFor(first, [&] { return !trainMetrics(r.path("metrics.jsonl")).isEmpty(); }));
        const QByteArray config = readAll(r.path("config.yaml"));
        const Result second = run({"train", "--config", r.cfg, "--set", "train.learning_rate=2e-3"});
        QCOMPARE(second.code, 1);
        QVERIFY2(second.err.contains(r.path(".lock")) && second.err.contains("another `aletheia train`"), qPrintable(second.err));
        QCOMPARE(readAll(r.path("config.yaml")), config);
        QCOMPARE(first.state(), QProcess::Running);
        QCOMPARE(::kill(pid_t(first.processId()), SIGINT), 0);
        QVERIFY(first.waitForFinished(60000));
        QCOMPARE(first.exitCode(), 0);
        // The lock died with its holder: the directory is usable again.
        const Result again = run({"train", "--config", r.cfg, "--resume", "--set", "train.max_steps=1"});
        QVERIFY2(!again.err.contains(".lock"), qPrintable(again.err));
    }

    // kill -9 in the middle of an export over an existing adapter: the old adapter is still
    // there, byte for byte; the next export replaces it whole and leaves no temporary.
    void exportOverExistingAdapterIsAtomic() {
        Run r(4, 2);
        Result res = run({"train", "--config", r.cfg, "--set", "train.max_steps=2"});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        res = run({"export", "--config", r.cfg});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        const QByteArray oldWeights = readAll(r.path("adapter/adapter_model.safetensors"));
        const QByteArray oldConfig = readAll(r.path("adapter/adapter_config.json"));
        QVERIFY(!oldWeights.isEmpty() && !oldConfig.isEmpty());
        res = run({"train", "--config", r.cfg, "--resume"});
        QVERIFY2(res.code == 0, qPrintable(res.err));

        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALETHEIA_TEST_PAUSE_AT", "export");
        p.setProcessEnvironment(env);
        QByteArray err;
        p.start(kAletheia, {"export", "--config", r.cfg});
        QVERIFY(waitFor(p, [&] { return (err += p.readAllStandardError()).contains("paused at export"); }));
        QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(readAll(r.path("adapter/adapter_model.safetensors")), oldWeights);
        QCOMPARE(readAll(r.path("adapter/adapter_config.json")), oldConfig);

        res = run({"export", "--config", r.cfg});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        QVERIFY(readAll(r.path("adapter/adapter_model.safetensors")) != oldWeights);  // step 4's adapter
        QCOMPARE(QDir(r.dir).entryList({"adapter.tmp*"}, QDir::Dirs).size(), 0);
    }
};

QTEST_APPLESS_MAIN(TstFaults)
#include "tst_faults.moc"
