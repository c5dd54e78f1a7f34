// The safetensors reader/writer and checkpoint loading on good and bad input. Every bad input must
// give an aletheia::Error naming the file, the tensor or key, and the problem; none may crash.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include <torch/torch.h>
#include <QtTest/QtTest>
#include <sys/stat.h>  // mkfifo
#include <unistd.h>  // getpid

#include "expect_error.h"
#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_reader.h"
#include "core/io/safetensors_writer.h"
#include "core/model/model.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(ALETHEIA_FIXTURES) + "/models/";

std::string readAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void writeAll(const std::string& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(s.data(), std::streamsize(s.size()));
}
// A safetensors file from a raw header string and data bytes.
std::string rawFile(const std::string& header, const std::string& data, uint64_t headerLen = UINT64_MAX) {
    uint64_t n = headerLen == UINT64_MAX ? header.size() : headerLen;
    std::string s(8, '\0');
    std::memcpy(s.data(), &n, 8);
    return s + header + data;
}
// A writable copy of a fixture checkpoint.
std::string copyFixture(const QTemporaryDir& tmp, const std::string& family) {
    const std::string dst = tmp.path().toStdString() + "/" + family;
    fs::create_directories(dst);
    for (const char* f : {"config.json", "model.safetensors"})
        fs::copy_file(kFixtures + family + "/" + f, dst + "/" + f, fs::copy_options::overwrite_existing);
    fs::permissions(dst + "/config.json", fs::perms::owner_write, fs::perm_options::add);
    fs::permissions(dst + "/model.safetensors", fs::perms::owner_write, fs::perm_options::add);
    return dst;
}
torch::Tensor someIds() { return torch::arange(0, 20, torch::kLong).remainder(200).view({2, 10}); }

}  // namespace

class TstSafetensors : public QObject {
    Q_OBJECT
private slots:
    void roundTripAllDtypes() {
        QTemporaryDir tmp;
        const std::string p = tmp.path().toStdString() + "/t.safetensors";
        NamedTensors in = {{"a", torch::randn({3, 5})},
                           {"b", torch::randn({7}).to(torch::kBFloat16)},
                           {"c", torch::randn({2, 2}).to(torch::kHalf)},
                           {"d", torch::arange(6, torch::kLong).view({2, 3}).t()},  // non-contiguous
                           {"e", torch::tensor({true, false, true})},
                           {"f", torch::randn({1}, torch::kDouble)},
                           {"g", torch::zeros({0, 4})}};
        writeSafetensors(p, in, {{"note", "x"}});
        auto f = SafetensorsFile::open(p);
        QCOMPARE(f->metadata().at("format"), std::string("pt"));
        QCOMPARE(f->metadata().at("note"), std::string("x"));
        QCOMPARE(f->dataOffset() % 8, uint64_t(0));
        for (const auto& [name, t] : in) {
            auto r = f->tensor(name);
            QCOMPARE(r.scalar_type(), t.scalar_type());
            QVERIFY2(torch::equal(r, t), name.c_str());
        }
        QVERIFY(!fs::exists(p + ".tmp." + std::to_string(::getpid())));
    }

    void zeroCopyWhenAligned() {
        auto f = SafetensorsFile::open(kFixtures + "llama/model.safetensors");
        auto t = f->tensor("model.norm.weight");
        auto base = reinterpret_cast<const char*>(t.data_ptr());
        auto again = reinterpret_cast<const char*>(f->tensor("model.norm.weight").data_ptr());
        QCOMPARE(base, again);  // both point into the mapping
    }

    void misalignedDataIsCopied() {
        // Header of 9 bytes + 8 = 17: an F32 tensor at data offset 0 is misaligned.
        QTemporaryDir tmp;
        const std::string p = tmp.path().toStdString() + "/m.safetensors";
        std::string header = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        header += std::string((4 - (8 + header.size()) % 4) % 4 + 1, ' ');  // force misalignment
        float v[2] = {1.5f, -2.0f};
        writeAll(p, rawFile(header, std::string(reinterpret_cast<char*>(v), 8)));
        auto t = SafetensorsFile::open(p)->tensor("x");
        QCOMPARE(t[0].item<float>(), 1.5f);
        QCOMPARE(t[1].item<float>(), -2.0f);
    }

    void badFile_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("expected");
        const std::string ok = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
        const std::string data16(16, '\1');
        auto row = [](const char* n, const std::string& s, QStringList e) {
            QTest::newRow(n) << QByteArray(s.data(), int(s.size())) << e;
        };
        row("truncated data", rawFile(ok, data16.substr(0, 10)), {"truncated", "'w'"});
        row("shorter than 8 bytes", std::string("\x10\0\0", 3), {"truncated"});
        row("header length past EOF", rawFile(ok, data16, 4096), {"past the end of the file"});
        row("header too large", rawFile(ok, data16, 200'000'000), {"100 MB"});
        row("malformed header JSON", rawFile(R"({"w":{"dtype":"F32",)", data16), {"malformed JSON"});
        row("not UTF-8", rawFile("{\"w\xff\":{}}", ""), {"malformed JSON"});
        row("header nested 100000 deep",
            rawFile("{\"w\":" + std::string(100000, '[') + std::string(100000, ']') + "}", ""),
            {"nested deeper than 512"});
        row("unknown dtype",
            rawFile(R"({"w":{"dtype":"F7","shape":[2,2],"data_offsets":[0,16]}})", data16), {"'w'", "unknown dtype 'F7'"});
        row("overlapping offsets",
            rawFile(R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                    data16), {"'b'", "overlaps"});
        row("gap between tensors",
            rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                    data16), {"'b'", "gap"});
        row("size mismatch",
            rawFile(R"({"w":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}})", data16), {"'w'", "shape x dtype"});
        row("shape overflow",
            rawFile(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", data16),
            {"'w'", "overflow"});
        row("missing data_offsets", rawFile(R"({"w":{"dtype":"F32","shape":[4]}})", data16), {"'w'", "data_offsets"});
        row("trailing bytes", rawFile(ok, data16 + "xxxx"), {"trailing bytes"});
        row("negative shape", rawFile(R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data16), {"'w'", "shape"});
    }
    void badFile() {
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, expected);
        QTemporaryDir tmp;
        const std::string p = tmp.path().toStdString() + "/bad.safetensors";
        writeAll(p, bytes.toStdString());
        expected << QString::fromStdString(p);
        expectError([&] { SafetensorsFile::open(p); }, expected);
    }

    void truncatedCheckpoint() {
        QTemporaryDir tmp;
        const std::string dir = copyFixture(tmp, "llama");
        const std::string p = dir + "/model.safetensors";
        std::string s = readAll(p);
        writeAll(p, s.substr(0, s.size() - 1000));
        expectError([&] { Model::load(dir); }, {QString::fromStdString(p), "truncated"});
    }

    void badCheckpoint_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("what");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("missing tensor") << "llama" << "drop:model.layers.1.mlp.up_proj.weight"
                                        << QStringList{"model.safetensors", "model.layers.1.mlp.up_proj.weight", "missing tensor"};
        QTest::newRow("wrong shape vs config") << "qwen2" << "config:intermediate_size=100"
                                               << QStringList{"model.layers.0.mlp.gate_proj.weight", "[128, 64]", "[100, 64]"};
        QTest::newRow("missing required key") << "mistral" << "config:-hidden_size"
                                              << QStringList{"config.json", "'hidden_size'", "missing required key"};
        QTest::newRow("unknown model_type") << "llama" << "config:model_type=bert"
                                            << QStringList{"config.json", "bert", "llama", "qwen2_moe", "gpt2"};
        QTest::newRow("malformed config JSON") << "gemma" << "truncate-config"
                                               << QStringList{"config.json:", "malformed JSON"};
        // Hardening (issue #20): sizes are bounded before anything is allocated from them, and
        // the error names the key and the value.
        QTest::newRow("layers 1e9") << "llama" << "config:num_hidden_layers=1000000000"
                                    << QStringList{"config.json", "'num_hidden_layers'", "[1, 4096]", "1000000000"};
        QTest::newRow("layers 1e9 as float") << "llama" << "config:num_hidden_layers=1e9"
                                             << QStringList{"config.json", "'num_hidden_layers'", "expected an integer", "1000000000.0"};
        QTest::newRow("layers 2^64-1") << "llama" << "config:num_hidden_layers=18446744073709551615"
                                       << QStringList{"config.json", "'num_hidden_layers'", "18446744073709551615"};
        QTest::newRow("hidden 2^21") << "qwen2" << "config:hidden_size=2097152"
                                     << QStringList{"config.json", "'hidden_size'", "2097152"};
        QTest::newRow("vocab 2^31") << "gpt2" << "config:vocab_size=2147483648"
                                    << QStringList{"config.json", "'vocab_size'", "2147483648"};
        QTest::newRow("n_layer negative (gpt2 key)") << "gpt2" << "config:n_layer=-3"
                                                     << QStringList{"config.json", "'n_layer'", "-3"};
        QTest::newRow("experts 1e6") << "mixtral" << "config:num_local_experts=1000000"
                                     << QStringList{"config.json", "'num_local_experts'", "1000000"};
        QTest::newRow("1e400 in config") << "llama" << "config-text:1e400"
                                         << QStringList{"config.json:", "malformed JSON", "1e400"};
        QTest::newRow("config 300000 arrays deep") << "llama" << "config-text:deep"
                                                   << QStringList{"config.json:1:", "nested deeper than 512"};
        QTest::newRow("config is /dev/zero") << "llama" << "config-dev-zero"
                                             << QStringList{"config.json", "character device"};
        QTest::newRow("weights are a FIFO") << "llama" << "weights-fifo"
                                            << QStringList{"model.safetensors", "FIFO"};
        QTest::newRow("extra tensor") << "phi3" << "extra:model.layers.0.foo.weight"
                                      << QStringList{"model.layers.0.foo.weight", "unexpected tensor"};
        QTest::newRow("missing shard") << "llama" << "index-missing-shard"
                                       << QStringList{"model.safetensors.index.json", "model-00002-of-00002.safetensors",
                                                      "does not exist"};
    }
    void badCheckpoint() {
        QFETCH(QString, family);
        QFETCH(QString, what);
        QFETCH(QStringList, expected);
        QTemporaryDir tmp;
        const std::string dir = copyFixture(tmp, family.toStdString());
        const std::string w = what.toStdString();
        auto cfg = readJsonFile(dir + "/config.json");
        auto rewriteWeights = [&](const std::function<void(NamedTensors&)>& edit) {
            auto f = SafetensorsFile::open(dir + "/model.safetensors");
            NamedTensors ts;
            for (const auto& e : f->entries()) ts.emplace_back(e.name, f->tensor(e.name).clone());
            f.reset();
            edit(ts);
            writeSafetensors(dir + "/model.safetensors", ts);
        };
        if (w.rfind("drop:", 0) == 0) {
            rewriteWeights([&](NamedTensors& ts) {
                ts.erase(std::remove_if(ts.begin(), ts.end(), [&](auto& nt) { return nt.first == w.substr(5); }), ts.end());
            });
        } else if (w.rfind("extra:", 0) == 0) {
            rewriteWeights([&](NamedTensors& ts) { ts.emplace_back(w.substr(6), torch::zeros({2, 2})); });
        } else if (w.rfind("config:-", 0) == 0) {
            cfg.erase(w.substr(8));
            writeJsonFile(dir + "/config.json", cfg);
        } else if (w.rfind("config:", 0) == 0) {
            const auto eq = w.find('=');
            const std::string key = w.substr(7, eq - 7), val = w.substr(eq + 1);
            const bool number = std::isdigit(static_cast<unsigned char>(val[0])) || val[0] == '-';
            cfg[key] = number ? nlohmann::json::parse(val) : nlohmann::json(val);
            writeJsonFile(dir + "/config.json", cfg);
        } else if (w == "config-text:1e400") {
            cfg["rope_theta"] = 12345.5;
            std::string text = cfg.dump(2);
            text.replace(text.find("12345.5"), 7, "1e400");
            writeAll(dir + "/config.json", text);
        } else if (w == "config-text:deep") {
            writeAll(dir + "/config.json", std::string(300000, '[') + std::string(300000, ']'));
        } else if (w == "config-dev-zero") {
            fs::remove(dir + "/config.json");
            fs::create_symlink("/dev/zero", dir + "/config.json");
        } else if (w == "weights-fifo") {
            fs::remove(dir + "/model.safetensors");
            QCOMPARE(::mkfifo((dir + "/model.safetensors").c_str(), 0600), 0);
        } else if (w == "truncate-config") {
            std::string s = readAll(dir + "/config.json");
            writeAll(dir + "/config.json", s.substr(0, s.size() / 2));
        } else if (w == "index-missing-shard") {
            fs::rename(dir + "/model.safetensors", dir + "/model-00001-of-00002.safetensors");
            nlohmann::json wm;
            wm["model.embed_tokens.weight"] = "model-00001-of-00002.safetensors";
            wm["lm_head.weight"] = "model-00002-of-00002.safetensors";
            writeJsonFile(dir + "/model.safetensors.index.json", {{"metadata", nlohmann::json::object()}, {"weight_map", wm}});
        }
        QElapsedTimer timer;  // a FIFO used to block open() forever
        timer.start();
        expectError([&] { Model::load(dir); }, expected);
        QVERIFY(timer.elapsed() < 5000);
    }

    void shardedSaveAndLoad() {
        QTemporaryDir tmp;
        Model m = Model::load(kFixtures + "qwen2_moe");
        const std::string dir = tmp.path().toStdString() + "/sharded";
        m.save(dir, 200'000);  // ~750 KB model -> several shards
        QVERIFY(fs::exists(dir + "/model.safetensors.index.json"));
        QVERIFY(!fs::exists(dir + "/model.safetensors"));
        Model again = Model::load(dir);
        auto ids = someIds();
        // Bit for bit in the weights; the MoE logits to float rounding (torch 2 CPU kernels).
        const auto pm = m.parameters(), pa = again.parameters();
        QCOMPARE(pm.size(), pa.size());
        for (size_t i = 0; i < pm.size(); ++i) QVERIFY(torch::equal(pm[i], pa[i]));
        QVERIFY((m.forward(ids).logits - again.forward(ids).logits).abs().max().item<double>() <= 1e-6);
        QCOMPARE(again.config().toJson()["num_experts"].get<int>(), 6);
    }

    void gpt2WithoutPrefixAndWithBuffers() {
        // The original openai-community/gpt2 layout: no "transformer." prefix, attn.bias buffers.
        QTemporaryDir tmp;
        const std::string dir = copyFixture(tmp, "gpt2");
        auto f = SafetensorsFile::open(dir + "/model.safetensors");
        NamedTensors ts;
        for (const auto& e : f->entries()) ts.emplace_back(e.name.substr(std::string("transformer.").size()), f->tensor(e.name).clone());
        f.reset();
        ts.emplace_back("h.0.attn.bias", torch::ones({1, 1, 64, 64}));
        ts.emplace_back("h.1.attn.bias", torch::ones({1, 1, 64, 64}));
        writeSafetensors(dir + "/model.safetensors", ts);
        Model bare = Model::load(dir);
        Model ref = Model::load(kFixtures + "gpt2");
        auto ids = someIds();
        QVERIFY(torch::equal(bare.forward(ids).logits, ref.forward(ids).logits));
        // Saved back in HF layout: Conv1D [in, out], canonical names, tied head omitted.
        auto sd = ref.stateDict();
        bool foundCAttn = false;
        for (const auto& [n, t] : sd) {
            QVERIFY(n != "lm_head.weight");
            if (n == "transformer.h.0.attn.c_attn.weight") {
                foundCAttn = true;
                QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{64, 192}));
            }
        }
        QVERIFY(foundCAttn);
    }

    void transformersV5Keys() {
        QTemporaryDir tmp;
        const std::string dir = copyFixture(tmp, "llama");
        auto cfg = readJsonFile(dir + "/config.json");
        const double theta = cfg["rope_theta"];
        cfg.erase("rope_theta");
        cfg.erase("rope_scaling");
        cfg.erase("torch_dtype");
        cfg["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", theta}};
        cfg["dtype"] = "bfloat16";
        writeJsonFile(dir + "/config.json", cfg);
        Model v5 = Model::load(dir, LoadOptions{torch::kFloat, torch::kCPU, {}, nullptr});
        Model classic = Model::load(kFixtures + "llama");
        auto ids = someIds();
        QVERIFY(torch::equal(v5.forward(ids).logits, classic.forward(ids).logits));
        // Default dtype follows the config.
        QCOMPARE(Model::load(dir).dtype(), torch::kBFloat16);
    }

    void tiedHeadSharesEmbedding() {
        Model m = Model::load(kFixtures + "gemma");
        auto sum = m.summary();
        QVERIFY(sum.tiedEmbeddings);
        QCOMPARE(sum.family, std::string("gemma"));
        QCOMPARE(sum.parametersByKind.count("lm_head"), size_t(0));
        int64_t total = 0;
        for (const auto& p : m.parameters()) total += p.numel();
        QCOMPARE(sum.parameters, total);
        QCOMPARE(sum.bytes, total * 4);
    }
};

QTEST_APPLESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
