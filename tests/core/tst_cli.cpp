// The `aletheia` binary, run as a user would: exit codes, help, argument and config errors,
// and (as engine parts land) each command on the fixture models.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/progress_printer.h"
#include "core/generate/generate.h"
#include "core/generate/prompt.h"
#include "core/model/model.h"
#include "core/text/demo_tokenizer.h"
#include "core/text/tokenizer.h"
#include "core/io/safetensors_reader.h"
#include "core/model/family_spec.h"
#include "cli_test_support.h"
#include "glyph_tokenizer.h"

using namespace cli_test;

class TstCli : public QObject {
    Q_OBJECT
private slots:
    void usageAndHelp() {
        auto r = runAletheia({});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("usage: aletheia <command>"));
        r = runAletheia({"--help"});
        QCOMPARE(r.code, 0);
        for (const char* c : {"probe", "plan", "train", "eval", "export", "bench", "demo", "inspect", "tokenize",
                              "forward", "generate"})
            QVERIFY2(r.out.contains(QString("\n  ") + c + " "), c);
    }

    void commandHelp_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("probe") << "probe" << "weight_grad_norms";
        QTest::newRow("plan") << "plan" << "--set KEY=VALUE";
        QTest::newRow("train") << "train" << "--config FILE";
        QTest::newRow("eval") << "eval" << "usage: aletheia eval";
        QTest::newRow("export") << "export" << "usage: aletheia export";
        QTest::newRow("bench") << "bench" << "usage: aletheia bench";
        QTest::newRow("demo") << "demo" << "usage: aletheia demo";
        QTest::newRow("inspect") << "inspect" << "usage: aletheia inspect <model-dir>";
        QTest::newRow("tokenize") << "tokenize" << "--jsonl";
        QTest::newRow("forward") << "forward" << "logits";
        QTest::newRow("generate") << "generate" << "--repetition-penalty R";
        QTest::newRow("version") << "version" << "usage: aletheia version";
    }
    void commandHelp() {
        QFETCH(QString, command);
        QFETCH(QString, fragment);
        // (one process per command: each start loads libtorch, so tests launch sparingly)
        const auto r = runAletheia({command, command == "train" ? "-h" : "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(fragment), qPrintable(r.out));
    }

    // --supported reads the loader's own tables: every spec row and the RoPE types a config may name.
    void inspectSupported() {
        const auto r = runAletheia({"inspect", "--supported"});
        QCOMPARE(r.code, 0);
        for (const aletheia::FamilySpec& f : aletheia::familySpecs())
            QVERIFY2(r.out.contains(QString::fromStdString("  " + f.modelType + " (" + f.architecture + ")")),
                     qPrintable(QString::fromStdString(f.modelType) + " missing in:\n" + r.out));
        for (const char* t : {"linear", "dynamic", "llama3", "yarn", "longrope"}) QVERIFY2(r.out.contains(t), t);
    }

    void userErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown command") << QStringList{"trian"} << "unknown command 'trian' (did you mean 'train'?)";
        QTest::newRow("unknown option") << QStringList{"train", "--confg", "x.yaml"}
                                        << "unknown option '--confg' (did you mean 'config'?)";
        QTest::newRow("missing value") << QStringList{"train", "--config"} << "--config needs a value";
        QTest::newRow("config twice") << QStringList{"train", "--config", "a", "--config", "b"} << "given twice";
        QTest::newRow("no config") << QStringList{"plan"} << "--config FILE is required";
        QTest::newRow("missing config file") << QStringList{"train", "--config", "/nonexistent/exp.yaml"}
                                             << "/nonexistent/exp.yaml: cannot read the experiment file";
        QTest::newRow("inspect without dir") << QStringList{"inspect"} << "give a model directory, or --supported";
        QTest::newRow("inspect two dirs") << QStringList{"inspect", "a", "b"} << "unexpected argument 'b'";
        QTest::newRow("flag with value") << QStringList{"tokenize", "d", "--jsonl=yes"} << "takes no value";
        QTest::newRow("probe dir without ids") << QStringList{"probe", "/m"} << "<model-dir> needs --ids";
        // generate checks its options before loading anything: "/m" is never opened.
        QTest::newRow("generate without prompt") << QStringList{"generate", "/m"} << "--prompt TEXT is required";
        QTest::newRow("generate negative temperature") << QStringList{"generate", "/m", "--prompt", "x", "--temperature", "-1"}
                                                       << "temperature must be >= 0 (0 = greedy), got -1";
        QTest::newRow("generate top-p above 1") << QStringList{"generate", "/m", "--prompt", "x", "--top-p", "1.5"}
                                                << "top_p must be in (0, 1] (1 = off), got 1.5";
        QTest::newRow("generate top-p 0") << QStringList{"generate", "/m", "--prompt", "x", "--top-p", "0"}
                                          << "top_p must be in (0, 1]";
        QTest::newRow("generate top-k not a number") << QStringList{"generate", "/m", "--prompt", "x", "--top-k", "many"}
                                                     << "--top-k needs an integer, got 'many'";
        QTest::newRow("generate unknown adapter") << QStringList{"generate", "/m", "--prompt", "x", "--adapter", "/nonexistent/adapter"}
                                                  << "/nonexistent/adapter: no adapter_config.json here";
        QTest::newRow("generate chat with ids") << QStringList{"generate", "/m", "--prompt", "1 2", "--ids", "--chat"}
                                                << "--chat needs a text prompt";
    }
    void userErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, fragment);
        const auto r = runAletheia(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
    }

    // Every experiment command validates the whole config first and reports all problems.
    void configErrors_data() {
        QTest::addColumn<QString>("command");
        for (const char* c : {"probe", "train"}) QTest::newRow(c) << c;
    }
    void configErrors() {
        QFETCH(QString, command);
        QTemporaryDir tmp;
        const QString yaml = tmp.filePath("exp.yaml");
        writeText(yaml, "model:\n  path: nowhere\ntrain:\n  learnin_rate: 1e-4\n  max_steps: ten\n");
        const auto r = runAletheia({command, "--config", yaml, "--set", "lora.lora_r=0"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(yaml + ":4: 'train.learnin_rate': unknown key 'learnin_rate' in section 'train' "
                                       "(did you mean 'learning_rate'?)"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(yaml + ":5: 'train.max_steps': expected an integer, got 'ten'"), qPrintable(r.err));
        QVERIFY2(r.err.contains("'lora.lora_r': must be between 1 and 4096, got 0"), qPrintable(r.err));
    }

    void inspectFixture() {
        const auto r = runAletheia({"inspect", ALETHEIA_FIXTURES "/models/llama"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("llama"), qPrintable(r.out));
        QVERIFY2(r.out.contains("projections per layer: q_proj k_proj v_proj o_proj gate_proj up_proj down_proj"),
                 qPrintable(r.out));
        const auto missing = runAletheia({"inspect", "/nonexistent/model"});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("/nonexistent/model"));
    }

    // Every string of the tokenizer parity fixture, in one --jsonl run, against HF's ids.
    void tokenizeMatchesReference() {
        std::ifstream f(ALETHEIA_FIXTURES "/tokenizers/llama2/expected_public.jsonl");
        QByteArray input, firstText;
        std::vector<nlohmann::json> expected;
        nlohmann::json firstPlain;
        for (std::string line; std::getline(f, line);) {
            if (line.empty()) continue;
            const auto o = nlohmann::json::parse(line);
            input += QByteArray::fromStdString(o["text"].dump()) + "\n";  // nlohmann: exact UTF-8 round trip
            expected.push_back(o["ids_special"]);
            const std::string text = o["text"];
            if (firstText.isEmpty() && text.size() > 10) {
                firstText = QByteArray::fromStdString(text);
                firstPlain = o["ids_plain"];
            }
        }
        QCOMPARE(int(expected.size()), 175);
        const auto r = runAletheia({"tokenize", ALETHEIA_FIXTURES "/tokenizers/llama2", "--jsonl", "--special"}, input);
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), int(expected.size()));
        for (int i = 0; i < lines.size(); ++i)
            QVERIFY2(nlohmann::json::parse(lines[i].toStdString()) == expected[size_t(i)], qPrintable(lines[i]));

        // Plain mode: all of stdin is one text, no special tokens.
        const auto plain = runAletheia({"tokenize", ALETHEIA_FIXTURES "/tokenizers/llama2"}, firstText);
        QCOMPARE(plain.code, 0);
        QVERIFY(nlohmann::json::parse(plain.out.toStdString()) == firstPlain);
    }

    void forwardMatchesReference() {
        const std::string dir = ALETHEIA_FIXTURES "/models/llama";
        QTemporaryDir tmp;
        writeReferenceIds(dir, tmp.filePath("ids.json"));
        const auto ref = aletheia::SafetensorsFile::open(dir + "/reference.safetensors");
        const QString out = tmp.filePath("out.safetensors");
        const auto r = runAletheia({"forward", QString::fromStdString(dir), "--ids", tmp.filePath("ids.json"), "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto got = aletheia::SafetensorsFile::open(out.toStdString());
        QCOMPARE(got->entry("logits").dtype, std::string("F32"));
        QVERIFY(torch::allclose(got->tensor("logits"), ref->tensor("logits"), 1e-4, 1e-4));
        QCOMPARE(got->tensor("loss").dim(), int64_t(0));
        QVERIFY(torch::allclose(got->tensor("loss"), ref->tensor("loss"), 1e-5, 1e-5));

        writeText(tmp.filePath("ragged.json"), "[[1, 2, 3], [4, 5]]");
        const auto bad = runAletheia({"forward", QString::fromStdString(dir), "--ids", tmp.filePath("ragged.json"), "--out", out});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("ragged.json: 'row 1': rows must have equal length"), qPrintable(bad.err));
    }

    // `generate` streams what core/generate gives: ids with --ids (no tokenizer needed), text, a stop string.
    void generateMatchesEngine() {
        namespace fs = std::filesystem;
        const std::string fixture = ALETHEIA_FIXTURES "/models/llama";
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("model").toStdString();
        fs::create_directories(dir);
        for (const char* f : {"config.json", "model.safetensors"}) fs::copy_file(fixture + "/" + f, dir + "/" + f);
        std::ofstream(dir + "/tokenizer.json") << glyphTokenizerJson(320).dump();
        const aletheia::Model model = aletheia::Model::load(dir);
        const aletheia::Tokenizer tok = aletheia::Tokenizer::fromDirectory(dir);
        aletheia::GenerateOptions o;
        o.maxNewTokens = 12;
        o.eosIds = {2};  // config.json's eos_token_id

        const std::vector<int32_t> prompt = {1, 17, 42, 99, 5};
        const auto ids = runAletheia({"generate", QString::fromStdString(fixture), "--ids", "--prompt", "1,17 42 99 5",
                                      "--max-new-tokens", "12"});
        QVERIFY2(ids.code == 0, qPrintable(ids.err));
        QStringList want;
        for (int32_t id : aletheia::generate(model, prompt, o).tokens) want << QString::number(id);
        QCOMPARE(ids.out.trimmed(), want.join(' '));
        QVERIFY2(ids.err.contains("5 prompt tokens"), qPrintable(ids.err));

        const std::string glyphs = "\xC4\x91\xC4\xA2\xC4\xB3";  // U+0111 U+0122 U+0133: ids 17, 34, 51
        const auto full = aletheia::generate(model, aletheia::promptIds(tok, glyphs, false), o, {}, &tok);
        const auto text = runAletheia({"generate", QString::fromStdString(dir), "--prompt", QString::fromStdString(glyphs),
                                       "--max-new-tokens", "12"});
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QCOMPARE(text.out, QString::fromStdString(full.text) + "\n");
        QVERIFY(full.text.size() >= 4);

        const std::string stop = full.text.substr(full.text.size() / 4 * 2, 4);  // two characters (2 bytes each)
        const auto stopped = runAletheia({"generate", QString::fromStdString(dir), "--prompt", QString::fromStdString(glyphs), "--max-new-tokens",
                                          "12", "--stop", QString::fromStdString(stop)});
        QVERIFY2(stopped.code == 0, qPrintable(stopped.err));
        QCOMPARE(stopped.out, QString::fromStdString(full.text.substr(0, full.text.find(stop))) + "\n");
        QVERIFY2(stopped.err.contains("(stop_string)"), qPrintable(stopped.err));
    }

    void formatDuration_data() {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("seconds") << 7.0 << "0:07";
        QTest::newRow("minutes") << 723.0 << "12:03";
        QTest::newRow("hours") << 3723.0 << "1:02:03";
        QTest::newRow("unknown") << -1.0 << "?";
    }
    void formatDuration() {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(aletheia::cli::formatDuration(seconds)), text);
    }

    void progressPlainLines() {
        std::ostringstream out;
        {
            aletheia::cli::ProgressPrinter p("probe", out, false, std::chrono::milliseconds(0));
            for (int i = 1; i <= 4; ++i) p.update(i, 4, "loss 2.5");
        }
        const QStringList lines = QString::fromStdString(out.str()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[3].startsWith("probe 4/4 100%"), qPrintable(lines[3]));
        QVERIFY(lines[3].endsWith("loss 2.5"));
        QVERIFY(out.str().find('\r') == std::string::npos);
    }

    void progressThrottlesButKeepsLast() {
        std::ostringstream out;
        {
            aletheia::cli::ProgressPrinter p("train", out, false, std::chrono::hours(1));
            for (int i = 1; i <= 100; ++i) p.update(i, 0);  // unknown total: the end is never implied
        }
        const QStringList lines = QString::fromStdString(out.str()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);  // the first, and the last (flushed at the end)
        QVERIFY(lines[1].startsWith("train 100"));
    }

    void progressBarRedrawsInPlace() {
        std::ostringstream out;
        {
            aletheia::cli::ProgressPrinter p("train", out, true);
            p.update(5, 10);
        }
        const std::string s = out.str();
        QVERIFY(s.rfind("\rtrain [############............] 5/10  50%", 0) == 0);
        QCOMPARE(s.back(), '\n');
    }

    void version() {
        const auto r = runAletheia({"version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("aletheia 0.1.0, libtorch "));
    }
};

QTEST_APPLESS_MAIN(TstCli)
#include "tst_cli.moc"
