// One experiment, one meaning. For every example experiment (resources/examples/*.yaml) and the
// demo's: opened in the Studio and saved, no key changes (semantic equality); opened in the
// Studio and probed, the plan equals what `aletheia plan` makes of the same file (cells, ranks,
// alphas, dropout, rsLoRA); and on the demo, a Studio training run starts with the same loss as
// `aletheia train`.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QSpinBox>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "../core/cli_test_support.h"
#include "core/config/experiment_io.h"
#include "core/demo/demo_model.h"
#include "core/model/model.h"
#include "core/plan/plan_io.h"
#include "core/text/demo_tokenizer.h"
#include "ui/main_window.h"
#include "ui/panels/model_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/studio_session.h"
#include "ui_test_support.h"

using namespace aletheia;
using namespace aletheia::ui;
namespace fs = std::filesystem;

namespace {

QStringList exampleFiles() {
    QStringList out;
    for (const QFileInfo& f : QDir(ALETHEIA_SOURCE_DIR "/resources/examples").entryInfoList({"*.yaml"}, QDir::Files))
        out << f.absoluteFilePath();
    return out;
}

// Every key of the experiment with its value, paths absolute: equal text = equal experiment.
std::string canonical(const QString& yamlPath) {
    ExperimentLoadOptions o;
    o.checkFiles = false;
    return experimentToYaml(loadExperiment(yamlPath.toStdString(), o));
}

// A 14-layer llama (the examples name layers up to 12) with a character tokenizer, and text data.
void writeModelAndData(const fs::path& root) {
    nlohmann::json config = nlohmann::json::parse(cli_test::readAll(ALETHEIA_FIXTURES "/models/llama/config.json").toStdString());
    config["num_hidden_layers"] = 14;
    const fs::path model = root / "model";
    fs::create_directories(model);
    text::writeCharTokenizer(model.string(), "abcdefghijklmnopqrstuvwxyz0123456789 .,:=");
    Model::randomInit(ModelConfig::fromJson(config, (model / "config.json").string()), 7).save(model.string());
    QByteArray jsonl;
    for (int i = 0; i < 48; ++i)
        jsonl += "{\"text\": \"sort: " + QByteArray::number(i % 7) + " 3 " + QByteArray::number(i % 5) + " = 1 3 " +
                 QByteArray::number(i) + "\"}\n";
    cli_test::writeText(QString::fromStdString((root / "data.jsonl").string()), jsonl);
}

// The example with its model and data pointed at the test's (format text, on the CPU): every
// plan, probe, LoRA and train key stays as the example has it.
QString localCopy(const QString& example, const fs::path& root) {
    YAML::Node y = YAML::LoadFile(example.toStdString());
    y["model"]["path"] = (root / "model").string();
    y["model"]["device"] = "cpu";
    y["data"]["train"] = (root / "data.jsonl").string();
    if (y["data"]["validation"]) y["data"]["validation"] = (root / "data.jsonl").string();
    y["data"]["format"] = "text";
    y["data"].remove("chat_template");
    y["output"]["dir"] = (root / "runs" / QFileInfo(example).baseName().toStdString()).string();
    const QString path = QString::fromStdString((root / (QFileInfo(example).baseName().toStdString() + ".yaml")).string());
    std::ofstream(path.toStdString()) << YAML::Dump(y) << "\n";
    return path;
}

void compareCells(const AdapterPlan& studio, const AdapterPlan& cli) {
    QCOMPARE(studio.cells.size(), cli.cells.size());
    QVERIFY(!cli.cells.empty());
    for (size_t i = 0; i < cli.cells.size(); ++i) {
        const auto& a = studio.cells[i];
        const auto& b = cli.cells[i];
        QVERIFY2(a.layer == b.layer && a.module == b.module && a.rank == b.rank && std::abs(a.alpha - b.alpha) < 1e-9,
                 qPrintable(QString("cell %1: studio %2 %3 r%4 a%5, cli %6 %7 r%8 a%9")
                                .arg(i).arg(a.layer).arg(QString::fromStdString(a.module)).arg(a.rank).arg(a.alpha)
                                .arg(b.layer).arg(QString::fromStdString(b.module)).arg(b.rank).arg(b.alpha)));
    }
    QCOMPARE(studio.dropout, cli.dropout);
    QCOMPARE(studio.rslora, cli.rslora);
}

// `aletheia ARGS` with one thread, as the Studio's worker runs here (same reduction order).
cli_test::Result runCli(const QStringList& args) {
    qputenv("OMP_NUM_THREADS", "1");
    return cli_test::runAletheia(args, {}, {}, 300000);
}

}  // namespace

class TstExperimentLayer : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    demo::DemoFiles demoFiles;

    std::unique_ptr<MainWindow> window() {
        auto w = std::make_unique<MainWindow>();
        w->resize(1366, 768);
        w->show();
        return w;
    }
    // Opens `yaml` in a fresh Studio, waits for its model and data, probes.
    std::unique_ptr<MainWindow> openAndProbe(const QString& yaml) {
        auto w = window();
        if (!w->openExperiment(yaml)) return nullptr;
        if (!QTest::qWaitFor([&] { return w->session()->model().valid() && w->session()->dataset(); }, 60000)) return nullptr;
        QSignalSpy finished(w->probePanel(), &ProbePanel::probeFinished);
        w->probePanel()->run();
        if (!finished.wait(120000) || !finished[0][0].toBool()) return nullptr;
        return w;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        torch::set_num_threads(1);
        writeModelAndData(dir.path().toStdString());
        demo::DemoOptions o;  // the default recipe: the shipped model, unpacked in seconds
        o.cacheDir = dir.filePath("demo").toStdString();
        demoFiles = demo::ensureDemo(o);
    }

    void saveIsLossless_data() {
        QTest::addColumn<QString>("yaml");
        for (const QString& f : exampleFiles()) QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
        QTest::newRow("demo.yaml") << QString::fromStdString(demoFiles.experiment);
    }
    // Open -> save in the Studio: every key keeps its value, including those no panel shows.
    void saveIsLossless() {
        QFETCH(QString, yaml);
        auto w = window();
        QVERIFY(w->openExperiment(yaml));
        // The demo's model loads (and may edit model.*): let that happen before saving.
        if (QFileInfo::exists(QString::fromStdString(demoFiles.modelDir)) && yaml.endsWith("demo.yaml"))
            QTRY_VERIFY_WITH_TIMEOUT(w->session()->model().valid(), 30000);
        const QString saved = dir.filePath("saved-" + QFileInfo(yaml).fileName());
        QVERIFY(w->saveExperiment(saved));
        QCOMPARE(canonical(saved), canonical(yaml));
    }

    void studioPlanEqualsCliPlan_data() {
        QTest::addColumn<QString>("yaml");
        for (const QString& f : exampleFiles())
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << localCopy(f, dir.path().toStdString());
        QTest::newRow("demo.yaml") << QString::fromStdString(demoFiles.experiment);
    }
    void studioPlanEqualsCliPlan() {
        QFETCH(QString, yaml);
        const QString runDir = dir.filePath("cli-" + QFileInfo(yaml).baseName());
        const auto r = runCli({"plan", "--config", yaml, "--set", "output.dir=" + runDir});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const AdapterPlan cli = loadPlan((runDir + "/plan.yaml").toStdString());
        auto w = openAndProbe(yaml);
        QVERIFY(w);
        compareCells(w->session()->plan(), cli);
    }

    // The demo trained from the Studio and from the CLI: the same plan gives the same first step.
    void demoFirstStepLossEqualsCli() {
        const QString yaml = QString::fromStdString(demoFiles.experiment);
        const QString cliRun = dir.filePath("cli-demo-train");
        QVERIFY(runCli({"plan", "--config", yaml, "--set", "output.dir=" + cliRun}).code == 0);
        const auto r = runCli({"train", "--config", yaml, "--set", "output.dir=" + cliRun, "--set", "train.max_steps=2",
                                "--set", "train.warmup_steps=0"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto cliSteps = cli_test::trainMetrics(cliRun + "/metrics.jsonl");
        QCOMPARE(cliSteps.size(), 2);

        auto w = openAndProbe(yaml);
        QVERIFY(w);
        w->session()->editConfig([&](ExperimentConfig& c) {
            c.train.max_steps = 2;
            c.train.warmup_steps = 0;
            c.output.dir = dir.filePath("studio-demo").toStdString();
        });
        QSignalSpy finished(w->trainPanel(), &TrainPanel::runFinished);
        w->trainPanel()->start();
        QVERIFY(finished.wait(120000));
        QCOMPARE(w->session()->runs().size(), size_t(1));
        const QString studioRun = QString::fromStdString(w->session()->runs().front().dir);
        compareCells(loadPlan((studioRun + "/plan.yaml").toStdString()), loadPlan((cliRun + "/plan.yaml").toStdString()));
        const auto studioSteps = cli_test::trainMetrics(studioRun + "/metrics.jsonl");
        QCOMPARE(studioSteps.size(), 2);
        for (int i = 0; i < 2; ++i)
            QVERIFY2(std::abs(studioSteps[i]["loss"].toDouble() - cliSteps[i]["loss"].toDouble()) < 1e-5,
                     qPrintable(QString("step %1: studio %2, cli %3").arg(i + 1)
                                    .arg(studioSteps[i]["loss"].toDouble(), 0, 'g', 9)
                                    .arg(cliSteps[i]["loss"].toDouble(), 0, 'g', 9)));

        // The Studio's run directory is a CLI run directory: `aletheia train --resume` continues it.
        const auto resumed = runCli({"train", "--config", studioRun + "/config.yaml", "--resume", "--set",
                                     "train.max_steps=4"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        const auto all = cli_test::trainMetrics(studioRun + "/metrics.jsonl");
        QCOMPARE(all.size(), 4);
        for (int i = 0; i < 4; ++i) QCOMPARE(all[i]["step"].toInt(), i + 1);
    }
};

QTEST_MAIN(TstExperimentLayer)
#include "tst_experiment_layer.moc"
