#include "core/lora/gguf_vocab.h"

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/json_file.h"

namespace aletheia {
namespace fs = std::filesystem;
namespace {

enum : int32_t { kNormal = 1, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };  // llama_token_type

nlohmann::json readFirst(const std::string& dir, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (fs::exists(fs::path(dir) / n)) return text::readJsonFile((fs::path(dir) / n).string());
    return nullptr;
}

// tokenizer_config.json's "bos_token": "<s>" or {"content": "<s>", ...}.
std::string tokenText(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
    return "";
}

bool isByteToken(const std::string& t) {
    return t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>';
}

}  // namespace

std::vector<std::pair<std::string, GgufValue>> ggufVocab(const std::string& modelDir, int64_t vocabSize) {
    const nlohmann::json tok = readFirst(modelDir, {"tokenizer.json", "tokenizer.json.gz"});
    if (tok.is_null())
        return {{"tokenizer.ggml.model", std::string("none")}};
    const std::string file = (fs::path(modelDir) / "tokenizer.json").string();
    const nlohmann::json& model = tok.value("model", nlohmann::json::object());
    if (model.value("type", "") != "BPE") failIn(file, "GGUF export supports BPE tokenizers only", "model.type");
    const bool byteFallback = model.value("byte_fallback", false);

    std::vector<std::string> tokens(static_cast<size_t>(vocabSize));
    std::vector<int32_t> types(static_cast<size_t>(vocabSize), kUnused);
    for (int64_t i = 0; i < vocabSize; ++i) tokens[size_t(i)] = "[PAD" + std::to_string(i) + "]";
    std::map<std::string, int64_t> ids;
    auto put = [&](const std::string& text, int64_t id, int32_t type) {
        if (id < 0 || id >= vocabSize)
            failIn(file, "token id " + std::to_string(id) + " is outside the model's vocab_size " + std::to_string(vocabSize), text);
        tokens[size_t(id)] = text;
        types[size_t(id)] = type;
        ids[text] = id;
    };
    // (bound first: a range-for over items() of the temporary value() returns would dangle)
    const nlohmann::json vocab = model.value("vocab", nlohmann::json::object());
    for (const auto& [text, id] : vocab.items())
        put(text, id.is_number_integer() ? id.get<int64_t>() : int64_t(-1), byteFallback && isByteToken(text) ? kByte : kNormal);
    for (const auto& a : tok.value("added_tokens", nlohmann::json::array()))
        put(a.value("content", ""), a.contains("id") && a["id"].is_number_integer() ? a["id"].get<int64_t>() : int64_t(-1),
            a.value("special", false) ? kControl : kUserDefined);

    std::vector<std::pair<std::string, GgufValue>> kv;
    kv.emplace_back("tokenizer.ggml.model", std::string(byteFallback ? "llama" : "gpt2"));
    if (!byteFallback) kv.emplace_back("tokenizer.ggml.pre", std::string("default"));
    kv.emplace_back("tokenizer.ggml.tokens", tokens);
    if (byteFallback) kv.emplace_back("tokenizer.ggml.scores", std::vector<float>(tokens.size(), -1000.0f));
    kv.emplace_back("tokenizer.ggml.token_type", types);
    if (!byteFallback) {
        std::vector<std::string> merges;
        for (const auto& m : model.value("merges", nlohmann::json::array()))  // "a b" or ["a", "b"]
            merges.push_back(m.is_string() ? m.get<std::string>() : m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());
        kv.emplace_back("tokenizer.ggml.merges", merges);
    }

    const nlohmann::json tc = readFirst(modelDir, {"tokenizer_config.json", "tokenizer_config.json.gz"});
    const nlohmann::json config = readFirst(modelDir, {"config.json"});
    for (const std::string which : {"bos", "eos", "pad"}) {
        int64_t id = -1;
        if (tc.is_object() && ids.count(tokenText(tc.value(which + "_token", nlohmann::json()))))
            id = ids[tokenText(tc[which + "_token"])];
        else if (config.is_object() && config.contains(which + "_token_id")) {
            const auto& v = config[which + "_token_id"];  // eos may be a list: the first
            if (v.is_number_integer()) id = v.get<int64_t>();
            if (v.is_array() && !v.empty() && v[0].is_number_integer()) id = v[0].get<int64_t>();
        }
        if (id >= 0 && id < vocabSize)
            kv.emplace_back("tokenizer.ggml." + std::string(which == "pad" ? "padding" : which) + "_token_id",
                            static_cast<uint32_t>(id));
    }
    if (tc.is_object()) {
        for (const std::string which : {"bos", "eos"})
            if (tc.contains("add_" + which + "_token") && tc["add_" + which + "_token"].is_boolean())
                kv.emplace_back("tokenizer.ggml.add_" + which + "_token", tc["add_" + which + "_token"].get<bool>());
        if (tc.contains("chat_template") && tc["chat_template"].is_string())
            kv.emplace_back("tokenizer.chat_template", tc["chat_template"].get<std::string>());
    }
    return kv;
}

}  // namespace aletheia
