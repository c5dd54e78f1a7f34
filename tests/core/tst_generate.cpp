// Generation (core/generate) on every fixture folder: the KV cache gives the same logits and the
// same greedy tokens as recomputing the whole sequence (prompts longer than the sliding windows
// included); sampling is reproducible from its seed; stop strings, EOS and a stop request end it;
// an adapter (unmerged) generates as the merged model does; bad options fail naming the option.
#include <torch/torch.h>
#include <QtTest/QtTest>
#include <QTemporaryDir>

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "expect_error.h"
#include "glyph_tokenizer.h"
#include "core/generate/eos_ids.h"
#include "core/generate/generate.h"
#include "core/generate/prompt.h"
#include "core/generate/sampling.h"
#include "core/generate/text_stream.h"
#include "core/text/dataset.h"
#include "core/io/safetensors_reader.h"
#include "core/lora/apply_plan.h"
#include "core/lora/merge.h"
#include "core/lora/peft_import.h"
#include "core/model/kv_cache.h"
#include "core/model/model.h"
#include "core/model/rope.h"
#include "core/text/demo_tokenizer.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_config.h"
#include "model_fixtures.h"

using namespace aletheia;

namespace {

Model load(const std::string& name) { return Model::load(modelsDir() + name, LoadOptions{torch::kFloat, torch::kCPU, {}, nullptr}); }

// The fixture's first reference row: 12 tokens, longer than every sliding window of the fixtures (4, 5).
std::vector<int32_t> referencePrompt(const std::string& name) {
    const auto ids = SafetensorsFile::open(modelsDir() + name + "/reference.safetensors")->tensor("input_ids")[0];
    std::vector<int32_t> v;
    for (int64_t t = 0; t < ids.size(0); ++t) v.push_back(int32_t(ids[t].item<int64_t>()));
    return v;
}

GenerateOptions greedy(int64_t n) {
    GenerateOptions o;
    o.maxNewTokens = n;
    return o;
}

QString idsText(const std::vector<int32_t>& ids) {
    QStringList s;
    for (int32_t id : ids) s << QString::number(id);
    return s.join(' ');
}

// One character per id over the llama fixture's 320 ids (glyph_tokenizer.h): every id decodes.
Tokenizer glyphTokenizer() { return Tokenizer::fromJson(glyphTokenizerJson(320), "glyph tokenizer"); }

// A ChatML tokenizer (the demo's) for the chat-template prompt.
Tokenizer chatTokenizer() {
    const auto files = text::makeCharTokenizer("abcdefghijklmnopqrstuvwxyz");
    return Tokenizer::fromJson(files.tokenizer, "char tokenizer", text::parseTokenizerConfig(files.config));
}

// Adapters on every projection with random non-zero B (B = 0 would be a no-op).
AdapterSet randomAdapters(const Model& m) {
    AdapterPlan plan;
    for (const Linear* l : m.linears())  // one cell per (layer, module): "experts.*.w1" covers every expert
        if (!plan.find(l->layer, cellModule(*l))) plan.cells.push_back({l->layer, cellModule(*l), 4, 8.0});
    AdapterSet adapters = applyPlan(m, plan, 11);
    torch::NoGradGuard g;
    auto gen = at::detail::createCPUGenerator(5);
    for (auto [l, a] : loraLinears(m, adapters)) {
        (void)l;
        a->B.copy_(torch::randn(a->B.sizes(), gen) * 0.5);
    }
    return adapters;
}

}  // namespace

class TstGenerate : public QObject {
    Q_OBJECT
private slots:
    void family_data() {
        QTest::addColumn<QString>("family");
        for (const QString& f : fixtureNames()) QTest::newRow(qPrintable(f)) << f;
        QVERIFY(fixtureNames().size() >= 20);
    }

    // The cache itself: the sequence fed in pieces (a prefill, then one token at a time) gives the
    // logits of one full forward at every position.
    void cachedLogitsEqualFullForward_data() { family_data(); }
    void cachedLogitsEqualFullForward() {
        QFETCH(QString, family);
        const Model m = load(family.toStdString());
        const auto ref = SafetensorsFile::open(modelsDir() + family.toStdString() + "/reference.safetensors");
        const torch::Tensor ids = ref->tensor("input_ids").narrow(0, 0, 1);  // [1, 12]
        const int64_t T = ids.size(1);
        torch::NoGradGuard g;
        const torch::Tensor full = m.forward(ids).logits;  // [1, T, V]
        for (int64_t prefill : {int64_t(2), int64_t(7), T - 2}) {
            // longrope recomputes its cache when the sequence passes the original context (generate()
            // does, checked below); a piecewise forward across that point is not the same sequence.
            if (ropeRescalesAll(m.config(), prefill, T)) continue;
            KvCache cache(m.numLayers());
            std::vector<torch::Tensor> pieces = {m.forwardCached(ids.narrow(1, 0, prefill), &cache)};
            for (int64_t t = prefill; t < T; ++t) pieces.push_back(m.forwardCached(ids.narrow(1, t, 1), &cache));
            QCOMPARE(cache.length(), T);
            const double err = (torch::cat(pieces, 1) - full).abs().max().item<double>();
            QVERIFY2(err <= 1e-5, qPrintable(QString("%1, prefill %2: cached logits off by %3").arg(family).arg(prefill).arg(err)));
        }
    }

    // Greedy tokens with the cache equal greedy tokens by full recompute, for a prompt longer than
    // the sliding windows and for a short one (on phi3_longrope it crosses the original context).
    void greedyCacheEqualsRecompute_data() { family_data(); }
    void greedyCacheEqualsRecompute() {
        QFETCH(QString, family);
        const Model m = load(family.toStdString());
        const std::vector<int32_t> longPrompt = referencePrompt(family.toStdString());
        const std::vector<int32_t> shortPrompt(longPrompt.begin(), longPrompt.begin() + 3);
        for (const auto& prompt : {longPrompt, shortPrompt}) {
            GenerateOptions o = greedy(24);
            const GenerateResult cached = generate(m, prompt, o);
            o.useCache = false;
            const GenerateResult recomputed = generate(m, prompt, o);
            qInfo("%s: %s", qPrintable(family), qPrintable(idsText(cached.tokens)));
            QCOMPARE(int(cached.tokens.size()), 24);
            QCOMPARE(idsText(cached.tokens), idsText(recomputed.tokens));
            QVERIFY(cached.reason == StopReason::MaxTokens);
        }
    }

    void sampling() {
        const Model m = load("llama");
        const std::vector<int32_t> prompt = referencePrompt("llama");
        GenerateOptions o = greedy(32);
        const auto greedyTokens = generate(m, prompt, o).tokens;
        o.temperature = 1.0;
        o.seed = 7;
        const auto a = generate(m, prompt, o).tokens;
        QCOMPARE(idsText(generate(m, prompt, o).tokens), idsText(a));  // same seed, same tokens
        o.seed = 8;
        QVERIFY(idsText(generate(m, prompt, o).tokens) != idsText(a));
        QVERIFY(idsText(a) != idsText(greedyTokens));
        // Top-k 1 and a tiny top-p both keep only the most likely token: greedy, whatever the seed.
        o.topK = 1;
        QCOMPARE(idsText(generate(m, prompt, o).tokens), idsText(greedyTokens));
        o.topK = 0;
        o.topP = 1e-9;
        QCOMPARE(idsText(generate(m, prompt, o).tokens), idsText(greedyTokens));
        // The sampled tokens of the cache equal those of full recompute too.
        o.topP = 0.9;
        o.topK = 50;
        const auto cached = generate(m, prompt, o).tokens;
        o.useCache = false;
        QCOMPARE(idsText(generate(m, prompt, o).tokens), idsText(cached));
    }

    // transformers' definition: seen tokens' logits divided by the penalty when positive, multiplied
    // when negative, each token once however often it was seen.
    void repetitionPenalty() {
        std::vector<float> logits = {3.0f, 2.5f, -1.0f, 0.5f};
        applyRepetitionPenalty(logits, {0, 2, 0}, 2.0);
        QCOMPARE(logits, (std::vector<float>{1.5f, 2.5f, -2.0f, 0.5f}));
        Sampler greedyPick(SamplingOptions{0.0, 0, 1.0, 2.0, 0});
        QCOMPARE(greedyPick.next({3.0f, 2.5f, -1.0f}, {0}), 1);  // argmax after the penalty
        const Model m = load("llama");
        GenerateOptions o = greedy(24);
        const auto plain = generate(m, referencePrompt("llama"), o).tokens;
        o.repetitionPenalty = 5.0;
        const auto penalised = generate(m, referencePrompt("llama"), o).tokens;
        QVERIFY(idsText(plain) != idsText(penalised));
    }

    void stopStringEosAndStopRequest() {
        const Model m = load("llama");
        const Tokenizer tok = glyphTokenizer();
        const std::vector<int32_t> prompt = referencePrompt("llama");
        const GenerateResult full = generate(m, prompt, greedy(24), {}, &tok);
        QVERIFY(full.text.size() >= 8);
        // Streaming: the pieces add up to the text, one callback per token.
        {
            std::string streamed;
            int calls = 0;
            const auto r = generate(m, prompt, greedy(24), {}, &tok, [&](const GeneratedToken& t) {
                QCOMPARE(t.index, int64_t(calls));
                ++calls;
                streamed += t.text;
            });
            QCOMPARE(calls, 24);
            QCOMPARE(streamed, r.text);
            QCOMPARE(r.text, full.text);
        }
        // A stop string from the middle of the greedy text: generation ends at the token that
        // completes it, and the text stops right before it.
        const std::string stop = full.text.substr(full.text.size() / 4 * 2, 4);  // two characters (2 bytes each)
        const size_t at = full.text.find(stop);
        GenerateOptions o = greedy(24);
        o.stopStrings = {"never in this text \x01", stop};
        std::string streamed;
        const GenerateResult r = generate(m, prompt, o, {}, &tok, [&](const GeneratedToken& t) { streamed += t.text; });
        qInfo("text '%s', stop '%s' -> '%s'", full.text.c_str(), stop.c_str(), r.text.c_str());
        QVERIFY(r.reason == StopReason::StopString);
        QCOMPARE(r.text, full.text.substr(0, at));
        QCOMPARE(streamed, r.text);
        QVERIFY(r.tokens.size() < full.tokens.size());
        QCOMPARE(idsText(r.tokens), idsText(std::vector<int32_t>(full.tokens.begin(), full.tokens.begin() + r.tokens.size())));
        QVERIFY(tok.decode(r.tokens, true).find(stop) != std::string::npos);  // its last token completes it
        QVERIFY(tok.decode(std::vector<int32_t>(r.tokens.begin(), r.tokens.end() - 1), true).find(stop) == std::string::npos);

        // An EOS id: ends at its first occurrence, which is the last token.
        o = greedy(24);
        const int32_t eos = full.tokens[5];
        o.eosIds = {9999, eos};
        const GenerateResult e = generate(m, prompt, o);
        QVERIFY(e.reason == StopReason::Eos);
        QCOMPARE(e.tokens.back(), eos);
        QVERIFY(e.tokens.size() <= 6);
        QCOMPARE(std::count(e.tokens.begin(), e.tokens.end(), eos), long(1));

        // A stop request (from another thread in the Studio) ends after the current token.
        StopToken token;
        const GenerateResult s = generate(m, prompt, greedy(24), {}, nullptr, [&](const GeneratedToken& t) {
            if (t.index == 2) token.requestStop();
        }, &token);
        QVERIFY(s.reason == StopReason::Stopped);
        QCOMPARE(int(s.tokens.size()), 4);  // the request came during token 2's callback: token 3 is the last
    }

    // Byte-fallback tokens: 'n' (<0x6E>) alone is released as "n", but followed by <0xC9> the run
    // is invalid UTF-8 and HF decodes it as one U+FFFD per byte token. The completion's text is
    // the final decode (what transformers + tokenizers give), not the pieces released on the way.
    void byteFallbackTextIsTheFinalDecode() {
        QTemporaryDir tmp;
        text::writeCharTokenizer(tmp.path().toStdString(), "ab");
        const Tokenizer tok = Tokenizer::fromDirectory(tmp.path().toStdString());
        const int32_t n = *tok.tokenToId("<0x6E>"), c9 = *tok.tokenToId("<0xC9>"), a = *tok.tokenToId("a");
        TextStream stream(tok, {a}, {});
        QCOMPARE(stream.push(n), std::string("n"));
        stream.push(c9);
        stream.push(a);
        QCOMPARE(stream.text(), std::string("\xEF\xBF\xBD\xEF\xBF\xBD" "a"));
        QCOMPARE(stream.text(), tok.decode({n, c9, a}, true));
    }

    void eosIdsAndChatPrompt() {
        // config.json's eos_token_id (no generation_config.json in the fixtures).
        const Model m = load("llama");
        QCOMPARE(eosTokenIds(modelsDir() + "llama", m.config(), nullptr), (std::vector<int64_t>{2}));
        // The chat template around one user turn, and its end-of-turn token.
        const Tokenizer tok = chatTokenizer();
        const auto ids = promptIds(tok, "hi", true);
        QCOMPARE(QString::fromStdString(tok.decode(ids, false)), QString("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(chatTurnEndId(tok).value_or(-1), 2);
        QCOMPARE(promptIds(tok, "hi", false), tok.encode("hi", true));
    }

    // Base + adapter through the forward context generates what the merged model generates, and
    // something else than the base; the base model is left as it was.
    void adapterEqualsMerged_data() {
        QTest::addColumn<QString>("family");
        for (const char* f : {"llama", "gpt2", "gpt_neox", "mixtral", "qwen2_moe", "gemma2"}) QTest::newRow(f) << f;
    }
    void adapterEqualsMerged() {
        QFETCH(QString, family);
        const Model m = load(family.toStdString());
        const std::vector<int32_t> prompt = referencePrompt(family.toStdString());
        const auto base = generate(m, prompt, greedy(20)).tokens;
        const AdapterSet adapters = randomAdapters(m);
        ForwardHooks hooks;
        hooks.adapters = &adapters;
        const auto adapted = generate(m, prompt, greedy(20), hooks).tokens;
        const auto merged = generate(mergedModel(m, adapters), prompt, greedy(20)).tokens;
        QCOMPARE(idsText(adapted), idsText(merged));
        QVERIFY2(idsText(adapted) != idsText(base), qPrintable(idsText(base)));
        QCOMPARE(idsText(generate(m, prompt, greedy(20)).tokens), idsText(base));
    }

    void badOptions() {
        const Model m = load("llama");
        const std::vector<int32_t> prompt = {1, 2, 3};
        auto with = [&](const std::function<void(GenerateOptions&)>& set) {
            GenerateOptions o = greedy(4);
            set(o);
            return [&m, &prompt, o] { generate(m, prompt, o); };
        };
        expectError(with([](GenerateOptions& o) { o.temperature = -0.5; }), {"temperature", "-0.5"});
        expectError(with([](GenerateOptions& o) { o.topP = 0; }), {"top_p", "(0, 1]"});
        expectError(with([](GenerateOptions& o) { o.topP = 1.5; }), {"top_p", "1.5"});
        expectError(with([](GenerateOptions& o) { o.topK = -1; }), {"top_k", "-1"});
        expectError(with([](GenerateOptions& o) { o.repetitionPenalty = 0; }), {"repetition_penalty"});
        expectError(with([](GenerateOptions& o) { o.maxNewTokens = 0; }), {"max_new_tokens"});
        expectError(with([](GenerateOptions& o) { o.stopStrings = {"x"}; }), {"stop strings", "tokenizer"});
        expectError([&] { generate(m, {}, greedy(4)); }, {"prompt"});
        expectError([&] { generate(m, {1, 320}, greedy(4)); }, {"320", "vocabulary"});
        expectError([&] { importPeft(m, "/nonexistent/adapter"); }, {"/nonexistent/adapter"});
        // gpt2's learned positions end at n_positions (64).
        expectError([&] { generate(load("gpt2"), referencePrompt("gpt2"), greedy(60)); }, {"64 learned positions"});
    }

    // An instruction prompt reaches generation exactly as the training data put it before the
    // answer: the token ids of an instruction row up to its first loss-bearing token. llama2's
    // tokenizer has no chat template (the Alpaca prompt), qwen3's has one (ChatML).
    void instructionPromptIsTheTrainingPrompt_data() {
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<bool>("chat");
        QTest::newRow("llama2 (Alpaca)") << "llama2" << false;
        QTest::newRow("qwen3 (chat template)") << "qwen3" << true;
    }
    void instructionPromptIsTheTrainingPrompt() {
        QFETCH(QString, tokenizer);
        QFETCH(bool, chat);
        const Tokenizer tok = Tokenizer::fromDirectory(ALETHEIA_FIXTURES "/tokenizers/" + tokenizer.toStdString());
        QCOMPARE(usesChatTemplate(tok, PromptFormat::Instruction), chat);
        const text::Example row = text::tokenizeRecord(R"({"instruction": "max: 6 7 1", "input": "", "output": "7"})",
                                                       text::DatasetShape::Instruction, tok, text::DatasetOptions{});
        const auto firstLabel = std::find_if(row.labels.begin(), row.labels.end(), [](int32_t l) { return l != -100; });
        const std::vector<int32_t> trained(row.inputIds.begin(), row.inputIds.begin() + (firstLabel - row.labels.begin()));
        QVERIFY(trained.size() > 10);  // the template or the Alpaca preamble, not the bare words
        QCOMPARE(promptIds(tok, "max: 6 7 1", PromptFormat::Instruction), trained);
        QVERIFY(promptIds(tok, "max: 6 7 1", PromptFormat::Plain) != trained);
    }
};

QTEST_APPLESS_MAIN(TstGenerate)
#include "tst_generate.moc"
