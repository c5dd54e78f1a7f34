// The experiment YAML: defaults, round trips, --set overrides, and every kind of bad input
// reported with its line (and all problems together).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>  // mkfifo

#include "core/common/yaml_parse.h"
#include "core/config/did_you_mean.h"
#include "core/config/experiment_io.h"
#include "core/config/schema.h"
#include "hostile_yaml.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// Problems of parsing `yaml` (empty when it loads).
std::vector<ConfigProblem> problemsOf(const std::string& yaml, bool checkFiles = false,
                                      std::vector<std::string> overrides = {}) {
    try {
        ExperimentLoadOptions o;
        o.checkFiles = checkFiles;
        o.overrides = std::move(overrides);
        parseExperiment(yaml, fs::temp_directory_path().string(), o, "exp.yaml");
    } catch (const ConfigError& e) {
        return e.problems();
    }
    return {};
}

QString listed(const std::vector<ConfigProblem>& ps) {
    QString s;
    for (const auto& p : ps) s += QString::fromStdString(formatProblem("exp.yaml", p)) + "\n";
    return s;
}

}  // namespace

class TstConfig : public QObject {
    Q_OBJECT
private slots:
    void editDistance_data() {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("distance");
        QTest::newRow("same") << "lora_r" << "lora_r" << 0;
        QTest::newRow("empty") << "" << "abc" << 3;
        QTest::newRow("substitution") << "cosine" << "cosina" << 1;
        QTest::newRow("deletion") << "learning_rate" << "learnin_rate" << 1;
        QTest::newRow("transposition") << "trian" << "train" << 1;
        QTest::newRow("two swaps") << "ab" << "ba" << 1;
        QTest::newRow("kitten") << "kitten" << "sitting" << 3;
    }
    void editDistance() {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, distance);
        QCOMPARE(int(aletheia::editDistance(a.toStdString(), b.toStdString())), distance);
        QCOMPARE(int(aletheia::editDistance(b.toStdString(), a.toStdString())), distance);
    }
    void closestMatchIgnoresFarWords() {
        QCOMPARE(closestMatch("lr", {"learning_rate", "lora_r"}), std::string());
        QCOMPARE(closestMatch("Cosine", {"constant", "linear", "cosine"}), std::string("cosine"));
    }

    void emptyFileGivesDefaults() {
        const ExperimentConfig cfg = parseExperiment("", "/tmp", {{}, false});
        QCOMPARE(cfg.train.learning_rate, 2e-4);
        QCOMPARE(cfg.lora.lora_r, 16);
        QCOMPARE(cfg.plan.policy, std::string("top_pct"));
        QCOMPARE(cfg.output.dir, std::string("/tmp/runs/experiment"));  // resolved like any path
    }

    void readsEveryKind() {
        const std::string yaml = R"(name: tiny run
model:
  path: models/tiny
  dtype: bf16
  device: cuda:1
data:
  train: data/train.jsonl
  sequence_len: 256
  sample_packing: yes
plan:
  policy: ranks
  ranks:
    model.layers.0.self_attn.q_proj: 8
    model.layers.1.mlp.down_proj: 4
lora:
  lora_target_modules: q_proj
  layers_to_transform: [0, 2]
train:
  learning_rate: 1e-4
  lr_scheduler: linear
output:
  export_formats: [peft, merged]
)";
        const ExperimentConfig c = parseExperiment(yaml, "/exp", {{}, false});
        QCOMPARE(c.name, std::string("tiny run"));
        QCOMPARE(c.model.path, std::string("/exp/models/tiny"));
        QCOMPARE(c.model.device, std::string("cuda:1"));
        QCOMPARE(c.data.train, std::string("/exp/data/train.jsonl"));
        QCOMPARE(c.data.sequence_len, 256);
        QVERIFY(c.data.sample_packing);
        QCOMPARE(int(c.plan.ranks.size()), 2);
        QCOMPARE(c.plan.ranks.at("model.layers.1.mlp.down_proj"), 4);
        QCOMPARE(c.lora.lora_target_modules, std::vector<std::string>{"q_proj"});
        QCOMPARE(c.lora.layers_to_transform, (std::vector<int>{0, 2}));
        QCOMPARE(c.train.learning_rate, 1e-4);
        QCOMPARE(c.output.export_formats, (std::vector<std::string>{"peft", "merged"}));
    }

    void roundTripsThroughFile() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        ExperimentConfig c;
        c.name = "round trip: yes";  // needs quoting
        c.model.path = (dir / "models" / "tiny").string();
        c.model.dtype = "bf16";
        c.data.train = (dir / "train.jsonl").string();
        c.data.validation = "/elsewhere/val.jsonl";
        c.data.seed = 7;
        c.probe.score = "fisher";
        c.plan.policy = "ranks";
        c.plan.ranks = {{"model.layers.0.self_attn.q_proj", 8}};
        c.plan.include = {"model.layers.3.*"};
        c.lora.layers_to_transform = {1, 3};
        c.lora.use_rslora = true;
        c.train.learning_rate = 3e-5;
        c.train.max_grad_norm = 0.3;
        c.output.dir = (dir / "runs" / "a").string();
        const std::string path = (dir / "exp.yaml").string();
        saveExperiment(c, path);
        const ExperimentConfig back = loadExperiment(path, {{}, false});
        QCOMPARE(experimentToYaml(back), experimentToYaml(c));
        QCOMPARE(back.train.learning_rate, 3e-5);
        QCOMPARE(back.plan.ranks, c.plan.ranks);
        QCOMPARE(back.data.validation, std::string("/elsewhere/val.jsonl"));

        // Paths inside the experiment's folder are written relative; floats without noise.
        std::ifstream in(path);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY2(text.find("path: models/tiny") != std::string::npos, text.c_str());
        QVERIFY2(text.find("learning_rate: 3e-05") != std::string::npos, text.c_str());
        QVERIFY2(text.find("max_grad_norm: 0.3\n") != std::string::npos, text.c_str());
    }

    void savedDefaultsListEveryKey() {
        const std::string text = experimentToYaml(ExperimentConfig{});
        for (const auto& f : experimentSchema())
            QVERIFY2(text.find(f.key + ":") != std::string::npos, f.dotted().c_str());
        QCOMPARE(parseExperiment(text, "/x", {{}, false}).plan.mlp_r, 64);
    }

    void badInput_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("typo in key") << "train:\n  learnin_rate: 1e-4\n" << 2 << "did you mean 'learning_rate'?";
        QTest::newRow("key in wrong section") << "lora:\n  r: 8\n  learning_rate: 0.1\n" << 3
                                              << "belongs in section 'train'";
        QTest::newRow("unknown key far from any") << "train:\n  zzzzzzzz: 1\n" << 2
                                                  << "unknown key 'zzzzzzzz' in section 'train'";
        QTest::newRow("typo in section") << "model:\n  dtype: bf16\ntrian:\n  max_steps: 3\n" << 3
                                         << "unknown section (did you mean 'train'?)";
        QTest::newRow("section key at top level") << "lora_r: 8\n" << 1 << "lora.lora_r";
        QTest::newRow("text for integer") << "train:\n  max_steps: ten\n" << 2 << "expected an integer, got 'ten'";
        QTest::newRow("float for integer") << "train:\n  max_steps: 2.5\n" << 2 << "expected an integer, got '2.5'";
        QTest::newRow("text for number") << "\ntrain:\n  learning_rate: fast\n" << 3
                                         << "expected a number, got 'fast'";
        QTest::newRow("nan") << "train:\n  learning_rate: .nan\n" << 2 << "expected a finite number";
        QTest::newRow("list for string") << "model:\n  dtype: [bf16]\n" << 2 << "expected a string, got a list";
        QTest::newRow("mapping for number") << "lora:\n  lora_alpha: {a: 1}\n" << 2
                                            << "expected a number, got a mapping";
        QTest::newRow("negative lr") << "train:\n  learning_rate: -1\n" << 2 << "must be > 0 and <= 10, got -1";
        QTest::newRow("dropout too big") << "lora:\n  lora_dropout: 1.5\n" << 2
                                         << "must be between 0 and 0.95, got 1.5";
        QTest::newRow("zero batch") << "train:\n  micro_batch_size: 0\n" << 2 << "must be between 1 and 4096, got 0";
        QTest::newRow("top_pct zero") << "plan:\n  top_pct: 0\n" << 2 << "must be > 0 and <= 100";
        QTest::newRow("bad choice") << "train:\n  lr_scheduler: cosin\n" << 2
                                    << "must be one of: constant, linear, cosine; got 'cosin' (did you mean 'cosine'?)";
        QTest::newRow("bad device") << "model:\n  device: gpu0\n" << 2 << "must be auto, cpu, cuda or cuda:N";
        QTest::newRow("bad bool") << "data:\n  sample_packing: maybe\n" << 2 << "expected true or false, got 'maybe'";
        QTest::newRow("bad list element") << "lora:\n  layers_to_transform: [1, x]\n" << 2
                                          << "expected an integer, got 'x'";
        QTest::newRow("negative layer") << "lora:\n  layers_to_transform: [-1]\n" << 2 << "must be between 0";
        QTest::newRow("nested list") << "lora:\n  lora_target_modules: [[q_proj]]\n" << 2
                                     << "expected a list of strings, got a list in it";
        QTest::newRow("unknown export") << "output:\n  export_formats: [peft, onnx]\n" << 2
                                        << "must be one of: peft, merged, gguf, gguf-merged; got 'onnx'";
        QTest::newRow("bad rank") << "plan:\n  policy: ranks\n  ranks:\n    model.layers.0.q_proj: 0\n" << 3
                                  << "rank of 'model.layers.0.q_proj': must be between 1 and 4096";
        QTest::newRow("duplicate key") << "train:\n  max_steps: 3\n  max_steps: 4\n" << 3
                                       << "duplicate key (first given on line 2)";
        QTest::newRow("section not mapping") << "train: 5\n" << 1 << "expected a mapping of keys under 'train'";
        QTest::newRow("top level list") << "- model\n- data\n" << 1 << "the file must be a mapping of sections";
        QTest::newRow("unclosed flow list") << "train:\n  max_steps: 3\nlora:\n  layers_to_transform: [1, 2\n" << 5
                                            << "YAML syntax error";
        QTest::newRow("bad indentation") << "train:\n  max_steps: 3\n warmup_steps: 1\n" << 3 << "YAML syntax error";
        QTest::newRow("ranks policy without table") << "plan:\n  policy: ranks\n" << 2
                                                    << "policy 'ranks' needs a non-empty plan.ranks table";
        QTest::newRow("budget allocation without budget") << "plan:\n  allocation: budget\n  budget: 0\n" << 3
                                                          << "needs plan.budget > 0";
        QTest::newRow("warmup past the end") << "train:\n  max_steps: 5\n  warmup_steps: 10\n" << 3
                                             << "must not exceed train.max_steps (5)";
        QTest::newRow("unknown policy") << "plan:\n  policy: top_pc\n" << 2 << "(did you mean 'top_pct'?)";
    }
    void badInput() {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        const auto problems = problemsOf(yaml.toStdString());
        QVERIFY2(!problems.empty(), "loaded without complaint");
        bool found = false;
        for (const auto& p : problems)
            found |= p.line == line && QString::fromStdString(p.message).contains(fragment);
        QVERIFY2(found, qPrintable("expected line " + QString::number(line) + ": " + fragment + "\ngot:\n" +
                                   listed(problems)));
    }

    void everyProblemReportedTogether() {
        const auto ps = problemsOf("model:\n  dtype: fp64\ndata:\n  sequence_len: x\ntrain:\n  lr: 1\n");
        QCOMPARE(int(ps.size()), 3);
        QCOMPARE(ps[0].line, 2L);
        QCOMPARE(ps[1].line, 4L);
        QCOMPARE(ps[2].line, 6L);
        QCOMPARE(ps[1].key, std::string("data.sequence_len"));
        try {
            parseExperiment("model:\n  dtype: fp64\ndata:\n  sequence_len: x\n", "/", {{}, false}, "exp.yaml");
            QFAIL("no throw");
        } catch (const Error& e) {  // the CLI catches it as any aletheia::Error -> exit code 1
            QCOMPARE(QString(e.what()).count('\n'), 1);
            QVERIFY(QString(e.what()).startsWith("exp.yaml:2: 'model.dtype': must be one of"));
        }
    }

    void missingFilesReported() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "model" / "config.json", "{}");
        writeFile(dir / "empty-model" / "weights.bin", "");
        writeFile(dir / "exp.yaml",
                  "model:\n  path: model\ndata:\n  train: train.jsonl\n  validation: v.jsonl\n  forgetting: known.jsonl\n");
        try {
            loadExperiment((dir / "exp.yaml").string());
            QFAIL("no throw");
        } catch (const ConfigError& e) {
            QCOMPARE(int(e.problems().size()), 3);
            QCOMPARE(e.problems()[0].line, 4L);
            QVERIFY(e.problems()[0].message.find("file not found: " + (dir / "train.jsonl").string()) == 0);
            QCOMPARE(e.problems()[1].key, std::string("data.validation"));
            QCOMPARE(e.problems()[2].key, std::string("data.forgetting"));
            QCOMPARE(e.problems()[2].line, 6L);
            QVERIFY(e.problems()[2].message.find("file not found: " + (dir / "known.jsonl").string()) == 0);
        }
        const auto none = problemsOf("name: x\n", true);
        QCOMPARE(int(none.size()), 2);
        QVERIFY(listed(none).contains("'model.path': required"));
        QVERIFY(listed(none).contains("'data.train': required"));
        writeFile(dir / "train.jsonl", "{}\n");
        writeFile(dir / "exp2.yaml", "model:\n  path: empty-model\ndata:\n  train: train.jsonl\n");
        try {
            loadExperiment((dir / "exp2.yaml").string());
            QFAIL("no throw");
        } catch (const ConfigError& e) {
            QVERIFY(QString(e.what()).contains("exp2.yaml:2: 'model.path': no config.json in"));
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, loadExperiment((dir / "absent.yaml").string()));
    }

    // Issue #20: an experiment "file" that is a FIFO blocked in open(); /dev/zero never ended.
    void hostileYamlIsRefused_data() {
        addHostileYamlRows();
    }
    void hostileYamlIsRefused() {
        QFETCH(int, i);
        const HostileYaml h = hostileYamls()[size_t(i)];
        QElapsedTimer timer;
        timer.start();
        ExperimentLoadOptions o;
        o.checkFiles = false;
        try {
            parseExperiment(h.text, "/tmp", o, "hostile.yaml");
            QFAIL("no throw");
        } catch (const ConfigError& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("nested deeper than 64") || what.contains("alias"), e.what());
            QVERIFY2(what.startsWith(h.line > 0 ? QString("hostile.yaml:%1: ").arg(h.line) : QString("hostile.yaml")), e.what());
        }
        QVERIFY(timer.elapsed() < 5000);
        // The same bound on a --set value: too deep is taken as literal text, not parsed.
        try {
            parseExperiment("", "/tmp", ExperimentLoadOptions{{"lora.lora_r=" + std::string(100000, '[')}, false});
            QFAIL("no throw");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains("lora.lora_r"), e.what());
        }
    }
    void bracketsInScalarsAreNotNesting() {
        const YAML::Node n = parseYaml(yamlWithBracketsInScalars(), "ok.yaml");
        QCOMPARE(QString::fromStdString(n["a"].as<std::string>()), QString(200, '['));
        QCOMPARE(QString::fromStdString(n["c"].as<std::string>()), QString(200, '[') + "\nmore\n");
    }

    void nonRegularExperimentFileRefused() {
        QTemporaryDir tmp;
        const fs::path fifo = fs::path(tmp.path().toStdString()) / "exp.yaml";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        const fs::path zero = fs::path(tmp.path().toStdString()) / "zero.yaml";
        fs::create_symlink("/dev/zero", zero);
        for (const fs::path& p : {fifo, zero}) {
            QElapsedTimer timer;
            timer.start();
            try {
                loadExperiment(p.string());
                QFAIL("no throw");
            } catch (const ConfigError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(p.string())) &&
                             QString(e.what()).contains("not a regular file"),
                         e.what());
            }
            QVERIFY(timer.elapsed() < 5000);
        }
    }

    void overridesInLoad() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "m" / "config.json", "{}");
        writeFile(dir / "t.jsonl", "{}\n");
        // The file names a missing model; --set replaces it before validation, relative to cwd.
        writeFile(dir / "exp.yaml", "model:\n  path: nowhere\ndata:\n  train: t.jsonl\ntrain:\n  max_steps: x\n");
        const auto cwd = fs::current_path();
        fs::current_path(dir);
        ExperimentConfig c;
        try {
            c = loadExperiment("exp.yaml", {{"model.path=m", "train.max_steps=7", "lora.lora_target_modules=[q_proj, v_proj]"}});
        } catch (const std::exception& e) {
            fs::current_path(cwd);
            QFAIL(e.what());
        }
        fs::current_path(cwd);
        QCOMPARE(c.model.path, (dir / "m").string());
        QCOMPARE(c.train.max_steps, 7);
        QCOMPARE(c.lora.lora_target_modules, (std::vector<std::string>{"q_proj", "v_proj"}));
    }

    void badOverrides_data() {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("no equals") << "train.max_steps" << "--set expects key=value";
        QTest::newRow("typo") << "train.learning_rat=1" << "unknown key in --set (did you mean 'train.learning_rate'?)";
        QTest::newRow("bad value") << "train.max_steps=abc" << "expected an integer, got 'abc'";
        QTest::newRow("range") << "lora.lora_r=0" << "must be between 1 and 4096";
    }
    void badOverrides() {
        QFETCH(QString, assignment);
        QFETCH(QString, fragment);
        ExperimentConfig c;
        try {
            applyOverride(c, assignment.toStdString());
            QFAIL("no throw");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
        const auto ps = problemsOf("", false, {assignment.toStdString()});
        QCOMPARE(int(ps.size()), 1);
        QCOMPARE(ps[0].line, -1L);
        QVERIFY(QString::fromStdString(ps[0].message).contains(fragment));
        if (QTest::currentDataTag() == QString("bad value"))
            QVERIFY(QString::fromStdString(ps[0].message).endsWith("(from --set)"));
    }

    void applyOverrideSetsValues() {
        ExperimentConfig c;
        applyOverride(c, "train.learning_rate=1e-4");
        applyOverride(c, "data.sample_packing=true");
        applyOverride(c, "plan.ranks={model.layers.0.mlp.up_proj: 4}");
        applyOverride(c, "name=a=b");  // only the first '=' splits
        QCOMPARE(c.train.learning_rate, 1e-4);
        QVERIFY(c.data.sample_packing);
        QCOMPARE(c.plan.ranks.at("model.layers.0.mlp.up_proj"), 4);
        QCOMPARE(c.name, std::string("a=b"));
    }

    void docsListEveryKey() {
        std::ifstream in(fs::path(ALETHEIA_FIXTURES) / ".." / ".." / "docs" / "CONFIG.md");
        const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(!doc.empty());
        for (const auto& f : experimentSchema()) {
            const std::string section = f.section.empty() ? "### top level" : "### `" + f.section + "`";
            const auto at = doc.find(section);
            QVERIFY2(at != std::string::npos, section.c_str());
            const auto row = doc.find("| `" + f.key + "` |", at);
            const auto next = doc.find("\n### ", at + 1);
            QVERIFY2(row != std::string::npos && row < next, ("undocumented: " + f.dotted()).c_str());
        }
    }

    void examplesAreValid_data() {
        QTest::addColumn<QString>("path");
        const fs::path dir = fs::path(ALETHEIA_FIXTURES) / ".." / ".." / "resources" / "examples";
        int n = 0;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".yaml") {
                QTest::newRow(e.path().filename().string().c_str()) << QString::fromStdString(e.path().string());
                ++n;
            }
        QVERIFY(n >= 3);
    }
    void examplesAreValid() {
        QFETCH(QString, path);
        // Files are checked where the example names files of this repository (not user models).
        ExperimentLoadOptions o;
        o.checkFiles = false;
        const ExperimentConfig c = loadExperiment(path.toStdString(), o);
        QVERIFY(!c.model.path.empty());
        QVERIFY(checkExperiment(c, false).empty());
    }
};

QTEST_APPLESS_MAIN(TstConfig)
#include "tst_config.moc"
