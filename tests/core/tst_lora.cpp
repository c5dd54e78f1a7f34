// LoRA on real fixture models of every structural kind (dense, fused qkv/gate_up, Conv1D,
// MoE experts, shared expert): init as PEFT, exact placement, PEFT export -> import round trip,
// merge into base weights, merged checkpoint save/load.
#include <torch/torch.h>
#include <QtTest/QtTest>
#include <unistd.h>  // getpid

#include <filesystem>
#include <functional>
#include <map>

#include "expect_error.h"
#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_reader.h"
#include "core/io/safetensors_writer.h"
#include "core/lora/apply_plan.h"
#include "core/lora/lora_adapter.h"
#include "core/lora/merge.h"
#include "core/lora/peft_export.h"
#include "core/lora/peft_import.h"
#include "core/model/model.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& family) { return std::string(ALETHEIA_FIXTURES) + "/models/" + family; }

fs::path scratch(const std::string& name) {
    auto p = fs::temp_directory_path() / ("aletheia_tst_lora_" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A selective plan with uneven ranks/alphas: every other module of the last layer, plus the
// first module of layer 0 — so rank_pattern, alpha_pattern and full-path targets all occur.
AdapterPlan unevenPlan(const Model& m) {
    AdapterPlan plan;
    plan.dropout = 0.0;
    auto last = m.layerLinears(m.numLayers() - 1);
    for (size_t i = 0; i < last.size(); i += 2)
        plan.cells.push_back({last[i]->layer, cellModule(*last[i]), i == 0 ? 4 : 2, i == 0 ? 8.0 : 16.0});
    auto first = m.layerLinears(0);
    plan.cells.push_back({0, cellModule(*first[0]), 2, 16.0});
    return plan;
}

AdapterPlan uniformPlan(const Model& m, int rank, double alpha) {
    AdapterPlan plan;
    for (const Linear* l : m.linears()) plan.cells.push_back({l->layer, cellModule(*l), rank, alpha});
    return plan;
}

// B = 0 makes an adapter a no-op; give it values so round trips are meaningful.
void perturbAdapters(const Model& m, const AdapterSet& adapters, uint64_t seed) {
    torch::NoGradGuard g;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto [l, a] : loraLinears(m, adapters)) {
        (void)l;
        a->B.copy_(torch::randn(a->B.sizes(), gen) * 0.05);
    }
}

// Logits of fixed ids, with `adapters` (dropout off) or of the base model.
torch::Tensor logitsOf(const Model& m, const AdapterSet* adapters = nullptr) {
    torch::NoGradGuard g;
    auto gen = at::detail::createCPUGenerator(7);
    auto ids = torch::randint(0, m.config().vocabSize, {2, 10}, gen);
    ForwardHooks hooks;
    hooks.adapters = adapters;
    return m.forward(ids, {}, {}, hooks).logits;
}


}  // namespace

class TstLora : public QObject {
    Q_OBJECT
private slots:
    void initFollowsPeft() {
        LoraSpec spec{8, 16.0, false, 0.0};
        LoraAdapter a(100, 30, spec, 1, torch::kCPU);
        QCOMPARE(a.A.sizes().vec(), (std::vector<int64_t>{8, 100}));
        QCOMPARE(a.B.sizes().vec(), (std::vector<int64_t>{30, 8}));
        QVERIFY(a.A.abs().max().item<double>() <= 1.0 / std::sqrt(100.0));
        QVERIFY(a.A.abs().max().item<double>() > 0.8 / std::sqrt(100.0));  // really uniform on the bound
        QCOMPARE(a.B.abs().sum().item<double>(), 0.0);
        QVERIFY(a.A.requires_grad() && a.B.requires_grad());
        QCOMPARE(a.scaling(), 2.0);
        QCOMPARE(LoraAdapter::scalingFor({16, 16.0, true, 0.0}), 4.0);  // rsLoRA: alpha / sqrt(r)
        LoraAdapter same(100, 30, spec, 1, torch::kCPU), other(100, 30, spec, 2, torch::kCPU);
        QVERIFY(torch::equal(a.A, same.A));
        QVERIFY(!torch::equal(a.A, other.A));
    }

    void deltaMatchesMergedWeight() {
        LoraSpec spec{4, 8.0, false, 0.0};
        LoraAdapter a(12, 6, spec, 3, torch::kCPU);
        {
            torch::NoGradGuard g;
            a.B.normal_();
        }
        auto x = torch::randn({2, 5, 12});
        auto viaDelta = a.delta(x, false);                               // [2, 5, 6]
        auto viaMerge = torch::matmul(x, a.mergedDelta().t());       // [2, 5, 6]
        QVERIFY(torch::allclose(viaDelta, viaMerge, 1e-5, 1e-5));
        QVERIFY(std::abs(a.deltaNorm().item<double>() - a.mergedDelta().norm().item<double>()) < 1e-4);
        // bf16 input: fp32 adapter arithmetic, output back in bf16.
        QCOMPARE(a.delta(x.to(torch::kBFloat16), false).scalar_type(), torch::kBFloat16);
    }

    void dropoutOnlyWhileTraining() {
        LoraAdapter a(16, 16, {4, 4.0, false, 0.5}, 1, torch::kCPU);
        {
            torch::NoGradGuard g;
            a.B.normal_();
        }
        auto x = torch::randn({3, 16});
        QVERIFY(torch::equal(a.delta(x, false), a.delta(x, false)));
        QVERIFY(!torch::equal(a.delta(x, true), a.delta(x, true)));
    }

    void applyPlanPlacesExactlyTheCells_data() {
        QTest::addColumn<QString>("family");
        for (const char* f : {"llama", "gpt_neox", "phi3", "gpt2", "mixtral", "qwen2_moe"}) QTest::newRow(f) << f;
    }
    void applyPlanPlacesExactlyTheCells() {
        QFETCH(QString, family);
        Model m = Model::load(fixture(family.toStdString()));
        const AdapterPlan plan = unevenPlan(m);
        const auto before = logitsOf(m);
        const AdapterSet adapters = applyPlan(m, plan, 42);
        const auto params = adapterParameters(adapters);
        QCOMPARE(params.size(), plan.cells.size() * 2);
        QCOMPARE(int(loraLinears(m, adapters).size()), int(plan.cells.size()));
        for (const Linear* l : m.linears())
            QCOMPARE(adapters.find(l->name) != nullptr, plan.find(l->layer, cellModule(*l)) != nullptr);
        for (const auto& p : m.parameters()) QVERIFY(!p.requires_grad());
        for (const auto& p : params) QVERIFY(p.tensor.requires_grad());
        // B = 0: an untrained adapter leaves the model's function unchanged.
        QVERIFY(torch::equal(before, logitsOf(m, &adapters)));
        // The set lives beside the model: without it, the base model.
        QVERIFY(torch::equal(before, logitsOf(m)));
    }

    void unknownModuleThrowsAndChangesNothing() {
        Model m = Model::load(fixture("llama"));
        AdapterPlan plan;
        plan.cells.push_back({0, "q_proj", 4, 8});
        plan.cells.push_back({1, "query_key_value", 4, 8});
        try {
            applyPlan(m, plan, 1);
            QFAIL("no throw");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("query_key_value") != std::string::npos);
            QVERIFY(std::string(e.what()).find("q_proj") != std::string::npos);  // lists what exists
        }
        plan.cells = {{0, "q_proj", 0, 8}};
        QVERIFY_THROWS_EXCEPTION(Error, applyPlan(m, plan, 1));
    }

    void peftRoundTripAndMerge_data() { applyPlanPlacesExactlyTheCells_data(); }
    void peftRoundTripAndMerge() {
        QFETCH(QString, family);
        const std::string fam = family.toStdString();
        Model m = Model::load(fixture(fam));
        const AdapterPlan plan = unevenPlan(m);
        const AdapterSet adapters = applyPlan(m, plan, 5);
        perturbAdapters(m, adapters, 11);
        const auto adapted = logitsOf(m, &adapters);
        const auto dir = scratch(fam + "_adapter");
        exportPeft(m, adapters, plan, dir.string(), "fixtures/" + fam);

        // The files as PEFT reads them.
        auto cfg = readJsonFile((dir / "adapter_config.json").string());
        QCOMPARE(QString::fromStdString(cfg["peft_type"].get<std::string>()), QString("LORA"));
        QCOMPARE(QString::fromStdString(cfg["task_type"].get<std::string>()), QString("CAUSAL_LM"));
        QCOMPARE(cfg["fan_in_fan_out"].get<bool>(), fam == "gpt2");
        QCOMPARE(cfg["r"].get<int>(), 2);
        QVERIFY(!cfg["rank_pattern"].empty() && !cfg["alpha_pattern"].empty());
        auto st = SafetensorsFile::open((dir / "adapter_model.safetensors").string());
        QCOMPARE(QString::fromStdString(st->metadata().at("format")), QString("pt"));
        QCOMPARE(st->entries().size(), plan.cells.size() * 2);
        for (auto [l, a] : loraLinears(m, adapters)) {
            const auto A = st->tensor("base_model.model." + l->name + ".lora_A.weight");
            const auto B = st->tensor("base_model.model." + l->name + ".lora_B.weight");
            QCOMPARE(A.sizes().vec(), (std::vector<int64_t>{a->spec().rank, l->inFeatures()}));
            QCOMPARE(B.sizes().vec(), (std::vector<int64_t>{l->outFeatures(), a->spec().rank}));
            // PEFT's own rank/alpha resolution must give back the cell's values.
            const std::string rk = peftPatternKey(cfg["rank_pattern"], l->name);
            QCOMPARE(rk.empty() ? cfg["r"].get<int>() : cfg["rank_pattern"][rk].get<int>(), a->spec().rank);
            const std::string ak = peftPatternKey(cfg["alpha_pattern"], l->name);
            QCOMPARE(ak.empty() ? cfg["lora_alpha"].get<double>() : cfg["alpha_pattern"][ak].get<double>(),
                     a->spec().alpha);
        }

        // Import onto a fresh copy of the base model: identical logits.
        Model fresh = Model::load(fixture(fam));
        const AdapterSet imported = importPeft(fresh, dir.string());
        const AdapterPlan back = planOfAdapters(imported);
        QCOMPARE(back.cells.size(), plan.cells.size());
        for (const auto& c : plan.cells) {
            const AdapterCell* b = back.find(c.layer, c.module);
            QVERIFY(b);
            QCOMPARE(b->rank, c.rank);
            QCOMPARE(b->alpha, c.alpha);
        }
        QVERIFY(torch::equal(logitsOf(fresh, &imported), adapted));

        // Merge into a new model: no adapters needed, same function (1e-4); the base is left as
        // it was; saved merged checkpoint loads back.
        const auto baseLogits = logitsOf(fresh);
        const Model mergedCopy = mergedModel(fresh, imported);
        const auto merged = logitsOf(mergedCopy);
        QVERIFY2(torch::allclose(merged, adapted, 1e-4, 1e-4),
                 qPrintable(QString("max diff %1").arg((merged - adapted).abs().max().item<double>())));
        QVERIFY(torch::equal(logitsOf(fresh), baseLogits));
        const auto mdir = scratch(fam + "_merged");
        mergedCopy.save(mdir.string());
        Model reloaded = Model::load(mdir.string());
        QVERIFY(torch::allclose(logitsOf(reloaded), adapted, 1e-4, 1e-4));
    }

    void uniformPlanUsesShortTargetNames() {
        Model m = Model::load(fixture("llama"));
        AdapterPlan plan = uniformPlan(m, 8, 16);
        auto cfg = peftConfig(m, plan, "base");
        QCOMPARE(cfg["target_modules"].size(), size_t(7));  // q k v o gate up down
        QVERIFY(cfg["rank_pattern"].empty());
        QCOMPARE(cfg["layers_to_transform"].size(), size_t(m.numLayers()));
        QCOMPARE(QString::fromStdString(cfg["layers_pattern"].get<std::string>()), QString("layers"));
        // A selective plan on a suffix-clashing model (qwen2_moe: mlp.shared_expert.gate_proj vs
        // experts.N.gate_proj) must fall back to full paths that PEFT matches exactly.
        Model moe = Model::load(fixture("qwen2_moe"));
        AdapterPlan sel = unevenPlan(moe);
        auto c2 = peftConfig(moe, sel, "base");
        for (const auto& t : c2["target_modules"]) QVERIFY(t.get<std::string>().find("layers.") != std::string::npos);
    }

    void importRejectsForeignModules() {
        Model llama = Model::load(fixture("llama"));
        AdapterPlan plan = unevenPlan(llama);
        const AdapterSet adapters = applyPlan(llama, plan, 1);
        const auto dir = scratch("foreign");
        exportPeft(llama, adapters, plan, dir.string(), "llama");
        Model neox = Model::load(fixture("gpt_neox"));
        QVERIFY_THROWS_EXCEPTION(Error, importPeft(neox, dir.string()));
        QVERIFY_THROWS_EXCEPTION(Error, importPeft(neox, scratch("empty").string()));
    }
    // Hardening (issue #20): a real exported adapter, mutated. A very long tensor name overflowed
    // std::regex's recursion; alpha_pattern keys are user regexes (PCRE2 under limits now):
    // deeply nested groups crashed std::regex, catastrophic backtracking hung it.
    void hostileAdapters_data() {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("long tensor name, known suffix")
            << "long-name" << QStringList{"adapter_model.safetensors", "this model does not have"};
        QTest::newRow("long tensor name, no suffix")
            << "long-junk" << QStringList{"adapter_model.safetensors", "unsupported adapter tensor"};
        QTest::newRow("alpha_pattern: nested groups")
            << "nested" << QStringList{"adapter_config.json", "alpha_pattern.((((", "does not compile"};
        QTest::newRow("alpha_pattern: catastrophic backtracking")
            << "backtrack" << QStringList{"adapter_config.json", "alpha_pattern.([a-z_.0-9]+)+[^a-z_.0-9]", "gave up"};
        QTest::newRow("alpha_pattern: alpha not a number")
            << "alpha-string" << QStringList{"adapter_config.json", "alpha_pattern.q_proj", "\"big\""};
    }
    void hostileAdapters() {
        QFETCH(QString, what);
        QFETCH(QStringList, expected);
        Model m = Model::load(fixture("llama"));
        AdapterPlan plan = unevenPlan(m);
        const AdapterSet adapters = applyPlan(m, plan, 1);
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        exportPeft(m, adapters, plan, dir, "llama");
        const std::string weights = dir + "/adapter_model.safetensors", config = dir + "/adapter_config.json";
        if (what.startsWith("long")) {
            auto f = SafetensorsFile::open(weights);
            NamedTensors ts;
            for (const auto& e : f->entries()) ts.emplace_back(e.name, f->tensor(e.name).clone());
            f.reset();
            const std::string mid(1'000'000, 'a');
            ts.emplace_back(what == "long-name" ? "base_model.model." + mid + ".lora_A.weight" : mid, torch::zeros({2, 2}));
            writeSafetensors(weights, ts);
        } else {
            auto cfg = readJsonFile(config);
            if (what == "nested") cfg["alpha_pattern"] = {{std::string(100'000, '(') + "q_proj" + std::string(100'000, ')'), 3.0}};
            if (what == "backtrack") cfg["alpha_pattern"] = {{"([a-z_.0-9]+)+[^a-z_.0-9]", 3.0}};
            if (what == "alpha-string") cfg["alpha_pattern"] = {{"q_proj", "big"}};
            writeJsonFile(config, cfg);
        }
        Model fresh = Model::load(fixture("llama"));
        QElapsedTimer timer;
        timer.start();
        expectError([&] { importPeft(fresh, dir); }, expected);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed()) + " ms"));
    }

    // adapter_config.json's base_model_name_or_path: where the checkpoint came from, else its
    // absolute folder; never a bare folder name that peft would take for a Hub id.
    void baseModelNameIsLoadable() {
        const auto dir = scratch("named");
        auto config = readJsonFile(fixture("llama") + "/config.json");
        config.erase("_name_or_path");
        writeJsonFile((dir / "config.json").string(), config);
        QCOMPARE(baseModelNameFor(dir.string()), fs::absolute(dir).lexically_normal().string());
        config["_name_or_path"] = "meta-llama/Llama-3.2-1B";
        writeJsonFile((dir / "config.json").string(), config);
        QCOMPARE(baseModelNameFor(dir.string()), std::string("meta-llama/Llama-3.2-1B"));
    }
};

QTEST_APPLESS_MAIN(TstLora)
#include "tst_lora.moc"
