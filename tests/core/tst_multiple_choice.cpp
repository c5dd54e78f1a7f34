// Multiple-choice evaluation (core/eval/multiple_choice.h): the file format and its errors, the
// harness's prompt and tokenisation rules, and scores that do not depend on batching. That our
// numbers equal lm-evaluation-harness's is checked by tests/reference/test_multiple_choice.py.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include <cmath>
#include <fstream>

#include "core/eval/multiple_choice.h"
#include "core/model/model.h"
#include "core/text/demo_tokenizer.h"
#include "core/text/tokenizer.h"
#include "expect_error.h"

using namespace aletheia;

namespace {

std::string writeFile(const QTemporaryDir& tmp, const std::string& name, const std::string& text) {
    const std::string path = tmp.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

const char* kQuestions =
    "{\"question\": \"  Which is largest? \", \"choices\": [\"one\", \"two\", \"three\", \"ten\"], \"answer\": 3}\n"
    "\n"
    "{\"question\": \"pick b\", \"choices\": [\"a\", \"b\"], \"answer\": \"B\"}\n"
    "{\"question\": \"a sum: 2 + 2 =\", \"choices\": [\"3\", \"4\", \"5\"], \"answer\": 1}\n";

}  // namespace

class TstMultipleChoice : public QObject {
    Q_OBJECT
private slots:
    void readsQuestions() {
        QTemporaryDir tmp;
        const auto qs = readChoiceQuestions(writeFile(tmp, "mc.jsonl", kQuestions));
        QCOMPARE(qs.size(), size_t(3));
        QCOMPARE(qs[0].answer, 3);
        QCOMPARE(qs[1].answer, 1);  // the letter B
        QCOMPARE(qs[1].line, 3L);   // blank lines skipped, numbering kept
        QCOMPARE(qs[2].choices.size(), size_t(3));
    }

    // The harness's MMLU template (lm-eval tasks/mmlu/default/_default_template_yaml).
    void promptIsTheHarnesss() {
        ChoiceQuestion q{"  Which is largest? ", {"one", "two", "three", "ten"}, 3, 1};
        QCOMPARE(choicePrompt(q), std::string("Which is largest?\nA. one\nB. two\nC. three\nD. ten\nAnswer:"));
        QCOMPARE(choiceContinuation(0), std::string(" A"));
        QCOMPARE(choiceContinuation(25), std::string(" Z"));
    }

    void badFiles_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QStringList>("parts");
        const QString ok = "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n";
        QTest::newRow("answer out of range") << ok + "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 2}\n"
                                             << QStringList{":2", "answer", "[0, 2)", "A..B", "got 2"};
        QTest::newRow("answer letter") << "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": \"C\"}\n"
                                       << QStringList{":1", "answer", "got \"C\""};
        QTest::newRow("one choice") << "{\"question\": \"q\", \"choices\": [\"a\"], \"answer\": 0}\n"
                                    << QStringList{":1", "choices", "2 to 26 strings"};
        QTest::newRow("choice not a string") << "{\"question\": \"q\", \"choices\": [\"a\", 7], \"answer\": 0}\n"
                                             << QStringList{":1", "choices"};
        QTest::newRow("no question") << "{\"choices\": [\"a\", \"b\"], \"answer\": 0}\n" << QStringList{":1", "question"};
        QTest::newRow("no answer") << "{\"question\": \"q\", \"choices\": [\"a\", \"b\"]}\n" << QStringList{":1", "answer", "missing"};
        QTest::newRow("not an object") << ok + "[1, 2]\n" << QStringList{":2", "JSON object"};
        QTest::newRow("malformed") << ok + ok + "{\"question\": \n" << QStringList{"mc.jsonl", "3"};
        QTest::newRow("empty") << "\n\n" << QStringList{"mc.jsonl", "no questions"};
    }
    void badFiles() {
        QFETCH(QString, content);
        QFETCH(QStringList, parts);
        QTemporaryDir tmp;
        const std::string path = writeFile(tmp, "mc.jsonl", content.toStdString());
        expectError([&] { readChoiceQuestions(path); }, parts);
        expectError([&] { readChoiceQuestions(tmp.filePath("missing.jsonl").toStdString()); }, {"missing.jsonl"});
    }

    // lm-eval's _encode_pair: trailing whitespace of the context moves to the continuation, and the
    // continuation's ids are the tail of the whole text's ids.
    void encodesPairsAsTheHarness() {
        QTemporaryDir tmp;
        text::writeCharTokenizer(tmp.path().toStdString(), "abcdefghijklmnopqrstuvwxyz :");
        const Tokenizer tok = Tokenizer::fromDirectory(tmp.path().toStdString());
        const EncodedPair p = encodeChoicePair(tok, "llama", "answer: \n", " A");
        QCOMPARE(tok.decode(p.context, false), std::string("answer:"));
        QCOMPARE(tok.decode(p.continuation, false), std::string(" \n A"));
        std::vector<int32_t> joined = p.context;
        joined.insert(joined.end(), p.continuation.begin(), p.continuation.end());
        QCOMPARE(joined, tok.encode("answer: \n A", false));
        // The gemma families start with BOS (the harness sets add_bos_token for them).
        QCOMPARE(encodeChoicePair(tok, "gemma2", "answer:", " A").context, tok.encode("answer:", true));
    }

    // Right-padded batches give each question the scores it gets alone; acc counts argmax == answer.
    void scoresDoNotDependOnBatching() {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("model").toStdString();
        std::filesystem::copy(ALETHEIA_FIXTURES "/models/llama", dir, std::filesystem::copy_options::recursive);
        text::writeCharTokenizer(dir, "abcdefghijklmnopqrstuvwxyz0123456789 .,:=?+");
        const Model model = Model::load(dir);
        const Tokenizer tok = Tokenizer::fromDirectory(dir);
        auto qs = readChoiceQuestions(writeFile(tmp, "mc.jsonl", kQuestions));
        const ChoiceScore one = scoreChoiceQuestions(model, nullptr, tok, qs, 1);
        const ChoiceScore all = scoreChoiceQuestions(model, nullptr, tok, qs, 9);
        for (size_t q = 0; q < qs.size(); ++q) {
            QCOMPARE(one.loglikelihoods[q].size(), qs[q].choices.size());
            for (size_t c = 0; c < qs[q].choices.size(); ++c) {
                QVERIFY(one.loglikelihoods[q][c] < 0);
                QVERIFY2(std::abs(one.loglikelihoods[q][c] - all.loglikelihoods[q][c]) < 1e-5,
                         qPrintable(QString("q%1 c%2: %3 vs %4").arg(q).arg(c).arg(one.loglikelihoods[q][c]).arg(all.loglikelihoods[q][c])));
            }
        }
        // Answers set to the model's own best choice: acc 1; to another choice: acc 0.
        for (size_t q = 0; q < qs.size(); ++q) {
            const auto& ll = one.loglikelihoods[q];
            qs[q].answer = int(std::max_element(ll.begin(), ll.end()) - ll.begin());
        }
        QCOMPARE(scoreChoiceQuestions(model, nullptr, tok, qs, 4).acc, 1.0);
        for (auto& q : qs) q.answer = (q.answer + 1) % int(q.choices.size());
        const ChoiceScore wrong = scoreChoiceQuestions(model, nullptr, tok, qs, 4);
        QCOMPARE(wrong.acc, 0.0);
        QCOMPARE(wrong.accNorm, 0.0);
    }
};

QTEST_APPLESS_MAIN(TstMultipleChoice)
#include "tst_multiple_choice.moc"
