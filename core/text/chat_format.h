#pragma once
// Chat formatting without a Jinja engine: the common template families are recognised from the
// template text and rendered exactly as their templates do, with the byte spans of the
// rendered text that the assistant produced (response) vs everything else (prompt), so loss
// masking is exact.
#include <optional>
#include <string>
#include <vector>

#include "core/text/tokenizer_config.h"

namespace aletheia::text {

enum class ChatFormat {
    ChatML,    // <|im_start|>role\n...<|im_end|>\n (Qwen2/2.5, many fine-tunes)
    Qwen3,     // ChatML + <think> blocks on the turns after the last user query
    Llama3,    // <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
    Llama2,    // <s>[INST] <<SYS>>..<</SYS>> user [/INST] answer </s>
    Mistral,   // <s>[INST] user [/INST]answer</s>
    Gemma,     // <start_of_turn>user\n...<end_of_turn>\n, "model" for the assistant
    Phi3,      // <|user|>\n...<|end|>\n
};

struct ChatMessage {
    std::string role;  // system, user, assistant (tool for ChatML/Qwen3)
    std::string content;
};

struct ChatSpan {
    size_t begin = 0, end = 0;  // byte offsets into RenderedChat::text
    bool response = false;      // produced by the assistant: trained on
};

struct RenderedChat {
    std::string text;
    std::vector<ChatSpan> spans;  // cover `text` in order, no gaps
};

// Template details a family leaves to the tokenizer or to the template text.
struct ChatStyle {
    ChatFormat format = ChatFormat::ChatML;
    std::string bosToken, eosToken;
    std::string defaultSystem;              // ChatML templates that inject a system prompt
    bool alwaysGenerationPrompt = false;    // early Llama-3 template appends it unconditionally
    bool phi3Bos = false, phi3EosAtEnd = false;
};

// All supported names, for messages: "chatml, qwen3, llama3, llama2, mistral, gemma, phi3".
std::string supportedChatFormats();
// "chatml"/"qwen"/"qwen2" -> ChatML etc. Throws aletheia::Error listing the supported names.
ChatFormat chatFormatFromName(const std::string& name);
std::string chatFormatName(ChatFormat f);
// Recognises a Jinja chat_template; nullopt if it is none of the supported families.
std::optional<ChatFormat> detectChatFormat(const std::string& jinjaTemplate);

// The style for a tokenizer: from `explicitName` if given, else detected from the config's
// template. Throws aletheia::Error (naming the supported formats) when neither works.
ChatStyle resolveChatStyle(const TokenizerConfig& config, const std::string& explicitName = {});

// Renders as the family's template does. Throws aletheia::Error on an unknown role or a
// conversation the template itself would reject (e.g. Gemma's strict user/assistant alternation).
RenderedChat renderChat(const ChatStyle& style, const std::vector<ChatMessage>& messages,
                        bool addGenerationPrompt = false);

}  // namespace aletheia::text
