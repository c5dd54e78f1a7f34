#include "core/text/tokenizer_config.h"

#include <nlohmann/json.hpp>

namespace aletheia::text {

namespace {
std::optional<std::string> tokenField(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return std::nullopt;
}
std::optional<bool> boolField(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}
}  // namespace

TokenizerConfig parseTokenizerConfig(const nlohmann::json& j) {
    TokenizerConfig c;
    if (!j.is_object()) return c;
    c.bosToken = tokenField(j, "bos_token");
    c.eosToken = tokenField(j, "eos_token");
    c.padToken = tokenField(j, "pad_token");
    c.unkToken = tokenField(j, "unk_token");
    c.addBosToken = boolField(j, "add_bos_token");
    c.addEosToken = boolField(j, "add_eos_token");
    if (auto it = j.find("chat_template"); it != j.end()) {
        if (it->is_string()) {
            c.chatTemplate = it->get<std::string>();
        } else if (it->is_array()) {
            for (const auto& t : *it)
                if (t.value("name", "") == "default" && t.contains("template")) c.chatTemplate = t["template"].get<std::string>();
        }
    }
    return c;
}

}  // namespace aletheia::text
