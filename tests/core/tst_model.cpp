// Model behaviour beyond reference parity: save/load round trips for every family, padding masks,
// loss masking, bf16, the per-block entry points, the Linear hooks (adapter, probe), RoPE scaling.
#include <fstream>
#include <set>

#include <torch/torch.h>
#include <QtTest/QtTest>

#include "core/common/error.h"
#include "core/io/safetensors_reader.h"
#include "core/model/model.h"
#include "core/model/rope.h"

using namespace aletheia;

namespace {
const std::string kFixtures = std::string(ALETHEIA_FIXTURES) + "/models/";
const char* kFamilies[] = {"llama", "mistral", "qwen2", "qwen3", "gemma", "phi3", "gpt_neox", "gpt2", "mixtral", "qwen2_moe",
                           "mistral_sliding", "gemma2", "stablelm", "stablelm_parallel", "gemma3_text"};
torch::Tensor ids(int64_t B, int64_t T, int64_t vocab, int seed = 0) {
    torch::manual_seed(seed);
    return torch::randint(0, vocab, {B, T}, torch::kLong);
}
// A fixture's config.json with the keys of `extra` (a JSON object) set; null values stay as null.
nlohmann::json configWith(const std::string& fixture, const std::string& extra) {
    auto j = nlohmann::json::parse(std::ifstream(kFixtures + fixture + "/config.json"));
    const auto patch = nlohmann::json::parse(extra);  // named: items() of a temporary would dangle
    for (const auto& kv : patch.items()) j[kv.key()] = kv.value();
    return j;
}
double maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<double>();
}

// Adds 1 to the output of the one projection named `name`.
struct AddOne : LinearAdapters {
    torch::Tensor delta(const torch::Tensor& x, const Linear& l, bool) const override {
        if (l.name != name) return {};
        auto s = x.sizes().vec();
        s.back() = l.outFeatures();
        return torch::ones(s, x.options());
    }
    std::string name;
};
struct CountingProbe : LinearProbes {
    mutable int calls = 0;
    torch::Tensor forward(const torch::Tensor& x, const Linear& l) const override {
        ++calls;
        return torch::nn::functional::linear(x, l.weight, l.bias);
    }
};
}  // namespace

class TstModel : public QObject {
    Q_OBJECT
private slots:
    void families_data() {
        QTest::addColumn<QString>("family");
        for (const char* f : kFamilies) QTest::newRow(f) << QString(f);
    }
    // randomInit -> save -> load: same logits, and the files use exactly the HF checkpoint names.
    void families() {
        QFETCH(QString, family);
        const std::string fx = kFixtures + family.toStdString();
        ModelConfig cfg = ModelConfig::load(fx + "/config.json");
        Model m = Model::randomInit(cfg, 7);
        QTemporaryDir tmp;
        m.save(tmp.path().toStdString());
        Model back = Model::load(tmp.path().toStdString());
        auto x = ids(2, 9, cfg.vocabSize);
        // The weights come back bit for bit; the logits to float rounding: torch 2's CPU kernels may
        // sum in another order for another tensor's storage (seen on the MoE families).
        const auto pm = m.parameters(), pb = back.parameters();
        QCOMPARE(pm.size(), pb.size());
        for (size_t i = 0; i < pm.size(); ++i) QVERIFY(torch::equal(pm[i], pb[i]));
        QVERIFY(maxDiff(m.forward(x).logits, back.forward(x).logits) <= 1e-6);
        std::set<std::string> saved, fixture;
        auto savedFile = SafetensorsFile::open(tmp.path().toStdString() + "/model.safetensors");
        auto fixtureFile = SafetensorsFile::open(fx + "/model.safetensors");
        for (const auto& e : savedFile->entries()) saved.insert(e.name);
        for (const auto& e : fixtureFile->entries()) fixture.insert(e.name);
        QVERIFY(saved == fixture);
        QCOMPARE(back.config().toJson()["model_type"].get<std::string>(), cfg.modelType);
        QVERIFY(!m.parameters().front().requires_grad());
    }

    void rightPaddingDoesNotChangeRealTokens_data() { families_data(); }
    void rightPaddingDoesNotChangeRealTokens() {
        QFETCH(QString, family);
        Model m = Model::load(kFixtures + family.toStdString());
        auto x = ids(1, 10, m.config().vocabSize, 3);
        auto mask = torch::ones({1, 10}, torch::kLong);
        mask.narrow(1, 6, 4).zero_();
        auto padded = m.forward(x, mask).logits.narrow(1, 0, 6);
        auto alone = m.forward(x.narrow(1, 0, 6)).logits;
        QVERIFY(maxDiff(padded, alone) < 1e-5);
        // And padding on the left stays finite (fully masked rows).
        auto left = torch::ones({1, 10}, torch::kLong);
        left.narrow(1, 0, 3).zero_();
        QVERIFY(torch::isfinite(m.forward(x, left).logits).all().item<bool>());
    }

    void lossIgnoresMinus100() {
        Model m = Model::load(kFixtures + "llama");
        auto x = ids(2, 8, m.config().vocabSize);
        auto labels = x.clone();
        labels.index_put_({0, torch::indexing::Slice(0, 5)}, -100);
        auto out = m.forward(x, {}, labels);
        auto lp = torch::log_softmax(out.logits.narrow(1, 0, 7), -1);  // predicts tokens 1..7
        double sum = 0;
        int n = 0;
        for (int b = 0; b < 2; ++b)
            for (int t = 0; t < 7; ++t) {
                const int64_t y = labels[b][t + 1].item<int64_t>();
                if (y == -100) continue;
                sum -= lp[b][t][y].item<double>();
                ++n;
            }
        QVERIFY(std::abs(out.loss.item<double>() - sum / n) < 1e-5);
    }

    void bf16CloseToFp32() {
        Model f32 = Model::load(kFixtures + "qwen2", LoadOptions{torch::kFloat, torch::kCPU, {}, nullptr});
        Model b16 = Model::load(kFixtures + "qwen2", LoadOptions{torch::kBFloat16, torch::kCPU, {}, nullptr});
        QCOMPARE(b16.dtype(), torch::kBFloat16);
        auto x = ids(2, 12, f32.config().vocabSize);
        auto a = f32.forward(x, {}, x), b = b16.forward(x, {}, x);
        QCOMPARE(b.logits.scalar_type(), torch::kBFloat16);
        QVERIFY(maxDiff(a.logits, b.logits) < 0.15);  // bf16 has ~3 significant digits
        QVERIFY(std::abs(a.loss.item<double>() - b.loss.item<double>()) < 0.02);
        QCOMPARE(b16.summary().bytes * 2, f32.summary().bytes);
    }

    void blockEntryPointsMatchForward() {
        Model m = Model::load(kFixtures + "mixtral");
        auto x = ids(2, 7, m.config().vocabSize);
        auto h = m.embed(x);  // [B, T, H]
        auto ctx = m.context(2, 7);
        for (int i = 0; i < m.numLayers(); ++i) h = m.block(i, h, ctx);
        QCOMPARE(maxDiff(m.head(h, ctx), m.forward(x).logits), 0.0);
    }

    void linearsDescribeModules() {
        Model phi = Model::load(kFixtures + "phi3");
        auto l0 = phi.layerLinears(0);
        QCOMPARE(int(l0.size()), 4);
        QCOMPARE(l0[0]->module, std::string("qkv_proj"));
        QCOMPARE(int(l0[0]->parts.size()), 3);
        QCOMPARE(l0[0]->parts[1].role, std::string("k"));
        QCOMPARE(l0[0]->parts[1].rows.front(), (std::pair<int64_t, int64_t>{64, 96}));
        QCOMPARE(l0[2]->module, std::string("gate_up_proj"));

        Model neox = Model::load(kFixtures + "gpt_neox");
        auto qkv = neox.layerLinears(1)[0];
        QCOMPARE(qkv->name, std::string("gpt_neox.layers.1.attention.query_key_value"));
        QCOMPARE(int(qkv->parts[2].rows.size()), 4);  // v of each of the 4 heads
        QCOMPARE(qkv->parts[2].rows[1], (std::pair<int64_t, int64_t>{80, 96}));

        Model moe = Model::load(kFixtures + "qwen2_moe");
        std::set<std::string> modules;
        for (Linear* l : moe.layerLinears(0)) modules.insert(l->module);
        for (const char* want : {"q_proj", "o_proj", "gate", "gate_proj", "down_proj", "shared_expert.gate_proj",
                                 "shared_expert.down_proj", "shared_expert_gate"})
            QVERIFY2(modules.count(want), want);
        int experts = 0;
        for (Linear* l : moe.linears()) experts += l->expert >= 0;
        QCOMPARE(experts, 2 * 6 * 3);

        Model gpt2 = Model::load(kFixtures + "gpt2");
        Linear* cAttn = gpt2.layerLinears(0)[0];
        QVERIFY(cAttn->conv1d);
        QCOMPARE(cAttn->weight.sizes().vec(), (std::vector<int64_t>{192, 64}));  // [out, in] in memory
    }

    void adapterAndProbeHooks() {
        Model m = Model::load(kFixtures + "llama");
        auto x = ids(1, 5, m.config().vocabSize);
        auto base = m.forward(x).logits;
        AddOne add;
        add.name = m.layerLinears(2).back()->name;
        ForwardHooks adapted;
        adapted.adapters = &add;
        QVERIFY(maxDiff(m.forward(x, {}, {}, adapted).logits, base) > 1e-3);
        QCOMPARE(maxDiff(m.forward(x).logits, base), 0.0);  // the hook lives in the forward, not the model
        CountingProbe probe;
        ForwardHooks probed;
        probed.probes = &probe;
        QCOMPARE(maxDiff(m.forward(x, {}, {}, probed).logits, base), 0.0);
        QCOMPARE(probe.calls, int(m.linears().size()) + 1);  // every projection and the LM head
    }

    void ropeScaling() {
        ModelConfig c = ModelConfig::load(kFixtures + "llama/config.json");
        auto inv = ropeInverseFrequencies(c);
        auto plain = ropeCosSin(c, inv, 0, 8, torch::kFloat);
        ModelConfig lin = c;
        lin.ropeScaling.type = "linear";
        lin.ropeScaling.factor = 2;
        auto scaled = ropeCosSin(lin, ropeInverseFrequencies(lin), 0, 16, torch::kFloat);
        // Linear scaling: position 2p behaves like position p.
        auto even = torch::arange(0, 16, 2, torch::kLong);
        QVERIFY(maxDiff(scaled.first.index_select(0, even), plain.first) < 1e-5);
        // llama3: the highest frequency is untouched, the lowest is divided by the factor.
        ModelConfig l3 = c;
        l3.ropeScaling.type = "llama3";
        l3.ropeScaling.factor = 8.0;
        l3.ropeScaling.lowFreqFactor = 1.0;
        l3.ropeScaling.highFreqFactor = 4.0;
        l3.ropeScaling.originalMaxPositions = 8192;
        auto inv3 = ropeInverseFrequencies(l3);
        QCOMPARE(inv3[0].item<float>(), inv[0].item<float>());
        QVERIFY(std::abs(inv3[-1].item<double>() - inv[-1].item<double>() / 8) < 1e-12);
        // dynamic: identical within the trained context.
        ModelConfig dyn = c;
        dyn.ropeScaling.type = "dynamic";
        dyn.ropeScaling.factor = 4;
        QCOMPARE(maxDiff(ropeCosSin(dyn, inv, 0, 8, torch::kFloat).second, plain.second), 0.0);
        QVERIFY(maxDiff(ropeCosSin(dyn, inv, 0, c.maxPositions + 8, torch::kFloat).second.narrow(0, 0, 8),
                        plain.second) > 1e-4);
    }

    // Which layers slide, per transformers 4.52.4's eager/SDPA mask rule (model_config.cpp).
    void slidingWindowConfig_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("extra");  // keys set after removing the fixture's sliding_window
        QTest::addColumn<int>("window");     // expected on every layer
        QTest::newRow("mistral absent: MistralConfig default") << "mistral" << "{}" << 4096;
        QTest::newRow("mistral explicit null") << "mistral" << R"({"sliding_window": null})" << 0;
        QTest::newRow("mistral 4") << "mistral" << R"({"sliding_window": 4})" << 4;
        QTest::newRow("mistral use_sliding_window false") << "mistral" << R"({"sliding_window": 4, "use_sliding_window": false})" << 0;
        QTest::newRow("phi3 absent: Phi3Config's None") << "phi3" << "{}" << 0;
        QTest::newRow("phi3 8") << "phi3" << R"({"sliding_window": 8})" << 8;
        QTest::newRow("qwen2 without use_sliding_window") << "qwen2" << R"({"sliding_window": 8, "use_sliding_window": false})" << 0;
        QTest::newRow("qwen2 max_window_layers ignored") << "qwen2"
            << R"({"sliding_window": 8, "use_sliding_window": true, "max_window_layers": 1})" << 8;
        QTest::newRow("llama has none") << "llama" << R"({"sliding_window": 8})" << 0;
    }
    void slidingWindowConfig() {
        QFETCH(QString, family);
        QFETCH(QString, extra);
        QFETCH(int, window);
        auto j = configWith(family.toStdString(), "{}");
        j.erase("sliding_window");
        const auto patch = nlohmann::json::parse(extra.toStdString());
        for (const auto& kv : patch.items()) j[kv.key()] = kv.value();
        ModelConfig c = ModelConfig::fromJson(j);
        for (int64_t i = 0; i < c.numLayers; ++i) QCOMPARE(c.windowAt(i), int64_t(window));
    }

    // A window as long as the sequence changes nothing; a shorter one changes exactly the positions
    // that would see a key more than window-1 tokens back (the first `window` positions stay put).
    void slidingWindowMasksOnlyFarKeys() {
        const auto j = configWith("mistral", "{}");
        auto withWindow = [&](nlohmann::json w) {
            auto k = j;
            k["sliding_window"] = w;
            return Model::randomInit(ModelConfig::fromJson(k), 1);  // same seed: same weights
        };
        Model full = withWindow(nullptr), same = withWindow(10), slide = withWindow(3);
        auto x = ids(2, 10, j["vocab_size"].get<int64_t>(), 5);
        auto ref = full.forward(x).logits;
        QCOMPARE(maxDiff(same.forward(x).logits, ref), 0.0);
        auto a = slide.forward(x).logits;
        QVERIFY(maxDiff(a.narrow(1, 0, 3), ref.narrow(1, 0, 3)) < 1e-6);  // see <= 3 keys anyway
        QVERIFY(maxDiff(a.narrow(1, 3, 1), ref.narrow(1, 3, 1)) > 1e-4);  // position 3 loses key 0
        // The window and the padding mask combine: right padding still leaves the real tokens alone.
        auto mask = torch::ones({2, 10}, torch::kLong);
        mask.narrow(1, 7, 3).zero_();
        QVERIFY(maxDiff(slide.forward(x, mask).logits.narrow(1, 0, 7), slide.forward(x.narrow(1, 0, 7)).logits) < 1e-5);
    }

    // Gemma-1 in transformers 4.52.4 reads hidden_act (real configs: "gelu" = exact GeLU).
    void gemmaActivationKey() {
        auto j = configWith("gemma", R"({"hidden_act": "gelu", "hidden_activation": "gelu_pytorch_tanh"})");
        QCOMPARE(ModelConfig::fromJson(j).activation, std::string("gelu"));
        j.erase("hidden_act");
        QCOMPARE(ModelConfig::fromJson(j).activation, std::string("gelu_pytorch_tanh"));  // GemmaConfig default
    }

    void refusesUnknownKeys_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("mustSay");  // '|'-separated fragments of the message
        QTest::newRow("activation") << "llama" << R"({"hidden_act": "swiglu"})" << "hidden_act|swiglu|silu|gelu_pytorch_tanh";
        QTest::newRow("gpt2 activation") << "gpt2" << R"({"activation_function": "mish"})" << "activation_function|mish|gelu_new";
        QTest::newRow("rope type") << "llama" << R"({"rope_scaling": {"rope_type": "ntk_by_parts", "factor": 2.0}})"
                                   << "rope_scaling|ntk_by_parts|linear|llama3|yarn|longrope";
        QTest::newRow("v5 rope type") << "llama" << R"({"rope_parameters": {"rope_type": "su", "rope_theta": 10000.0}})"
                                      << "rope_parameters|su|dynamic";
    }
    void refusesUnknownKeys() {
        QFETCH(QString, family);
        QFETCH(QString, extra);
        QFETCH(QString, mustSay);
        auto j = configWith(family.toStdString(), extra.toStdString());
        try {
            ModelConfig::fromJson(j);
            QFAIL("accepted");
        } catch (const Error& e) {
            for (const QString& part : mustSay.split('|'))
                QVERIFY2(QString(e.what()).contains(part), qPrintable(QString(e.what()) + " lacks " + part));
        }
    }
};

QTEST_APPLESS_MAIN(TstModel)
#include "tst_model.moc"
