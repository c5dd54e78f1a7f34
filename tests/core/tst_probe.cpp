// The one-pass gradient probe against (1) the fixtures' reference gradient norms, computed by an
// independent implementation, and (2) explicit full weight gradients from our own engine
// (the reference method's chunked scheme). Plus streaming, stop, and leaving the model clean.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <cmath>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/io/safetensors_reader.h"
#include "core/model/cell_name.h"
#include "core/model/model.h"
#include "core/probe/gradient_norm_linear.h"
#include "core/probe/probe.h"
#include "core/probe/probe_json.h"

using namespace aletheia;

namespace {

const char* kFamilies[] = {"llama", "mistral", "qwen2", "qwen3", "gemma", "phi3", "gpt_neox", "mixtral", "qwen2_moe", "gpt2"};

std::string fixtureDir(const QString& family) { return std::string(ALETHEIA_FIXTURES) + "/models/" + family.toStdString(); }

double rel(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-30}); }

// Batches with padding (mask 0 on the tail of row 1) and labels = input_ids.
std::vector<Batch> randomBatches(const Model& m, int count, int64_t B, int64_t T, uint64_t seed) {
    torch::manual_seed(seed);
    std::vector<Batch> out;
    for (int i = 0; i < count; ++i) {
        Batch b;
        b.input_ids = torch::randint(0, m.config().vocabSize, {B, T}, torch::kLong);
        b.attention_mask = torch::ones({B, T}, torch::kLong);
        if (B > 1) b.attention_mask[1].narrow(0, T - 3, 3).fill_(0);
        b.labels = b.input_ids.masked_fill(b.attention_mask.eq(0), -100);
        out.push_back(b);
    }
    return out;
}

// ||dL/dW||_F of every projection from one ordinary backward with all of them trainable.
std::map<std::string, double> fullGradientNorms(const Model& m, const Batch& b) {
    const auto linears = m.linears();
    for (Linear* l : linears) l->weight.requires_grad_(true);
    std::map<std::string, double> out;
    {
        torch::AutoGradMode grad(true);
        m.forward(b.input_ids, b.attention_mask, b.input_ids).loss.backward();
    }
    for (Linear* l : linears) {
        out[l->name + ".weight"] = l->weight.grad().to(torch::kDouble).norm().item<double>();
        l->weight.mutable_grad().reset();
        l->weight.requires_grad_(false);
    }
    return out;
}

}  // namespace

class TstProbe : public QObject {
    Q_OBJECT
private slots:
    void matchesFixtureGradientNorms_data() {
        QTest::addColumn<QString>("family");
        for (const char* f : kFamilies) QTest::newRow(f) << QString(f);
    }
    void matchesFixtureGradientNorms() {
        QFETCH(QString, family);
        const auto dir = fixtureDir(family);
        const auto model = Model::load(dir);
        const auto ref = SafetensorsFile::open(dir + "/reference.safetensors");
        Batch b{ref->tensor("input_ids").to(torch::kLong), {}, ref->tensor("attention_mask").to(torch::kLong)};
        const auto s = runProbe(model, {b});
        int compared = 0;
        for (const auto& e : ref->entries()) {
            if (e.name.rfind("grad_norm.", 0) != 0) continue;
            const auto weight = e.name.substr(std::string("grad_norm.").size());
            QVERIFY2(s.weightGradNorms.count(weight), weight.c_str());
            const double expected = ref->tensor(e.name).item<double>();
            const double got = s.weightGradNorms.at(weight);
            QVERIFY2(rel(got, expected) < 1e-4, qPrintable(QString("%1: %2 vs %3").arg(weight.c_str()).arg(got).arg(expected)));
            ++compared;
        }
        QCOMPARE(compared, int(s.weightGradNorms.size()));
        QVERIFY(compared > 0);
        // The same batch through plain autograd: every weight trainable, one full backward,
        // ||W.grad||_F. Independent of the probe's Function, of its Gram form and of chunking.
        const auto explicitNorms = fullGradientNorms(model, b);
        QCOMPARE(explicitNorms.size(), s.weightGradNorms.size());
        for (const auto& [weight, expected] : explicitNorms) {
            QVERIFY2(s.weightGradNorms.count(weight), weight.c_str());
            const double got = s.weightGradNorms.at(weight);
            QVERIFY2(rel(got, expected) < 1e-4,
                     qPrintable(QString("%1: probe %2 vs autograd %3").arg(weight.c_str()).arg(got).arg(expected)));
        }
        // The reference rule's layer scores are sums of the layer's weight-gradient norms.
        double layers = 0, weights = 0;
        for (double v : s.layerScores) layers += v;
        for (const auto& kv : s.weightGradNorms) weights += kv.second;
        QVERIFY(rel(layers, weights) < 1e-9);
    }

    void onePassEqualsExplicitGradients_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<int>("seq");
        for (const char* f : kFamilies) {
            QTest::addRow("%s_gram", f) << QString(f) << 8;     // N (tokens) small: Gram identity
            QTest::addRow("%s_direct", f) << QString(f) << 48;  // N large: dW formed and dropped
        }
    }
    void onePassEqualsExplicitGradients() {
        QFETCH(QString, family);
        QFETCH(int, seq);
        const auto model = Model::load(fixtureDir(family));
        const auto batches = randomBatches(model, 2, 2, seq, 7);
        const auto fast = probeStats(model, batches);
        const auto slow = referenceProbeStats(model, batches, 2);  // 2 layers per chunk: several chunks
        QCOMPARE(fast.batches, 2);
        QCOMPARE(slow.batches, 2);
        QCOMPARE(fast.parts.size(), slow.parts.size());
        for (size_t i = 0; i < fast.parts.size(); ++i)
            for (int b = 0; b < 2; ++b) {
                const double f = std::sqrt(fast.parts[i].gradSq[size_t(b)]), e = std::sqrt(slow.parts[i].gradSq[size_t(b)]);
                QVERIFY2(rel(f, e) < 1e-4 || (e < 1e-12 && f < 1e-12),
                         qPrintable(QString("%1 %2 batch %3: %4 vs %5")
                                        .arg(fast.parts[i].weight.c_str(), fast.parts[i].role.c_str()).arg(b).arg(f).arg(e)));
            }
        // Weights are frozen again and carry no gradient (the probe's sinks never were on the model).
        for (const Linear* l : model.linears()) {
            QVERIFY(!l->weight.requires_grad());
            QVERIFY(!l->weight.grad().defined());
        }
    }

    void moduleNamesUniquePerLayer_data() {
        QTest::addColumn<QString>("family");
        for (const char* f : kFamilies) QTest::newRow(f) << QString(f);
    }
    void moduleNamesUniquePerLayer() {
        // Plans, the probe table and LoRA address a projection by (layer, module): two different
        // projections of a layer must not share a name (GPT-2's two c_proj did, and the probe
        // wrote its MLP "down" scores outside the score matrix).
        QFETCH(QString, family);
        const auto model = Model::load(fixtureDir(family));
        std::set<std::pair<int, std::string>> seen;
        for (const Linear* l : model.linears())
            if (l->expert < 0) QVERIFY2(seen.insert({l->layer, l->module}).second, l->name.c_str());
        const auto t = moduleTable(model);
        std::set<std::string> roles;
        for (const Linear* l : model.linears())
            for (const auto& p : l->parts) roles.insert(p.role);
        for (const auto& r : roles) QVERIFY2(t.roleIndex(r) >= 0, r.c_str());  // every role has a column
        for (const auto& m : t.modules) {
            const Linear* first = nullptr;
            for (const Linear* l : model.linears())
                if (l->layer == m.layer && pooledCellModule(*l) == m.module && !first) first = l;
            QVERIFY(first);
            QCOMPARE(m.in, first->inFeatures());
            QCOMPARE(m.out, first->outFeatures());
        }
        if (family == "gpt2") {
            QVERIFY(t.find(0, "attn.c_proj") >= 0);
            QVERIFY(t.find(0, "mlp.c_proj") >= 0);
            QCOMPARE(t.modules[size_t(t.find(0, "mlp.c_proj"))].roles, std::vector<std::string>{"down"});
        }
    }

    void scoringRejectsInconsistentStats() {
        // A part whose role has no column must be an error, never a write outside the matrix.
        ProbeStats st;
        st.table.numLayers = 1;
        TargetModule m;
        m.layer = 0;
        m.module = "c_proj";
        m.in = m.out = 4;
        m.roles = {"o"};
        st.table.modules.push_back(m);
        st.table.collectRoles();
        st.batches = 1;
        st.parts.push_back({0, "h.0.attn.c_proj.weight", -1, "o", 4, 1.0, {1.0}});
        st.parts.push_back({0, "h.0.mlp.c_proj.weight", -1, "down", 4, 1.0, {1.0}});
        QVERIFY_THROWS_EXCEPTION(Error, scoreStats(st, ScoringRule::GradNorm));
        st.parts.pop_back();
        st.parts.push_back({3, "h.0.mlp.c_fc.weight", -1, "o", 4, 1.0, {1.0}});
        QVERIFY_THROWS_EXCEPTION(Error, scoreStats(st, ScoringRule::GradNorm));
        st.parts.pop_back();
        QCOMPARE(scoreStats(st, ScoringRule::GradNorm).scores[0][0], 1.0);
    }

    // probe_scores.json read back plans like the probe itself; scores of another model are refused.
    void scoresJsonRoundTrip() {
        const auto model = Model::load(fixtureDir("llama"));
        const ProbeScores s = runProbe(model, randomBatches(model, 2, 2, 12, 5), {});
        const ModuleTable table = moduleTable(model);
        const ProbeScores back = probeScoresFromJson(nlohmann::json::parse(probeScoresToJson(s).dump()), table);
        QCOMPARE(back.rule, s.rule);
        QCOMPARE(back.batches, 2);
        QCOMPARE(back.modules, s.modules);
        QCOMPARE(back.scores, s.scores);
        QCOMPARE(back.layerScores, s.layerScores);
        QCOMPARE(back.targetScores, s.targetScores);
        QCOMPARE(back.weightGradNorms, s.weightGradNorms);
        QCOMPARE(int(back.table.modules.size()), int(table.modules.size()));
        // Every batch timed, with its shape, and the timings read back.
        QCOMPARE(int(s.timing.size()), 2);
        for (size_t b = 0; b < 2; ++b) {
            QCOMPARE(s.timing[b].rows, int64_t(2));
            QCOMPARE(s.timing[b].seq, int64_t(12));
            QVERIFY(s.timing[b].forwardSeconds > 0 && s.timing[b].backwardSeconds > 0);
            QCOMPARE(back.timing[b].forwardSeconds, s.timing[b].forwardSeconds);
            QCOMPARE(back.timing[b].backwardSeconds, s.timing[b].backwardSeconds);
        }

        const nlohmann::json j = probeScoresToJson(s);
        auto refused = [&](const ModuleTable& other, const std::string& why) {
            try {
                probeScoresFromJson(j, other);
            } catch (const Error& e) {
                return QString(e.what()).contains(QString::fromStdString(why));
            }
            return false;
        };
        QVERIFY(refused(moduleTable(Model::load(fixtureDir("gpt2"))), "the scores are for 3 layers, the model has 2"));
        ModuleTable otherColumns = table;
        otherColumns.roles.pop_back();
        QVERIFY(refused(otherColumns, "logical modules differ"));
        ModuleTable renamed = table;
        renamed.modules[0].module = "query";
        QVERIFY(refused(renamed, "no layer 0 'query'"));
        nlohmann::json badTiming = j;
        badTiming["timing"][0]["rows"] = 0;
        try {
            probeScoresFromJson(badTiming, table);
            QFAIL("no throw");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("timing entry needs rows"), e.what());
        }
        nlohmann::json broken = j;
        broken.erase("targets");
        try {
            probeScoresFromJson(broken, table);
            QFAIL("no throw");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("not a probe scores document"), e.what());
        }
    }

    void gramAndDirectFormsAgree() {
        // Interleaved row blocks (gpt_neox style) and both evaluation forms against X^T G.
        torch::manual_seed(3);
        std::vector<LogicalPart> parts = {{"q", {{0, 2}, {6, 8}}}, {"k", {{2, 4}, {8, 10}}}, {"v", {{4, 6}, {10, 12}}}};
        for (int64_t n : {3, 200}) {
            auto x = torch::randn({n, 16}, torch::kDouble), g = torch::randn({n, 12}, torch::kDouble);
            const auto got = weightGradSqNorms(x, g, parts);
            const auto dW = g.t().mm(x);  // [12, 16]
            for (size_t p = 0; p < parts.size(); ++p) {
                const double expected = selectPart(dW.t(), parts[p]).square().sum().item<double>();
                QVERIFY(rel(got[int64_t(p)].item<double>(), expected) < 1e-10);
            }
        }
    }

    void streamsAndStops() {
        const auto model = Model::load(fixtureDir("llama"));
        const auto batches = randomBatches(model, 4, 2, 12, 1);
        StopToken stop;
        std::vector<int> seen;
        const auto s = runProbe(model, batches, {ScoringRule::Relative},
                                [&](const ProbeScores& running, int done, int total) {
                                    QCOMPARE(total, 4);
                                    QCOMPARE(running.batches, done);
                                    QCOMPARE(int(running.history.size()), done);
                                    QCOMPARE(int(running.scores.size()), model.numLayers());
                                    seen.push_back(done);
                                    if (done == 2) stop.requestStop();
                                },
                                &stop);
        QCOMPARE(seen, (std::vector<int>{1, 2}));
        QCOMPARE(s.batches, 2);
        QCOMPARE(s.rule, ScoringRule::Relative);
        // Two batches: a spread exists and is finite.
        for (const auto& row : s.spread)
            for (double v : row) QVERIFY(std::isfinite(v) && v >= 0);
    }

    void fusedModulesShowLogicalParts_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("fused");
        QTest::addColumn<QStringList>("roles");
        QTest::newRow("gpt_neox") << "gpt_neox" << "query_key_value" << QStringList{"q", "k", "v"};
        QTest::newRow("gpt2") << "gpt2" << "c_attn" << QStringList{"q", "k", "v"};
        QTest::newRow("phi3 qkv") << "phi3" << "qkv_proj" << QStringList{"q", "k", "v"};
        QTest::newRow("phi3 gate_up") << "phi3" << "gate_up_proj" << QStringList{"gate", "up"};
    }
    void fusedModulesShowLogicalParts() {
        QFETCH(QString, family);
        QFETCH(QString, fused);
        QFETCH(QStringList, roles);
        const auto model = Model::load(fixtureDir(family));
        const auto s = runProbe(model, randomBatches(model, 1, 2, 12, 5));
        const int t = s.table.find(0, fused.toStdString());
        QVERIFY(t >= 0);  // the plan targets the real fused module ...
        std::vector<std::string> expected;
        for (const auto& r : roles) expected.push_back(r.toStdString());
        QCOMPARE(s.table.modules[size_t(t)].roles, expected);
        // ... while the heatmap shows its parts, whose squares add up to the whole.
        double sq = 0;
        for (const auto& r : expected) {
            const int col = s.table.roleIndex(r);
            QVERIFY(col >= 0);
            sq += s.scores[0][size_t(col)] * s.scores[0][size_t(col)];
        }
        const auto w = s.weightGradNorms.at(s.table.modules[size_t(t)].weight);
        QVERIFY(rel(std::sqrt(sq), w) < 1e-9);
    }

    void moeExpertsAggregatePerLayer() {
        const auto model = Model::load(fixtureDir("mixtral"));
        const auto s = runProbe(model, randomBatches(model, 1, 2, 12, 9));
        const auto& cfg = model.config();
        QVERIFY(!s.experts.empty());
        // One table entry per (layer, w1/w2/w3) pooling every expert; its score sums the experts'.
        const int t = s.table.find(0, "experts.*.w1");
        QVERIFY(t >= 0);
        QCOMPARE(s.table.modules[size_t(t)].count, int(cfg.numExperts));
        double sum = 0;
        for (const auto& e : s.experts)
            if (e.layer == 0 && e.role == "gate") sum += e.score;
        QVERIFY(rel(sum, s.targetScores[size_t(t)]) < 1e-9);
        QVERIFY(s.table.roleIndex("router") >= 0);
    }
};

QTEST_APPLESS_MAIN(TstProbe)
#include "tst_probe.moc"
