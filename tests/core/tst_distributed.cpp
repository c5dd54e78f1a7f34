// Data parallelism on libtorch's c10d (Gloo over loopback), through the built `aletheia` binary:
// N ranks with the same global batch train exactly as 1 process (losses and adapters to 1e-5);
// a rank killed mid-run ends the others with a message, no hang, and leaves a checkpoint that a
// 1-process run resumes to the same result; ranks with different configs or world sizes are
// refused; a pause and a stop sent to the launcher reach every rank, and a killed launcher stops
// them with a checkpoint; a 2-rank probe equals the 1-process probe.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "cli_test_support.h"
#include "core/io/safetensors_reader.h"
#include "core/train/checkpoint.h"

namespace fs = std::filesystem;

namespace {

using cli_test::readAll;
using cli_test::Result;
using cli_test::sortLines;
using cli_test::trainMetrics;
using cli_test::writeFixtureExperiment;

// Runs the binary with extra environment variables; Result::code -2 for a crash or timeout.
Result runWithEnv(const QStringList& args, const QStringList& env = {}, int timeoutMs = 180000) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert("ALETHEIA_DIST_TIMEOUT", "20");  // any hang would end here, well inside the test's bound
    for (const QString& kv : env) e.insert(kv.section('=', 0, 0), kv.section('=', 1));
    p.setProcessEnvironment(e);
    p.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), args);
    if (!p.waitForStarted()) return {-1, {}, "could not start aletheia"};
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, {}, "timed out"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Global batch: 4 rows per step (2 + 2 on two ranks, 1 + 1 + 2 on three). No dropout: the run is
// deterministic, so N ranks must reproduce the 1-process numbers.
QByteArray yaml(int steps) {
    return "model:\n  path: model\n  device: cpu\n"
           "data:\n  train: data/train.jsonl\n  sequence_len: 32\n"
           "probe:\n  batches: 3\n  micro_batch_size: 2\n"
           "plan:\n  policy: uniform\n"
           "lora:\n  lora_r: 4\n  lora_dropout: 0\n"
           "train:\n  learning_rate: 1e-2\n  micro_batch_size: 4\n  max_steps: " + QByteArray::number(steps) +
           "\n  save_steps: 2\n  max_grad_norm: 0.5\n"
           "output:\n  dir: run\n  plots: false\n";
}

struct Run {
    QString cfg, dir;
};

Run makeRun(const QTemporaryDir& tmp, const QString& name, int steps = 4) {
    const fs::path root = fs::path(tmp.path().toStdString()) / name.toStdString();
    fs::create_directories(root);
    return {writeFixtureExperiment(root, sortLines(24), yaml(steps)), QString::fromStdString((root / "run").string())};
}

// Loss per step; a resumed run appends the steps it redoes, and the later line counts.
QList<double> losses(const QString& dir) {
    std::map<int, double> byStep;
    for (const QJsonObject& o : trainMetrics(dir + "/metrics.jsonl")) byStep[o["step"].toInt()] = o["loss"].toDouble();
    QList<double> out;
    for (const auto& [step, loss] : byStep) out.push_back(loss);
    return out;
}

// The outcome of a run's end line; empty while it has none.
QString endOutcome(const QString& dir) {
    QString outcome;
    for (const QByteArray& line : readAll(dir + "/metrics.jsonl").split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o["type"] == "end") outcome = o["outcome"].toString();
    }
    return outcome;
}

// The adapters of the newest checkpoint, by name.
std::map<std::string, torch::Tensor> finalParams(const QString& dir) {
    const std::string ckpt = aletheia::latestCheckpoint(dir.toStdString() + "/checkpoints");
    std::map<std::string, torch::Tensor> out;
    if (ckpt.empty()) return out;
    for (const auto& [name, t] : aletheia::readCheckpoint(ckpt).params) out[name] = t;
    return out;
}

void compareRuns(const QString& want, const QString& got) {
    const QList<double> a = losses(want), b = losses(got);
    QVERIFY(!a.isEmpty());
    QCOMPARE(b.size(), a.size());
    for (int i = 0; i < a.size(); ++i) QVERIFY2(std::abs(a[i] - b[i]) <= 1e-5, qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a[i]).arg(b[i])));
    const auto pa = finalParams(want), pb = finalParams(got);
    QVERIFY(!pa.empty());
    QCOMPARE(pb.size(), pa.size());
    for (const auto& [name, t] : pa) {
        QVERIFY2(pb.count(name), name.c_str());
        const double diff = (t - pb.at(name)).abs().max().item<double>();
        QVERIFY2(diff <= 1e-5, qPrintable(QString::fromStdString(name) + ": " + QString::number(diff)));
    }
}

}  // namespace

class TstDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    Run single_;  // the 1-process reference, trained once

private slots:
    void initTestCase() {
        single_ = makeRun(tmp_, "single");
        const Result r = runWithEnv({"train", "--config", single_.cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(losses(single_.dir).size(), 4);
    }

    void ranksEqualOneProcess_data() {
        QTest::addColumn<int>("nproc");
        QTest::newRow("2 processes") << 2;
        QTest::newRow("3 processes") << 3;
    }
    void ranksEqualOneProcess() {
        QFETCH(int, nproc);
        const Run run = makeRun(tmp_, QString("nproc%1").arg(nproc));
        const Result r = runWithEnv({"train", "--config", run.cfg, "--nproc", QString::number(nproc)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        compareRuns(single_.dir, run.dir);
    }

    // Rank 1 vanishes (SIGKILL) after step 3: rank 0 fails in the next all-reduce with a message,
    // the launcher names the dead rank, nothing hangs; the step-2 checkpoint is whole, and one
    // process resumes from it to exactly the uninterrupted run.
    void deadRankEndsRunAndCheckpointResumesOnOneProcess() {
        const Run run = makeRun(tmp_, "killed");
        QElapsedTimer clock;
        clock.start();
        const Result r = runWithEnv({"train", "--config", run.cfg, "--nproc", "2"},
                                    {"ALETHEIA_TEST_KILL_RANK=1", "ALETHEIA_TEST_KILL_AFTER_STEP=3"});
        QVERIFY2(r.code > 0, qPrintable(QString::number(r.code) + r.err));
        QVERIFY2(clock.elapsed() < 120000, "the surviving rank should fail within its timeout");
        QVERIFY2(r.err.contains("rank 1 of 2") && r.err.contains("killed by signal 9"), qPrintable(r.err));
        QVERIFY2(r.err.contains("rank 0 of 2: gradient all-reduce of step 4 failed"), qPrintable(r.err));
        const std::string ckpt = aletheia::latestCheckpoint(run.dir.toStdString() + "/checkpoints");
        QVERIFY(!ckpt.empty());
        QCOMPARE(aletheia::readCheckpoint(ckpt).step, int64_t(2));

        const Result resumed = runWithEnv({"train", "--config", run.cfg, "--resume"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        compareRuns(single_.dir, run.dir);
    }

    // The Studio's (and a shell's) controls of a multi-process run go to the launcher, which
    // forwards them: SIGUSR1 pauses every rank after the same step, and they stay paused (alive,
    // exchanging heartbeats) for longer than the collective timeout; Ctrl-C while paused stops
    // them all with a checkpoint, which resumes on 1 process to the uninterrupted run. Each step's
    // metrics line carries every rank's throughput.
    void pauseAndStopReachEveryRank() {
        const int steps = 60;  // long enough that the pause lands mid-run
        const Run whole = makeRun(tmp_, "pause-reference", steps), run = makeRun(tmp_, "paused", steps);
        Result r = runWithEnv({"train", "--config", whole.cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));

        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("ALETHEIA_DIST_TIMEOUT", "5");  // short, yet room for the ranks to start and join
        p.setProcessEnvironment(e);
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), {"train", "--config", run.cfg, "--nproc", "2"});
        QVERIFY(p.waitForStarted());
        QString err;
        auto waitFor = [&](const QString& text, int ms) {
            QElapsedTimer t;
            t.start();
            while (!err.contains(text) && t.elapsed() < ms && p.state() == QProcess::Running) {
                p.waitForReadyRead(100);
                err += QString::fromUtf8(p.readAllStandardError());
            }
            return err.contains(text);
        };
        QVERIFY2(waitFor("plan: ", 60000), qPrintable(err));  // rank 0 is up (its handlers too)
        ::kill(pid_t(p.processId()), SIGUSR1);
        QVERIFY2(waitFor("paused after step ", 30000), qPrintable(err));
        const int pausedAt = losses(run.dir).size();
        QVERIFY2(pausedAt >= 1 && pausedAt < steps, qPrintable(QString::number(pausedAt)));
        QTest::qWait(6000);  // past the 5 s collective timeout
        QCOMPARE(p.state(), QProcess::Running);
        QCOMPARE(losses(run.dir).size(), pausedAt);  // nothing trained while paused
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        err += QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains("stopped by request after step " + QString::number(pausedAt)), qPrintable(err));
        QCOMPARE(aletheia::readCheckpoint(aletheia::latestCheckpoint(run.dir.toStdString() + "/checkpoints")).step,
                 int64_t(pausedAt));
        for (const QJsonObject& o : trainMetrics(run.dir + "/metrics.jsonl")) {
            const QJsonArray perRank = o["rank_tokens_per_s"].toArray();
            QCOMPARE(perRank.size(), 2);
            QVERIFY(perRank[0].toDouble() > 0 && perRank[1].toDouble() > 0);
        }

        r = runWithEnv({"train", "--config", run.cfg, "--resume"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        compareRuns(whole.dir, run.dir);
    }

    // The launcher killed outright (kill -9, a crashed shell): its ranks get SIGTERM and stop as
    // after Ctrl-C, together, with a checkpoint and the run's end line; none trains on orphaned.
    void killedLauncherStopsItsRanks() {
        const Run run = makeRun(tmp_, "orphans", 100000);
        QProcess p;
        p.setStandardErrorFile(run.dir + ".stderr");  // no pipe that dies with the launcher
        p.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), {"train", "--config", run.cfg, "--nproc", "2"});
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(losses(run.dir).size() >= 2, 60000);
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        QString outcome;
        QTRY_VERIFY2_WITH_TIMEOUT(!(outcome = endOutcome(run.dir)).isEmpty(), qPrintable(readAll(run.dir + ".stderr")), 60000);
        QCOMPARE(outcome, QString("stopped"));
        const std::string ckpt = aletheia::latestCheckpoint(run.dir.toStdString() + "/checkpoints");
        QVERIFY(!ckpt.empty());
        QCOMPARE(aletheia::readCheckpoint(ckpt).step, int64_t(losses(run.dir).size()));
    }

    // Two ranks started by hand (as torchrun would), with different learning rates, then with
    // different world sizes: both refuse, naming the other rank, quickly.
    void mismatchedRanksRefused_data() {
        QTest::addColumn<QStringList>("rank1Env");
        QTest::addColumn<QStringList>("rank1Args");
        QTest::addColumn<QString>("message");
        QTest::newRow("config") << QStringList{"WORLD_SIZE=2"} << QStringList{"--set", "train.learning_rate=1e-3"}
                                << "the experiment differs from rank";
        QTest::newRow("world size") << QStringList{"WORLD_SIZE=3"} << QStringList{} << "WORLD_SIZE differs across ranks";
    }
    void mismatchedRanksRefused() {
        QFETCH(QStringList, rank1Env);
        QFETCH(QStringList, rank1Args);
        QFETCH(QString, message);
        const Run run = makeRun(tmp_, QString("mismatch-%1").arg(QTest::currentDataTag()).replace(' ', '_'));
        const QString port = QString::number(20000 + (::getpid() * 7 + int(rank1Env[0].back().digitValue())) % 20000);
        QProcess rank0;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const char* kv : {"RANK=0", "WORLD_SIZE=2", "MASTER_ADDR=127.0.0.1", "ALETHEIA_DIST_TIMEOUT=20"})
            e.insert(QString(kv).section('=', 0, 0), QString(kv).section('=', 1));
        e.insert("MASTER_PORT", port);
        rank0.setProcessEnvironment(e);
        rank0.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), {"train", "--config", run.cfg});
        QVERIFY(rank0.waitForStarted());
        QStringList env1 = rank1Env;
        env1 << "RANK=1" << "MASTER_ADDR=127.0.0.1" << "MASTER_PORT=" + port;
        const Result r1 = runWithEnv(QStringList{"train", "--config", run.cfg} + rank1Args, env1, 60000);
        QVERIFY(rank0.waitForFinished(60000));
        const QString err0 = QString::fromUtf8(rank0.readAllStandardError());
        QCOMPARE(r1.code, 1);
        QCOMPARE(rank0.exitCode(), 1);
        QVERIFY2(r1.err.contains("rank 1: " + message + (message.contains("WORLD") ? "" : " 0")), qPrintable(r1.err));
        QVERIFY2(err0.contains("rank 0: " + message), qPrintable(err0));
    }

    // 3 probe batches over 2 ranks (2 + 1): the same scores as 1 process over the same batches.
    void probeOverRanksEqualsOneProcess() {
        const Run one = makeRun(tmp_, "probe1"), two = makeRun(tmp_, "probe2");
        Result r = runWithEnv({"probe", "--config", one.cfg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runWithEnv({"probe", "--config", two.cfg, "--nproc", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject a = QJsonDocument::fromJson(readAll(one.dir + "/probe_scores.json")).object();
        const QJsonObject b = QJsonDocument::fromJson(readAll(two.dir + "/probe_scores.json")).object();
        QCOMPARE(a["batches"].toInt(), 3);
        QCOMPARE(b["batches"].toInt(), 3);
        const QJsonArray sa = a["scores"].toArray(), sb = b["scores"].toArray();
        QCOMPARE(sb.size(), sa.size());
        for (int l = 0; l < sa.size(); ++l)
            for (int m = 0; m < sa[l].toArray().size(); ++m) {
                const double x = sa[l].toArray()[m].toDouble(), y = sb[l].toArray()[m].toDouble();
                QVERIFY2(std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(x)), qPrintable(QString("%1 vs %2").arg(x).arg(y)));
            }
    }
};

QTEST_GUILESS_MAIN(TstDistributed)
#include "tst_distributed.moc"
