#include "core/text/demo_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "core/common/error.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {
// The plain ChatML template (as used by many fine-tunes); resolveChatStyle detects it.
const char* kChatMLTemplate =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + "
    "'\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

nlohmann::json addedToken(int id, const std::string& content) {
    return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", true}};
}
}  // namespace

DemoTokenizerFiles makeCharTokenizer(const std::string& alphabet) {
    const char* specials[] = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    nlohmann::json vocab = nlohmann::json::object();
    nlohmann::json added = nlohmann::json::array();
    int id = 0;
    for (const char* s : specials) {
        vocab[s] = id;
        added.push_back(addedToken(id, s));
        ++id;
    }
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        vocab[name] = id++;
    }
    const std::string text = toValidUtf8(alphabet);
    size_t i = 0;
    while (i < text.size()) {
        const size_t start = i;
        nextCodePoint(text, i);
        const std::string ch = text.substr(start, i - start);
        if (!vocab.contains(ch)) vocab[ch] = id++;
    }
    DemoTokenizerFiles f;
    f.tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer", nullptr},
        {"post_processor", nullptr},
        {"decoder", {{"type", "Sequence"}, {"decoders", {{{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}}},
        {"model",
         {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", true}, {"ignore_merges", false},
          {"vocab", vocab}, {"merges", nlohmann::json::array()}}},
    };
    nlohmann::json decoder = nlohmann::json::object();
    for (int k = 0; k < 3; ++k) decoder[std::to_string(k)] = addedToken(k, specials[k]);
    for (auto& [key, v] : decoder.items()) { (void)key; v.erase("id"); }
    f.config = {
        {"added_tokens_decoder", decoder},
        {"bos_token", nullptr},
        {"eos_token", "<|im_end|>"},
        {"pad_token", "<|endoftext|>"},
        {"unk_token", nullptr},
        {"chat_template", kChatMLTemplate},
        {"clean_up_tokenization_spaces", false},
        {"model_max_length", 4096},
        {"tokenizer_class", "PreTrainedTokenizerFast"},
    };
    return f;
}

void writeCharTokenizer(const std::string& dir, const std::string& alphabet) {
    const auto files = makeCharTokenizer(alphabet);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) failIn(dir, "cannot create directory: " + ec.message());
    for (const auto& [name, j] : {std::pair<const char*, const nlohmann::json*>{"tokenizer.json", &files.tokenizer},
                                  {"tokenizer_config.json", &files.config}}) {
        const std::string path = (std::filesystem::path(dir) / name).string();
        std::ofstream out(path);
        out << j->dump(2) << "\n";
        if (!out) failIn(path, "cannot write file");
    }
}

}  // namespace aletheia::text
