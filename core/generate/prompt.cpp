#include "core/generate/prompt.h"

#include "core/text/chat_format.h"

namespace aletheia {

std::vector<int32_t> promptIds(const Tokenizer& tokenizer, const std::string& prompt, bool chat) {
    if (!chat) return tokenizer.encode(prompt, true);
    const text::ChatStyle style = text::resolveChatStyle(tokenizer.config());
    const text::RenderedChat r = text::renderChat(style, {{"user", prompt}}, /*addGenerationPrompt=*/true);
    return tokenizer.encode(r.text, false);
}

std::optional<int32_t> chatTurnEndId(const Tokenizer& tokenizer) {
    using text::ChatFormat;
    const text::ChatStyle style = text::resolveChatStyle(tokenizer.config());
    switch (style.format) {
    case ChatFormat::ChatML:
    case ChatFormat::Qwen3: return tokenizer.tokenToId("<|im_end|>");
    case ChatFormat::Llama3: return tokenizer.tokenToId("<|eot_id|>");
    case ChatFormat::Gemma: return tokenizer.tokenToId("<end_of_turn>");
    case ChatFormat::Phi3: return tokenizer.tokenToId("<|end|>");
    case ChatFormat::Llama2:
    case ChatFormat::Mistral: return tokenizer.eosId();
    }
    return std::nullopt;
}

}  // namespace aletheia
