// The demo's synthetic skills: deterministic per seed, answers correct, alphabet complete.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <algorithm>

#include "core/common/error.h"
#include "core/demo/demo_data.h"
#include "core/demo/skill_corpus.h"

#include <QTemporaryDir>
#include <fstream>
#include <set>
#include <sstream>

using namespace aletheia::demo;

class TstDemoCorpus : public QObject {
    Q_OBJECT
private slots:
    void deterministicPerSeed() {
        auto a = makeExamples(pretrainingSkills(), 200, 7);
        auto b = makeExamples(pretrainingSkills(), 200, 7);
        auto c = makeExamples(pretrainingSkills(), 200, 8);
        int differ = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].prompt + a[i].response, b[i].prompt + b[i].response);
            differ += (a[i].prompt != c[i].prompt);
        }
        QVERIFY(differ > 100);
    }
    void answersAreRight() {
        for (const auto& e : makeExamples({"max", "sort", "first", "last", "length"}, 100, 3)) {
            auto body = e.prompt.substr(e.prompt.find(':') + 2);
            body = body.substr(0, body.size() - 2);  // drop " ="
            std::string expect;
            if (e.skill == "first") expect = body.substr(0, 1);
            if (e.skill == "last") expect = body.substr(body.size() - 1);
            if (e.skill == "length") expect = std::to_string(body.size());
            if (e.skill == "max") expect = std::string(1, *std::max_element(body.begin(), body.end()));  // ' ' < digits
            if (e.skill == "sort") {
                std::string digits;
                for (char ch : body) if (ch != ' ') digits += ch;
                std::sort(digits.begin(), digits.end());
                for (size_t i = 0; i < digits.size(); ++i) expect += (i ? " " : "") + std::string(1, digits[i]);
            }
            QCOMPARE(e.response, " " + expect);
        }
    }
    void alphabetCoversEverything() {
        const auto alphabet = skillAlphabet();
        auto skills = pretrainingSkills();
        skills.push_back(fineTuneSkill());
        for (const auto& e : makeExamples(skills, 700, 11))
            for (char ch : e.prompt + e.response) QVERIFY2(alphabet.find(ch) != std::string::npos, e.prompt.c_str());
    }
    void fineTuneSkillIsHeldOut() {
        const auto& s = pretrainingSkills();
        QVERIFY(std::find(s.begin(), s.end(), fineTuneSkill()) == s.end());
    }
    // The checked-in demo datasets are exactly what the generator writes.
    void checkedInDatasetsAreRegenerable() {
        QTemporaryDir dir;
        writeDemoDatasets(dir.path().toStdString());
        for (const char* name : {"task.jsonl", "general.jsonl", "replay.jsonl", "train.jsonl", "task_val.jsonl"}) {
            auto slurp = [](const std::string& p) {
                std::ifstream in(p, std::ios::binary);
                std::stringstream ss;
                ss << in.rdbuf();
                return ss.str();
            };
            const auto fresh = slurp(dir.path().toStdString() + "/" + name);
            QVERIFY(!fresh.empty());
            QCOMPARE(slurp(std::string(ALETHEIA_SOURCE_DIR) + "/resources/demo/" + name), fresh);
        }
    }
    // The fine-tuning data: the task's training part, each example followed by one replay example
    // of the pretraining skills; no replay example is one the forgetting set measures, and the
    // task's held-out part is not trained on.
    void fineTuneDataMixesTaskAndReplay() {
        QTemporaryDir dir;
        writeDemoDatasets(dir.path().toStdString());
        const auto lines = [&](const char* name) {
            std::ifstream in(dir.path().toStdString() + "/" + name);
            std::vector<std::string> out;
            for (std::string l; std::getline(in, l);) out.push_back(l);
            return out;
        };
        const auto task = lines("task.jsonl"), train = lines("train.jsonl"), val = lines("task_val.jsonl"),
                   general = lines("general.jsonl"), replay = lines("replay.jsonl");
        QCOMPARE(int(train.size()), kTaskTrainExamples * (1 + kReplayPerTask));
        QCOMPARE(int(val.size()), kTaskExamples - kTaskTrainExamples);
        for (int i = 0; i < kTaskTrainExamples; ++i) {
            QCOMPARE(train[size_t(i * 2)], task[size_t(i)]);
            QCOMPARE(train[size_t(i * 2 + 1)], replay[size_t(i)]);
            QVERIFY(train[size_t(i * 2 + 1)].find("\"max: ") == std::string::npos);
        }
        QCOMPARE(val.front(), task[size_t(kTaskTrainExamples)]);
        const std::set<std::string> measured(general.begin(), general.end());
        for (const auto& r : replay) QVERIFY2(!measured.count(r), r.c_str());
        QCOMPARE(std::set<std::string>(replay.begin(), replay.end()).size(), replay.size());
    }
    void unknownSkillIsAnError() {
        uint64_t st = 1;
        QVERIFY_THROWS_EXCEPTION(aletheia::Error, makeExample("juggle", st));
    }
};

QTEST_APPLESS_MAIN(TstDemoCorpus)
#include "tst_demo_corpus.moc"
