// Generative exact match (core/eval/exact_match.h): the file format and its errors, the harness's
// prompt, its strict / flexible filters and normalisation (expected values are what Python's `re`
// gives for lm-eval's gsm8k.yaml patterns), and greedy answers scored against their own text.
// That responses and scores equal lm-evaluation-harness's is tests/reference/test_exact_match.py.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include <fstream>

#include "core/demo/demo_model.h"
#include "core/eval/exact_match.h"
#include "core/model/model.h"
#include "core/text/tokenizer.h"
#include "expect_error.h"

using namespace aletheia;

namespace {

std::string writeFile(const QTemporaryDir& tmp, const std::string& name, const std::string& text) {
    const std::string path = tmp.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

}  // namespace

class TstExactMatch : public QObject {
    Q_OBJECT
private slots:
    void readsQuestions() {
        QTemporaryDir tmp;
        const auto qs = readAnswerQuestions(writeFile(
            tmp, "gsm.jsonl", "{\"question\": \"1 + 1?\", \"answer\": \"1 + 1 = 2\\n#### 2\"}\n\n{\"question\": \"q\", \"answer\": \"#### 3\"}\n"));
        QCOMPARE(qs.size(), size_t(2));
        QCOMPARE(qs[1].line, 3L);
        QCOMPARE(answerPrompt(qs[0]), std::string("Question: 1 + 1?\nAnswer:"));
    }

    void badFiles_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QStringList>("parts");
        const QString ok = "{\"question\": \"q\", \"answer\": \"#### 1\"}\n";
        QTest::newRow("no answer") << ok + "{\"question\": \"q\"}\n" << QStringList{"gsm.jsonl", ":2", "answer", "missing"};
        QTest::newRow("answer not a string") << "{\"question\": \"q\", \"answer\": 4}\n" << QStringList{":1", "answer"};
        QTest::newRow("empty final answer") << "{\"question\": \"q\", \"answer\": \"so #### \"}\n"
                                            << QStringList{":1", "answer", "no final answer"};
        QTest::newRow("no question") << "{\"answer\": \"#### 1\"}\n" << QStringList{":1", "question"};
        QTest::newRow("not an object") << ok + "[1]\n" << QStringList{":2", "JSON object"};
        QTest::newRow("malformed") << ok + "{\"question\": \n" << QStringList{"gsm.jsonl", "2"};
        QTest::newRow("empty") << "\n" << QStringList{"gsm.jsonl", "no questions"};
    }
    void badFiles() {
        QFETCH(QString, content);
        QFETCH(QStringList, parts);
        QTemporaryDir tmp;
        const std::string path = writeFile(tmp, "gsm.jsonl", content.toStdString());
        expectError([&] { readAnswerQuestions(path); }, parts);
        expectError([&] { readAnswerQuestions(tmp.filePath("missing.jsonl").toStdString()); }, {"missing.jsonl"});
    }

    void filtersAreTheHarnesss_data() {
        QTest::addColumn<QString>("response");
        QTest::addColumn<QString>("strict");
        QTest::addColumn<QString>("flexible");
        QTest::addColumn<QString>("flexibleNormalized");
        QTest::newRow("gsm8k style") << "The answer is 7.\n#### 7" << "7" << "7" << "7";
        QTest::newRow("no marker") << "so 12 * 10 = 120 eggs" << "[invalid]" << "120" << "120";
        QTest::newRow("sign, comma, dot") << "#### -1,234." << "-1,234." << "-1,234." << "-1234";
        QTest::newRow("dollars") << "costs $2.50." << "[invalid]" << "$2.50." << "2.50";
        QTest::newRow("nothing") << "no digits here" << "[invalid]" << "[invalid]" << "[invalid]";
        QTest::newRow("one digit") << "a 5 b" << "[invalid]" << "5" << "5";
        QTest::newRow("two markers") << "x #### 3 #### 4" << "3" << "4" << "4";
        QTest::newRow("dot before newline") << "8.\n" << "[invalid]" << "8." << "8";
    }
    void filtersAreTheHarnesss() {
        QFETCH(QString, response);
        QFETCH(QString, strict);
        QFETCH(QString, flexible);
        QFETCH(QString, flexibleNormalized);
        QCOMPARE(QString::fromStdString(strictAnswer(response.toStdString())), strict);
        QCOMPARE(QString::fromStdString(flexibleAnswer(response.toStdString())), flexible);
        QCOMPARE(QString::fromStdString(normalizedForMatch(flexible.toStdString())), flexibleNormalized);
    }

    // The gold side: everything up to the last "#### " goes, then commas, "$", a final dot.
    void goldAnswersAreNormalized() {
        QCOMPARE(normalizedForMatch("3 + 4 = 7\n#### 7"), std::string("7"));
        QCOMPARE(normalizedForMatch("#### 1,234"), std::string("1234"));
        QCOMPARE(normalizedForMatch("#### $2.5."), std::string("2.5"));
        QCOMPARE(normalizedForMatch("a #### b #### C"), std::string("c"));
    }

    // Greedy answers of a small trained model (the demo's: it writes digits), then the gold set to
    // each answer's own number: flexible exact match 1 wherever a number was found; a wrong gold:
    // 0. The same questions answered twice give the same text (greedy).
    void scoresGreedyAnswers() {
        QTemporaryDir tmp;
        demo::DemoOptions d;
        d.cacheDir = tmp.path().toStdString();
        d.layers = 2;
        d.hidden = 32;
        d.pretrainSteps = 200;
        const std::string dir = demo::ensureDemo(d).modelDir;
        const Model model = Model::load(dir);
        const Tokenizer tok = Tokenizer::fromDirectory(dir);
        std::vector<AnswerQuestion> qs;
        for (int i = 0; i < 8; ++i)
            qs.push_back({"sort: " + std::to_string(i) + " 3 1 =", "#### 999999", i + 1});
        ExactMatchOptions o;
        o.maxNewTokens = 24;
        o.modelDir = dir;
        const ExactMatchScore first = scoreAnswerQuestions(model, nullptr, tok, qs, o);
        QCOMPARE(first.samples.size(), qs.size());
        QCOMPARE(first.flexible, 0.0);
        int found = 0;
        for (size_t i = 0; i < qs.size(); ++i) {
            const AnswerSample& s = first.samples[i];
            QVERIFY(s.response.find("Question:") == std::string::npos);  // cut at the stop string
            if (s.flexible == "[invalid]") continue;
            ++found;
            qs[i].answer = "#### " + s.flexible;
        }
        QVERIFY2(found > 0, "the fixture's answers had no number: the test would check nothing");
        const ExactMatchScore second = scoreAnswerQuestions(model, nullptr, tok, qs, o);
        for (size_t i = 0; i < qs.size(); ++i) QCOMPARE(second.samples[i].response, first.samples[i].response);
        QCOMPARE(second.flexible, double(found) / double(qs.size()));

        // A prompt that leaves no room for the answer is refused, not truncated.
        o.maxNewTokens = model.config().maxPositions;
        expectError([&] { scoreAnswerQuestions(model, nullptr, tok, qs, o); }, {"line 1", "exceed", "positions"});
    }
};

QTEST_APPLESS_MAIN(TstExactMatch)
#include "tst_exact_match.moc"
