#include "core/text/tokenizer.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/added_tokens.h"
#include "core/text/bpe.h"
#include "core/text/decoder.h"
#include "core/text/json_file.h"
#include "core/text/normalizer.h"
#include "core/text/post_processor.h"
#include "core/text/pretokenizer.h"
#include "core/text/unicode.h"

namespace fs = std::filesystem;

namespace aletheia {

struct Tokenizer::Impl {
    std::string source;
    text::TokenizerConfig config;
    std::unique_ptr<text::Normalizer> normalizer;
    std::unique_ptr<text::PreTokenizer> preTokenizer;
    std::unique_ptr<text::BpeModel> model;
    std::unique_ptr<text::PostProcessor> postProcessor;
    std::unique_ptr<text::Decoder> decoder;
    text::AddedVocabulary added;

    // One piece of text between added tokens: pre-tokenize and BPE every word.
    void encodeNormalized(std::string piece, bool atTextStart, std::vector<int32_t>& ids) const {
        if (piece.empty()) return;
        std::vector<std::string> words;
        words.push_back(std::move(piece));
        if (preTokenizer) preTokenizer->split(words, atTextStart);
        for (const auto& w : words) model->encodeWord(w, ids);
    }
};

Tokenizer Tokenizer::fromJson(const nlohmann::json& j, const std::string& source, const text::TokenizerConfig& config) {
    auto impl = std::make_shared<Impl>();
    impl->source = source;
    impl->config = config;
    try {
        const auto& model = j.at("model");
        const std::string type = model.value("type", "BPE");
        if (type != "BPE")
            fail("model type '" + type + "' is not supported (supported: BPE, as used by GPT-2, Llama, Qwen, "
                 "Mistral, Gemma)");
        impl->normalizer = text::makeNormalizer(j.value("normalizer", nlohmann::json()));
        impl->preTokenizer = text::makePreTokenizer(j.value("pre_tokenizer", nlohmann::json()));
        impl->model = std::make_unique<text::BpeModel>(model);
        impl->postProcessor = text::makePostProcessor(j.value("post_processor", nlohmann::json()));
        impl->decoder = text::makeDecoder(j.value("decoder", nlohmann::json()));
        const text::Normalizer* norm = impl->normalizer.get();
        const text::BpeModel* bpe = impl->model.get();
        impl->added = text::AddedVocabulary(j.value("added_tokens", nlohmann::json::array()),
                                            [norm](std::string& s) { if (norm) norm->normalize(s); },
                                            [bpe](const std::string& s) { return bpe->tokenToId(s); }, bpe->entries());
    } catch (const Error& e) {
        failIn(source, e.problem(), e.context().item, e.context().line);
    } catch (const nlohmann::json::exception& e) {
        failIn(source, std::string("malformed tokenizer.json: ") + e.what());
    }
    return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::fromFile(const std::string& path) {
    if (fs::is_directory(path)) return fromDirectory(path);
    return fromJson(text::readJsonFile(path), path);
}

Tokenizer Tokenizer::fromDirectory(const std::string& dir) {
    std::string file;
    for (const char* name : {"tokenizer.json", "tokenizer.json.gz"})
        if (fs::exists(fs::path(dir) / name)) { file = (fs::path(dir) / name).string(); break; }
    if (file.empty())
        failIn(dir, "no tokenizer.json (or tokenizer.json.gz) in this directory; only Hugging Face fast-tokenizer "
                    "files are supported (not tokenizer.model alone)");
    text::TokenizerConfig config;
    for (const char* name : {"tokenizer_config.json", "tokenizer_config.json.gz"}) {
        const fs::path p = fs::path(dir) / name;
        if (fs::exists(p)) { config = text::parseTokenizerConfig(text::readJsonFile(p.string())); break; }
    }
    return fromJson(text::readJsonFile(file), file, config);
}

std::vector<int32_t> Tokenizer::encode(std::string_view input, bool addSpecialTokens) const {
    const Impl& m = *impl_;
    std::string sanitized;
    if (!text::isValidUtf8(input)) {
        sanitized = text::toValidUtf8(input);
        input = sanitized;
    }
    std::vector<int32_t> ids;
    ids.reserve(input.size() / 3 + 4);
    for (const auto& seg : m.added.splitRaw(input)) {
        if (seg.id >= 0) { ids.push_back(seg.id); continue; }
        const bool atStart = seg.text.data() == input.data();
        std::string piece(seg.text);
        if (m.normalizer) m.normalizer->normalize(piece);
        if (!m.added.hasNormalizedTokens()) {
            m.encodeNormalized(std::move(piece), atStart, ids);
            continue;
        }
        bool first = true;
        for (const auto& sub : m.added.splitNormalized(piece)) {
            if (sub.id >= 0) ids.push_back(sub.id);
            else m.encodeNormalized(std::string(sub.text), atStart && first, ids);
            first = false;
        }
    }
    if (addSpecialTokens && m.postProcessor) m.postProcessor->addSpecialTokens(ids);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecial) const {
    const Impl& m = *impl_;
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        if (const auto* t = m.added.byId(id)) {
            if (!(skipSpecial && t->special)) tokens.push_back(t->decoded);
            continue;
        }
        const auto tok = m.model->idToToken(id);
        if (!tok.empty()) tokens.emplace_back(tok);  // unknown ids are dropped, as in HF
    }
    if (!m.decoder) {
        std::string joined;
        for (size_t i = 0; i < tokens.size(); ++i) joined += (i ? " " : "") + tokens[i];
        return joined;
    }
    m.decoder->decodeChain(tokens);
    std::string out;
    for (const auto& t : tokens) out += t;
    return out;
}

int Tokenizer::vocabSize() const { return std::max(impl_->model->size(), impl_->added.maxId() + 1); }

std::optional<int32_t> Tokenizer::tokenToId(std::string_view token) const {
    if (auto id = impl_->added.idOf(token)) return id;
    return impl_->model->tokenToId(token);
}

std::optional<std::string> Tokenizer::idToToken(int32_t id) const {
    if (const auto* t = impl_->added.byId(id)) return t->content;
    const auto tok = impl_->model->idToToken(id);
    if (tok.empty()) return std::nullopt;
    return std::string(tok);
}

bool Tokenizer::isSpecial(int32_t id) const { return impl_->added.isSpecial(id); }

std::vector<int32_t> Tokenizer::specialPrefix() const {
    return impl_->postProcessor ? impl_->postProcessor->prefixIds() : std::vector<int32_t>{};
}
std::vector<int32_t> Tokenizer::specialSuffix() const {
    return impl_->postProcessor ? impl_->postProcessor->suffixIds() : std::vector<int32_t>{};
}

std::optional<int32_t> Tokenizer::bosId() const {
    if (impl_->config.bosToken) return tokenToId(*impl_->config.bosToken);
    const auto pre = specialPrefix();
    if (!pre.empty()) return pre.front();
    return std::nullopt;
}

std::optional<int32_t> Tokenizer::eosId() const {
    if (impl_->config.eosToken) return tokenToId(*impl_->config.eosToken);
    const auto post = specialSuffix();
    if (!post.empty()) return post.back();
    for (const char* guess : {"</s>", "<|endoftext|>", "<eos>", "<|end_of_text|>"})
        if (auto id = tokenToId(guess)) return id;
    return std::nullopt;
}

std::optional<int32_t> Tokenizer::padId() const {
    if (impl_->config.padToken) return tokenToId(*impl_->config.padToken);
    return std::nullopt;
}

const text::TokenizerConfig& Tokenizer::config() const { return impl_->config; }
const std::string& Tokenizer::source() const { return impl_->source; }

}  // namespace aletheia
