#pragma once
// The parts of tokenizer_config.json that matter outside tokenizer.json: the chat template
// and the names of the BOS/EOS/PAD/UNK tokens.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

struct TokenizerConfig {
    std::string chatTemplate;  // raw Jinja text; empty if none
    std::optional<std::string> bosToken, eosToken, padToken, unkToken;
    std::optional<bool> addBosToken, addEosToken;
};

// Accepts the string form ("<s>") and the object form ({"content": "<s>", ...}) of tokens, and
// chat_template given as a string or as a list of {"name", "template"} (uses "default").
TokenizerConfig parseTokenizerConfig(const nlohmann::json& j);

}  // namespace aletheia::text
