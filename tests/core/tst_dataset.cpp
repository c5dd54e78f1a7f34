// JSONL datasets -> ids and labels, checked token for token against ids and masks computed
// independently (real Qwen3 template via jinja2, Hugging Face tokenizers with offsets: see
// fixtures/text/make_dataset_expected.py); bad lines reported with file and line; seeded
// shuffle/split/packing reproducible; batches padded and masked correctly.
#include <QtTest/QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/batching.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"

using namespace aletheia::text;
using aletheia::Tokenizer;

namespace {
std::string dataFile(const std::string& name) { return std::string(ALETHEIA_FIXTURES) + "/text/datasets/" + name; }

const Tokenizer& qwen() {
    static const Tokenizer t = Tokenizer::fromDirectory(std::string(ALETHEIA_FIXTURES) + "/tokenizers/qwen3");
    return t;
}

QString join(const std::vector<int32_t>& v) {
    QStringList s;
    for (auto x : v) s << QString::number(x);
    return s.join(",");
}

// A text dataset of n numbered lines in a temporary file.
std::string writeNumbered(const QTemporaryDir& dir, int n) {
    const std::string path = dir.path().toStdString() + "/numbered.jsonl";
    std::ofstream out(path);
    for (int i = 0; i < n; ++i) out << nlohmann::json{{"text", "example number " + std::to_string(i)}}.dump() << "\n";
    return path;
}
}  // namespace

class TstDataset : public QObject {
    Q_OBJECT
private slots:
    void shapesGiveReferenceIdsAndMasks_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("group");
        QTest::addColumn<int>("style");
        QTest::addColumn<int>("expectedShape");
        QTest::newRow("text") << "text.jsonl" << "text" << int(InstructionStyle::Auto) << int(DatasetShape::Text);
        QTest::newRow("alpaca") << "alpaca.jsonl" << "alpaca" << int(InstructionStyle::Alpaca) << int(DatasetShape::Instruction);
        QTest::newRow("alpaca-as-chat") << "alpaca.jsonl" << "alpaca_chat" << int(InstructionStyle::Auto) << int(DatasetShape::Instruction);
        QTest::newRow("chat") << "chat.jsonl" << "chat" << int(InstructionStyle::Auto) << int(DatasetShape::Chat);
    }
    void shapesGiveReferenceIdsAndMasks() {
        QFETCH(QString, file);
        QFETCH(QString, group);
        QFETCH(int, style);
        QFETCH(int, expectedShape);
        std::ifstream in(dataFile("expected_qwen3.json"));
        const auto expected = nlohmann::json::parse(in).at(group.toStdString());
        DatasetOptions o;
        o.shuffle = false;
        o.instructionStyle = static_cast<InstructionStyle>(style);
        const Dataset ds = loadJsonlDataset(dataFile(file.toStdString()), qwen(), o);
        QCOMPARE(int(ds.shape), expectedShape);
        QCOMPARE(ds.train.size(), expected.size());
        QVERIFY(ds.skipped.empty());
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(join(ds.train[i].inputIds), join(expected[i]["ids"].get<std::vector<int32_t>>()));
            QCOMPARE(join(ds.train[i].labels), join(expected[i]["labels"].get<std::vector<int32_t>>()));
        }
    }

    void trainOnPromptLabelsEverything() {
        DatasetOptions o;
        o.shuffle = false;
        o.trainOnPrompt = true;
        const Dataset ds = loadJsonlDataset(dataFile("chat.jsonl"), qwen(), o);
        for (const auto& ex : ds.train) QCOMPARE(join(ex.labels), join(ex.inputIds));
    }

    void badLinesAreReportedWithFileAndLine_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("problem");
        QTest::newRow("bad JSON") << 0 << 2 << "invalid JSON";
        QTest::newRow("missing field") << 1 << 3 << "missing field 'text'";
        QTest::newRow("wrong type") << 2 << 4 << "field 'text' must be a string (got number)";
        QTest::newRow("not an object") << 3 << 5 << "expected a JSON object, got array";
    }
    void badLinesAreReportedWithFileAndLine() {
        QFETCH(int, index);
        QFETCH(int, line);
        QFETCH(QString, problem);
        DatasetOptions o;
        o.shuffle = false;
        const std::string path = dataFile("bad_lines.jsonl");
        const Dataset ds = loadJsonlDataset(path, qwen(), o);
        QCOMPARE(ds.train.size(), size_t(2));
        QCOMPARE(ds.skipped.size(), size_t(4));
        const BadLine& b = ds.skipped[static_cast<size_t>(index)];
        QCOMPARE(b.file, path);
        QCOMPARE(b.line, long(line));
        QVERIFY2(QString::fromStdString(b.problem).startsWith(problem), b.problem.c_str());
        QVERIFY(QString::fromStdString(b.message()).startsWith(QString::fromStdString(path + ":" + std::to_string(line) + ": ")));
    }

    void badLineIsFatalWhenAsked() {
        DatasetOptions o;
        o.skipBadLines = false;
        const std::string path = dataFile("bad_lines.jsonl");
        try {
            loadJsonlDataset(path, qwen(), o);
            QFAIL("no throw");
        } catch (const aletheia::Error& e) {
            QCOMPARE(e.context().file, path);
            QCOMPARE(e.context().line, 2L);
            QVERIFY(QString(e.what()).startsWith(QString::fromStdString(path + ":2: invalid JSON")));
        }
    }

    void emptyAndMissingFilesAreErrors() {
        for (const std::string& path : {dataFile("empty.jsonl"), dataFile("no_such_file.jsonl")}) {
            try {
                loadJsonlDataset(path, qwen(), DatasetOptions{});
                QFAIL("no throw");
            } catch (const aletheia::Error& e) {
                QCOMPARE(e.context().file, path);
            }
        }
    }

    void shuffleSplitAndPackingAreDeterministic() {
        QTemporaryDir dir;
        const std::string path = writeNumbered(dir, 60);
        DatasetOptions o;
        o.seed = 7;
        o.validationFraction = 0.2;
        const Dataset a = loadJsonlDataset(path, qwen(), o), b = loadJsonlDataset(path, qwen(), o);
        QCOMPARE(a.train.size(), size_t(48));
        QCOMPARE(a.validation.size(), size_t(12));
        std::set<std::string> seen;
        for (size_t i = 0; i < a.train.size(); ++i) {
            QCOMPARE(join(a.train[i].inputIds), join(b.train[i].inputIds));
            seen.insert(join(a.train[i].inputIds).toStdString());
        }
        for (const auto& ex : a.validation) QVERIFY(seen.insert(join(ex.inputIds).toStdString()).second);  // disjoint
        o.seed = 8;
        const Dataset c = loadJsonlDataset(path, qwen(), o);
        bool differs = false;
        for (size_t i = 0; i < a.train.size(); ++i) differs |= a.train[i].inputIds != c.train[i].inputIds;
        QVERIFY(differs);

        o.seed = 7;
        o.pack = true;
        o.maxSeqLen = 32;
        const Dataset p = loadJsonlDataset(path, qwen(), o), q = loadJsonlDataset(path, qwen(), o);
        QVERIFY(p.train.size() < a.train.size());
        long packedTokens = 0, plainTokens = 0;
        for (size_t i = 0; i < p.train.size(); ++i) {
            QVERIFY(p.train[i].inputIds.size() <= 32);
            QCOMPARE(join(p.train[i].inputIds), join(q.train[i].inputIds));
            packedTokens += static_cast<long>(p.train[i].inputIds.size());
        }
        for (const auto& ex : a.train) plainTokens += static_cast<long>(ex.inputIds.size());
        QCOMPARE(packedTokens, plainTokens);  // packing drops nothing
        // The concatenation follows the shuffled order.
        std::vector<int32_t> flatPacked, flatPlain;
        for (const auto& ex : p.train) flatPacked.insert(flatPacked.end(), ex.inputIds.begin(), ex.inputIds.end());
        for (const auto& ex : a.train) flatPlain.insert(flatPlain.end(), ex.inputIds.begin(), ex.inputIds.end());
        QCOMPARE(join(flatPacked), join(flatPlain));
    }

    void truncationAndCancellation() {
        DatasetOptions o;
        o.shuffle = false;
        o.maxSeqLen = 5;
        const Dataset ds = loadJsonlDataset(dataFile("text.jsonl"), qwen(), o);
        QCOMPARE(ds.truncated, 3L);
        for (const auto& ex : ds.train) QCOMPARE(ex.inputIds.size(), size_t(5));

        aletheia::StopToken stop;
        stop.requestStop();
        const Dataset cancelled = loadJsonlDataset(dataFile("text.jsonl"), qwen(), DatasetOptions{}, {}, &stop);
        QVERIFY(cancelled.cancelled);
        QVERIFY(cancelled.train.empty());
    }

    void progressIsReported() {
        long lastDone = -1, lastTotal = -1;
        loadJsonlDataset(dataFile("text.jsonl"), qwen(), DatasetOptions{},
                         [&](long done, long total, const std::string&) { lastDone = done; lastTotal = total; });
        QVERIFY(lastTotal > 0);
        QCOMPARE(lastDone, lastTotal);
    }

    void batchesArePaddedAndMasked() {
        std::vector<Example> ex = {{{5, 6, 7}, {-100, 6, 7}}, {{8}, {8}}};
        const Batch b = makeBatch(ex, {1, 0}, 0);
        QCOMPARE(b.inputIds.sizes().vec(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(b.inputIds.scalar_type(), torch::kInt64);
        QVERIFY(torch::equal(b.inputIds, torch::tensor({8, 0, 0, 5, 6, 7}, torch::kInt64).view({2, 3})));
        QVERIFY(torch::equal(b.labels, torch::tensor({8, -100, -100, -100, 6, 7}, torch::kInt64).view({2, 3})));
        QVERIFY(torch::equal(b.attentionMask, torch::tensor({1, 0, 0, 1, 1, 1}, torch::kInt64).view({2, 3})));
        QCOMPARE(makeBatch(ex, {0}, 0, 8).inputIds.size(1), int64_t(8));
    }

    void epochOrderIsSeededPerEpoch() {
        const auto e0 = epochBatches(10, 3, 42, 0), again = epochBatches(10, 3, 42, 0), e1 = epochBatches(10, 3, 42, 1);
        QCOMPARE(e0, again);
        QVERIFY(e0 != e1);
        QCOMPARE(e0.size(), size_t(4));
        QCOMPARE(e0.back().size(), size_t(1));
        QCOMPARE(epochBatches(10, 3, 42, 0, true, true).size(), size_t(3));
        std::vector<size_t> all;
        for (const auto& b : e1) all.insert(all.end(), b.begin(), b.end());
        std::sort(all.begin(), all.end());
        for (size_t i = 0; i < 10; ++i) QCOMPARE(all[i], i);
    }
};

QTEST_APPLESS_MAIN(TstDataset)
#include "tst_dataset.moc"
