// GGUF export: the writer (header, metadata, tensor infos, alignment, f32/f16/bf16/q8_0 data,
// atomic overwrite, errors) read back by a small independent reader written here from the GGUF
// spec; the LoRA and whole-model exports checked against llama.cpp's rules (names, ne-order
// shapes, q/k RoPE permutation, fused rows, scaling baked into B); vocabulary and Modelfile.
#include <torch/torch.h>
#include <QtTest/QtTest>
#include <unistd.h>  // getpid

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <variant>

#include "expect_error.h"
#include "core/io/gguf_writer.h"
#include "core/lora/apply_plan.h"
#include "core/lora/gguf_export.h"
#include "core/lora/gguf_names.h"
#include "core/lora/gguf_vocab.h"
#include "core/lora/lora_adapter.h"
#include "core/lora/ollama_modelfile.h"
#include "core/model/cell_name.h"
#include "core/model/family_spec.h"
#include "core/model/model.h"
#include "core/text/demo_tokenizer.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& family) { return std::string(ALETHEIA_FIXTURES) + "/models/" + family; }

fs::path scratch(const std::string& name) {
    auto p = fs::temp_directory_path() / ("aletheia_tst_gguf_" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// ---- an independent GGUF v3 reader (only what the exports use) ----
using Value = std::variant<std::string, uint64_t, int64_t, double, bool, std::vector<std::string>,
                           std::vector<int64_t>, std::vector<double>>;
struct TensorInfo {
    std::vector<uint64_t> ne;
    uint32_t type = 0;
    uint64_t offset = 0;
};
struct Gguf {
    uint32_t version = 0;
    std::map<std::string, Value> kv;
    std::vector<std::string> order;  // tensor names in file order
    std::map<std::string, TensorInfo> tensors;
    uint64_t dataStart = 0;
    std::vector<char> bytes;
};

struct Reader {
    const std::vector<char>& b;
    uint64_t at = 0;
    template <class T>
    T get() {
        if (at + sizeof(T) > b.size()) throw std::runtime_error("truncated GGUF");
        T v;
        std::memcpy(&v, b.data() + at, sizeof(T));
        at += sizeof(T);
        return v;
    }
    std::string str() {
        const auto n = get<uint64_t>();
        if (at + n > b.size()) throw std::runtime_error("truncated string");
        std::string s(b.data() + at, n);
        at += n;
        return s;
    }
    Value scalar(uint32_t type) {
        switch (type) {
            case 4: return uint64_t(get<uint32_t>());
            case 5: return int64_t(get<int32_t>());
            case 6: return double(get<float>());
            case 7: return get<uint8_t>() != 0;
            case 8: return str();
        }
        throw std::runtime_error("unexpected value type " + std::to_string(type));
    }
    Value value(uint32_t type) {
        if (type != 9) return scalar(type);
        const auto et = get<uint32_t>();
        const auto n = get<uint64_t>();
        if (et == 8) { std::vector<std::string> v; for (uint64_t i = 0; i < n; ++i) v.push_back(str()); return v; }
        if (et == 5) { std::vector<int64_t> v; for (uint64_t i = 0; i < n; ++i) v.push_back(get<int32_t>()); return v; }
        if (et == 6) { std::vector<double> v; for (uint64_t i = 0; i < n; ++i) v.push_back(get<float>()); return v; }
        throw std::runtime_error("unexpected array type");
    }
};

Gguf readGguf(const std::string& path) {
    Gguf g;
    std::ifstream in(path, std::ios::binary);
    g.bytes.assign(std::istreambuf_iterator<char>(in), {});
    Reader r{g.bytes};
    if (r.get<uint32_t>() != 0x46554747) throw std::runtime_error("bad magic");
    g.version = r.get<uint32_t>();
    const auto nt = r.get<uint64_t>(), nkv = r.get<uint64_t>();
    for (uint64_t i = 0; i < nkv; ++i) {
        const std::string k = r.str();
        g.kv[k] = r.value(r.get<uint32_t>());
    }
    for (uint64_t i = 0; i < nt; ++i) {
        const std::string name = r.str();
        TensorInfo t;
        const auto dims = r.get<uint32_t>();
        for (uint32_t d = 0; d < dims; ++d) t.ne.push_back(r.get<uint64_t>());
        t.type = r.get<uint32_t>();
        t.offset = r.get<uint64_t>();
        g.order.push_back(name);
        g.tensors[name] = t;
    }
    const uint64_t align = std::get<uint64_t>(g.kv.at("general.alignment"));
    g.dataStart = (r.at + align - 1) / align * align;
    return g;
}

float halfToFloat(uint16_t h) {
    return torch::from_blob(&h, {1}, torch::kInt16).view(torch::kFloat16).to(torch::kFloat32).item<float>();
}

// The tensor's values as fp32 in torch order (ne reversed), dequantising q8_0.
torch::Tensor values(const Gguf& g, const std::string& name) {
    const TensorInfo& t = g.tensors.at(name);
    std::vector<int64_t> shape(t.ne.rbegin(), t.ne.rend());
    int64_t n = 1;
    for (auto s : shape) n *= s;
    const char* p = g.bytes.data() + g.dataStart + t.offset;
    auto raw = [&](int64_t bytes) {
        if (g.dataStart + t.offset + uint64_t(bytes) > g.bytes.size()) throw std::runtime_error(name + ": data past the end");
    };
    switch (t.type) {
        case 0: raw(n * 4); return torch::from_blob((void*)p, shape, torch::kFloat32).clone();
        case 1: raw(n * 2); return torch::from_blob((void*)p, shape, torch::kFloat16).to(torch::kFloat32);
        case 30: raw(n * 2); return torch::from_blob((void*)p, shape, torch::kBFloat16).to(torch::kFloat32);
        case 8: {
            raw(n / 32 * 34);
            std::vector<float> out(static_cast<size_t>(n));
            for (int64_t b = 0; b < n / 32; ++b) {
                uint16_t dh;
                std::memcpy(&dh, p + b * 34, 2);
                const float d = halfToFloat(dh);
                for (int i = 0; i < 32; ++i) out[size_t(b * 32 + i)] = d * float(int8_t(p[b * 34 + 2 + i]));
            }
            return torch::tensor(out).reshape(shape);
        }
    }
    throw std::runtime_error("unexpected tensor type");
}

std::vector<int64_t> neOf(const Gguf& g, const std::string& name) {
    const auto& ne = g.tensors.at(name).ne;
    return {ne.begin(), ne.end()};
}

std::string str(const Gguf& g, const std::string& k) { return std::get<std::string>(g.kv.at(k)); }
uint64_t u32(const Gguf& g, const std::string& k) { return std::get<uint64_t>(g.kv.at(k)); }
double f32(const Gguf& g, const std::string& k) { return std::get<double>(g.kv.at(k)); }

Model loadFp32(const std::string& dir) {
    LoadOptions o;
    o.dtype = torch::kFloat32;
    return Model::load(dir, o);
}

void perturb(const Model& m, const AdapterSet& adapters, uint64_t seed) {
    torch::NoGradGuard g;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto [l, a] : loraLinears(m, adapters)) {
        (void)l;
        a->B.copy_(torch::randn(a->B.sizes(), gen) * 0.05);
    }
}

// llama.cpp's LlamaModel.permute, written from its definition: (h, 2, d/2, ...) -> (h, d/2, 2, ...).
torch::Tensor llamaPermute(const torch::Tensor& w, int64_t heads) {
    auto shape = w.sizes().vec();
    std::vector<int64_t> s = {heads, 2, w.size(0) / heads / 2};
    for (size_t i = 1; i < shape.size(); ++i) s.push_back(shape[i]);
    return w.reshape(s).transpose(1, 2).reshape(shape);
}

// Every projection except MoE experts, with ranks and alphas that differ (so B carries baked scaling).
AdapterPlan mixedPlan(const Model& m, bool rslora = false) {
    AdapterPlan plan;
    plan.rslora = rslora;
    int i = 0;
    for (const Linear* l : m.linears()) {
        if (l->expert >= 0) continue;
        const int r = (i % 3 == 0) ? 4 : 2;
        const double alpha = (i % 4 == 0) ? 8.0 : 16.0;
        plan.cells.push_back({l->layer, cellModule(*l), r, alpha});
        ++i;
    }
    return plan;
}

}  // namespace

class TstGgufExport : public QObject {
    Q_OBJECT

private slots:
    void writerRoundTrip() {
        const auto path = (scratch("writer") / "t.gguf").string();
        auto gen = at::detail::createCPUGenerator(3);
        const torch::Tensor x = torch::randn({3, 64}, gen) * 2.0;
        GgufFile f;
        f.metadata = {{"a.string", std::string("héllo")}, {"a.u32", uint32_t(7)},       {"a.i32", int32_t(-5)},
                      {"a.f32", 0.25f},                   {"a.bool", true},             {"a.strings", std::vector<std::string>{"x", "", "z"}},
                      {"a.ints", std::vector<int32_t>{1, -2, 3}}, {"a.floats", std::vector<float>{0.5f, -1.0f}}};
        f.tensors = {{"f32", x, GgufType::F32},    {"f16", x, GgufType::F16},     {"bf16", x, GgufType::BF16},
                     {"q8_0", x, GgufType::Q8_0}, {"vec", torch::arange(5, torch::kFloat32), GgufType::F32},
                     {"cube", torch::randn({2, 3, 32}, gen), GgufType::Q8_0}};
        writeGguf(path, f);
        const Gguf g = readGguf(path);
        QCOMPARE(g.version, 3u);
        QCOMPARE(u32(g, "general.alignment"), uint64_t(32));
        QCOMPARE(str(g, "a.string"), std::string("héllo"));
        QCOMPARE(u32(g, "a.u32"), uint64_t(7));
        QCOMPARE(std::get<int64_t>(g.kv.at("a.i32")), int64_t(-5));
        QCOMPARE(f32(g, "a.f32"), 0.25);
        QCOMPARE(std::get<bool>(g.kv.at("a.bool")), true);
        QCOMPARE(std::get<std::vector<std::string>>(g.kv.at("a.strings")), (std::vector<std::string>{"x", "", "z"}));
        QCOMPARE(std::get<std::vector<int64_t>>(g.kv.at("a.ints")), (std::vector<int64_t>{1, -2, 3}));
        QCOMPARE(std::get<std::vector<double>>(g.kv.at("a.floats")), (std::vector<double>{0.5, -1.0}));
        QCOMPARE(g.order, (std::vector<std::string>{"f32", "f16", "bf16", "q8_0", "vec", "cube"}));
        QCOMPARE(neOf(g, "f32"), (std::vector<int64_t>{64, 3}));  // ne order: reversed
        QCOMPARE(neOf(g, "cube"), (std::vector<int64_t>{32, 3, 2}));
        QCOMPARE(g.tensors.at("f16").type, 1u);
        QCOMPARE(g.tensors.at("bf16").type, 30u);
        QCOMPARE(g.tensors.at("q8_0").type, 8u);
        for (const auto& [name, t] : g.tensors) QCOMPARE(t.offset % 32, uint64_t(0));
        QCOMPARE(g.dataStart % 32, uint64_t(0));
        QVERIFY(torch::equal(values(g, "f32"), x));
        QVERIFY(torch::equal(values(g, "f16"), x.to(torch::kFloat16).to(torch::kFloat32)));
        QVERIFY(torch::equal(values(g, "bf16"), x.to(torch::kBFloat16).to(torch::kFloat32)));
        QVERIFY(torch::equal(values(g, "vec"), torch::arange(5, torch::kFloat32)));
        // q8_0: per block of 32, |x - d q| <= d / 2 plus the fp16 rounding of d (<= 2^-11 d per unit of q).
        const torch::Tensor deq = values(g, "q8_0").reshape({-1, 32}), blocks = x.reshape({-1, 32});
        const torch::Tensor d = blocks.abs().amax(1, true) / 127;
        const torch::Tensor bound = d * 0.5 + d * 127 * std::ldexp(1.0, -11) + 1e-7;
        QVERIFY((deq - blocks).abs().le(bound).all().item<bool>());
        QVERIFY(torch::allclose(values(g, "cube"), f.tensors[5].data, 0, 0.05));
        QCOMPARE(uint64_t(fs::file_size(path)),
                 g.dataStart + g.tensors.at("cube").offset + uint64_t(224));  // 6 blocks of 34 bytes, padded to 32
    }

    void q8RoundsHalfAwayFromZero() {
        // amax 127 -> d = 1: x / d lands exactly on .5; ggml's roundf rounds away from zero (torch::round: to even)
        std::vector<float> v(32, 0.0f);
        v[0] = 127.0f, v[1] = 2.5f, v[2] = -2.5f, v[3] = 0.5f, v[4] = -3.5f;
        const torch::Tensor q = quantizeQ8_0(torch::tensor(v));
        QCOMPARE(q.numel(), int64_t(34));
        const auto* b = q.data_ptr<uint8_t>();
        QCOMPARE(halfToFloat(uint16_t(b[0] | (b[1] << 8))), 1.0f);
        QCOMPARE(int(int8_t(b[2])), 127);
        QCOMPARE(int(int8_t(b[3])), 3);
        QCOMPARE(int(int8_t(b[4])), -3);
        QCOMPARE(int(int8_t(b[5])), 1);
        QCOMPARE(int(int8_t(b[6])), -4);
        const torch::Tensor zero = quantizeQ8_0(torch::zeros({32}));  // all-zero block: d = 0, q = 0
        QVERIFY(zero.eq(0).all().item<bool>());
    }

    void atomicOverwriteKeepsTheOldFile() {
        const auto dir = scratch("atomic");
        const auto path = (dir / "t.gguf").string();
        writeGguf(path, {{{"k", std::string("old")}}, {{"t", torch::ones({2, 32}), GgufType::F32}}});
        std::ifstream in(path, std::ios::binary);
        const std::string before((std::istreambuf_iterator<char>(in)), {});
        // A tensor torch cannot bring to the CPU fails half-way through the data: the old file stays.
        const torch::Tensor meta = torch::empty({2, 32}, torch::TensorOptions().device(torch::kMeta));
        expectError([&] { writeGguf(path, {{{"k", std::string("new")}}, {{"a", torch::ones({4, 32}), GgufType::F16}, {"bad", meta, GgufType::F32}}}); },
                    {QString::fromStdString(path), "bad"});
        std::ifstream again(path, std::ios::binary);
        QCOMPARE(std::string((std::istreambuf_iterator<char>(again)), {}), before);
        int files = 0;
        for (const auto& e : fs::directory_iterator(dir)) (void)e, ++files;
        QCOMPARE(files, 1);  // no temporary left behind
        QCOMPARE(str(readGguf(path), "k"), std::string("old"));
    }

    void writerErrorsNameTheFile() {
        const auto dir = scratch("errors");
        const auto path = (dir / "t.gguf").string();
        expectError([&] { writeGguf(path, {{}, {{"w", torch::ones({2, 20}), GgufType::Q8_0}}}); }, {"t.gguf", "w", "32"});
        expectError([&] { writeGguf(path, {{}, {{"w", torch::ones({2}), GgufType::F32}, {"w", torch::ones({2}), GgufType::F32}}}); },
                    {"t.gguf", "duplicate", "w"});
        const auto missing = (dir / "no" / "such" / "t.gguf").string();
        expectError([&] { writeGguf(missing, {{}, {{"w", torch::ones({2}), GgufType::F32}}}); }, {"no/such"});
        expectError([] { ggufTypeFromName("q4_k"); }, {"q4_k", "q8_0"});
        QVERIFY(!fs::exists(path));
    }

    void loraFollowsLlamaCpp_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<bool>("rslora");
        QTest::newRow("llama (q/k permuted, ranks differ)") << "llama" << false;
        QTest::newRow("mistral rslora") << "mistral" << true;
        QTest::newRow("qwen2") << "qwen2" << false;
        QTest::newRow("gpt_neox (per-head fused qkv)") << "gpt_neox" << false;
        QTest::newRow("phi3 (fused qkv, gate_up)") << "phi3" << false;
        QTest::newRow("gpt2 (Conv1D)") << "gpt2" << false;
        QTest::newRow("qwen2_moe (attention, shared expert, router)") << "qwen2_moe" << false;
        QTest::newRow("gemma2") << "gemma2" << false;
    }
    void loraFollowsLlamaCpp() {
        QFETCH(QString, family);
        QFETCH(bool, rslora);
        Model m = loadFp32(fixture(family.toStdString()));
        const AdapterSet adapters = applyPlan(m, mixedPlan(m, rslora), 5);
        perturb(m, adapters, 9);
        const auto path = (scratch("lora-" + family.toStdString()) / "adapter.gguf").string();
        exportGgufLora(m, adapters, GgufType::F32, path);
        const Gguf g = readGguf(path);
        QCOMPARE(str(g, "general.type"), std::string("adapter"));
        QCOMPARE(str(g, "adapter.type"), std::string("lora"));
        QCOMPARE(str(g, "general.architecture"), familySpec(m.config().modelType).ggufArch);
        const double alpha = f32(g, "adapter.lora.alpha");
        const ModelConfig& c = m.config();
        const FamilySpec& spec = familySpec(c.modelType);
        int pairs = 0;
        for (auto [l, a] : loraLinears(m, adapters)) {
            const std::string base = ggufTensorBase(*l);
            QVERIFY2(base.rfind("blk." + std::to_string(l->layer) + ".", 0) == 0, base.c_str());
            const std::string an = base + ".weight.lora_a", bn = base + ".weight.lora_b";
            QVERIFY2(g.tensors.count(an) && g.tensors.count(bn), an.c_str());
            const int64_t r = a->spec().rank;
            QCOMPARE(neOf(g, an), (std::vector<int64_t>{l->inFeatures(), r}));   // llama.cpp: rank = lora_a ne[1]
            QCOMPARE(neOf(g, bn), (std::vector<int64_t>{r, l->outFeatures()}));
            QVERIFY(torch::equal(values(g, an), a->A.detach()));
            // What llama.cpp adds, (alpha / rank) B' A, equals our delta with rows in llama.cpp's order.
            const torch::Tensor theirs = (alpha / double(r)) * torch::matmul(values(g, bn), values(g, an));
            torch::Tensor ours = a->mergedDelta();
            if (l->parts.size() > 1) {  // fused: [q|k|v] blocks in part order
                std::vector<torch::Tensor> parts;
                for (const auto& p : l->parts)
                    for (const auto& [b, e] : p.rows) parts.push_back(ours.slice(0, b, e));
                ours = torch::cat(parts);
            }
            if (spec.ggufPermuteQK && (l->hasRole("q") || l->hasRole("k")))
                ours = llamaPermute(ours, l->hasRole("q") ? c.numHeads : c.numKvHeads);
            QVERIFY2(torch::allclose(theirs, ours, 1e-5, 1e-6), an.c_str());
            ++pairs;
        }
        QCOMPARE(int(g.tensors.size()), 2 * pairs);
    }

    void loraTypesAndFallback() {
        Model m = loadFp32(fixture("llama"));
        AdapterPlan plan;
        plan.cells = {{0, "q_proj", 4, 8.0}, {1, "down_proj", 32, 8.0}};  // one alpha: B goes out unscaled
        const AdapterSet adapters = applyPlan(m, plan, 1);
        perturb(m, adapters, 2);
        const auto path = (scratch("q8") / "adapter.gguf").string();
        exportGgufLora(m, adapters, GgufType::Q8_0, path);
        const Gguf g = readGguf(path);
        QCOMPARE(g.tensors.at("blk.0.attn_q.weight.lora_a").type, 8u);  // rows of 64: q8_0
        QCOMPARE(g.tensors.at("blk.0.attn_q.weight.lora_b").type, 1u);  // rows of r = 4: f16, as llama.cpp's converter falls back
        QCOMPARE(g.tensors.at("blk.1.ffn_down.weight.lora_b").type, 8u);  // r = 32
        QCOMPARE(u32(g, "general.file_type"), uint64_t(7));
        const LoraAdapter* a = adapters.find("model.layers.1.mlp.down_proj");
        QVERIFY(torch::allclose(values(g, "blk.1.ffn_down.weight.lora_b"), a->B.detach(), 0, a->B.abs().max().item<double>() / 127));
    }

    void expertsAndUnknownFamiliesAreRefused() {
        Model moe = loadFp32(fixture("mixtral"));
        AdapterPlan plan;
        plan.cells = {{1, "experts.0.w1", 4, 8.0}};
        const AdapterSet adapters = applyPlan(moe, plan, 1);
        const auto dir = scratch("refuse");
        expectError([&] { exportGgufLora(moe, adapters, GgufType::F16, (dir / "a.gguf").string()); },
                    {"experts.0.w1", "3-D"});
        QVERIFY(!fs::exists(dir / "a.gguf"));
        Model gpt2 = loadFp32(fixture("gpt2"));
        expectError([&] { exportGgufModel(gpt2, fixture("gpt2"), GgufType::F16, (dir / "m.gguf").string()); },
                    {"gpt2", "llama, mistral and qwen2"});
        Model yarn = loadFp32(fixture("llama_yarn"));
        expectError([&] { exportGgufModel(yarn, fixture("llama_yarn"), GgufType::F16, (dir / "m.gguf").string()); },
                    {"rope_scaling"});
    }

    void modelFollowsLlamaCpp_data() {
        QTest::addColumn<QString>("family");
        QTest::newRow("llama") << "llama";
        QTest::newRow("qwen2 (biases)") << "qwen2";
        QTest::newRow("mistral") << "mistral";
    }
    void modelFollowsLlamaCpp() {
        QFETCH(QString, family);
        Model m = loadFp32(fixture(family.toStdString()));
        const ModelConfig& c = m.config();
        const FamilySpec& spec = familySpec(c.modelType);
        const auto path = (scratch("model-" + family.toStdString()) / "model.gguf").string();
        exportGgufModel(m, fixture(family.toStdString()), GgufType::F32, path);
        const Gguf g = readGguf(path);
        const std::string a = spec.ggufArch;
        QCOMPARE(str(g, "general.architecture"), a);
        QCOMPARE(u32(g, a + ".block_count"), uint64_t(c.numLayers));
        QCOMPARE(u32(g, a + ".embedding_length"), uint64_t(c.hiddenSize));
        QCOMPARE(u32(g, a + ".feed_forward_length"), uint64_t(c.intermediateSize));
        QCOMPARE(u32(g, a + ".attention.head_count"), uint64_t(c.numHeads));
        QCOMPARE(u32(g, a + ".attention.head_count_kv"), uint64_t(c.numKvHeads));
        QCOMPARE(u32(g, a + ".rope.dimension_count"), uint64_t(c.headDim));
        QCOMPARE(f32(g, a + ".rope.freq_base"), double(float(c.ropeTheta)));
        QCOMPARE(f32(g, a + ".attention.layer_norm_rms_epsilon"), double(float(c.normEps)));
        QCOMPARE(str(g, "tokenizer.ggml.model"), std::string("none"));  // the fixtures have no tokenizer.json
        QCOMPARE(u32(g, a + ".vocab_size"), uint64_t(c.vocabSize));
        // Every weight once: embeddings, output norm, (untied) output, per layer 2 norms + the projections.
        int64_t expected = 2 + (c.tieWordEmbeddings ? 0 : 1);
        for (const Linear* l : m.linears()) expected += l->bias.defined() ? 2 : 1;
        expected += 2 * c.numLayers;
        QCOMPARE(int64_t(g.tensors.size()), expected);
        QCOMPARE(neOf(g, "token_embd.weight"), (std::vector<int64_t>{c.hiddenSize, c.vocabSize}));
        QCOMPARE(g.tensors.at("blk.0.attn_norm.weight").type, 0u);
        for (const Linear* l : m.layerLinears(0)) {
            torch::Tensor w = l->weight, b = l->bias;
            if (spec.ggufPermuteQK && (l->hasRole("q") || l->hasRole("k"))) {
                const int64_t heads = l->hasRole("q") ? c.numHeads : c.numKvHeads;
                w = llamaPermute(w, heads);
                if (b.defined()) b = llamaPermute(b, heads);
            }
            const std::string base = ggufTensorBase(*l);
            QVERIFY2(torch::equal(values(g, base + ".weight"), w), base.c_str());
            if (b.defined()) QVERIFY2(torch::equal(values(g, base + ".bias"), b), base.c_str());
        }
    }

    void mergedAndBaseDirs() {
        Model m = loadFp32(fixture("llama"));
        AdapterPlan plan;
        plan.cells = {{0, "q_proj", 4, 8.0}, {2, "up_proj", 8, 8.0}};
        const AdapterSet adapters = applyPlan(m, plan, 1);
        perturb(m, adapters, 4);
        const auto dir = scratch("dirs");
        const auto lora = exportGgufAdapterDir(m, adapters, fixture("llama"), GgufType::BF16, (dir / "gguf").string());
        QCOMPARE(int(lora.size()), 3);
        const Gguf base = readGguf((dir / "gguf" / "base.gguf").string());
        QCOMPARE(str(base, "general.type"), std::string("model"));
        QCOMPARE(base.tensors.at("blk.0.attn_q.weight").type, 30u);
        std::ifstream mf(dir / "gguf" / "Modelfile");
        const std::string modelfile((std::istreambuf_iterator<char>(mf)), {});
        QVERIFY(modelfile.find("FROM ./base.gguf\nADAPTER ./adapter.gguf\n") != std::string::npos);

        const auto merged = exportGgufMergedDir(m, adapters, fixture("llama"), GgufType::F32, (dir / "merged").string());
        QCOMPARE(int(merged.size()), 2);
        const Gguf g = readGguf((dir / "merged" / "model.gguf").string());
        const Linear* up = m.layerLinears(2)[0];
        for (const Linear* l : m.layerLinears(2))
            if (l->module == "up_proj") up = l;
        const torch::Tensor want = up->weight + adapters.find(up->name)->mergedDelta();
        QVERIFY(torch::allclose(values(g, "blk.2.ffn_up.weight"), want, 0, 1e-6));
    }

    void vocabFromTokenizerJson() {
        const auto dir = scratch("vocab");
        text::writeCharTokenizer(dir.string(), "ab c");
        const auto kv = ggufVocab(dir.string(), 270);
        std::map<std::string, GgufValue> m(kv.begin(), kv.end());
        QCOMPARE(std::get<std::string>(m.at("tokenizer.ggml.model")), std::string("llama"));  // byte fallback: SentencePiece-style
        const auto& tokens = std::get<std::vector<std::string>>(m.at("tokenizer.ggml.tokens"));
        const auto& types = std::get<std::vector<int32_t>>(m.at("tokenizer.ggml.token_type"));
        QCOMPARE(int(tokens.size()), 270);
        QCOMPARE(tokens[1], std::string("<|im_start|>"));
        QCOMPARE(types[1], 3);       // CONTROL
        QCOMPARE(tokens[3], std::string("<0x00>"));
        QCOMPARE(types[3], 6);       // BYTE
        QCOMPARE(types[259], 1);     // 'a': NORMAL
        QCOMPARE(tokens[269], std::string("[PAD269]"));
        QCOMPARE(types[269], 5);     // UNUSED
        QCOMPARE(std::get<uint32_t>(m.at("tokenizer.ggml.eos_token_id")), 2u);
        QVERIFY(std::get<std::string>(m.at("tokenizer.chat_template")).find("<|im_start|>") != std::string::npos);
        expectError([&] { ggufVocab(dir.string(), 100); }, {"tokenizer.json", "vocab_size 100"});
    }

    void modelfile() {
        QCOMPARE(QString::fromStdString(ollamaModelfile("./base.gguf", "./adapter.gguf", "{{ bos }}")),
                 QString("# Ollama: ollama create my-finetune -f Modelfile && ollama run my-finetune\n"
                         "FROM ./base.gguf\nADAPTER ./adapter.gguf\n"));
        const std::string chatml = ollamaModelfile("./model.gguf", "", "{% for m in messages %}<|im_start|>...");
        QVERIFY(chatml.find("FROM ./model.gguf\n") != std::string::npos);
        QVERIFY(chatml.find("ADAPTER") == std::string::npos);
        QVERIFY(chatml.find("TEMPLATE \"\"\"") != std::string::npos);
        QVERIFY(chatml.find("PARAMETER stop \"<|im_end|>\"") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TstGgufExport)
#include "tst_gguf_export.moc"
