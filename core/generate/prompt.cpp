#include "core/generate/prompt.h"

#include "core/common/error.h"
#include "core/text/chat_format.h"
#include "core/text/dataset.h"

namespace aletheia {

std::vector<int32_t> promptIds(const Tokenizer& tokenizer, const std::string& prompt, bool chat) {
    if (!chat) return tokenizer.encode(prompt, true);
    const text::ChatStyle style = text::resolveChatStyle(tokenizer.config());
    const text::RenderedChat r = text::renderChat(style, {{"user", prompt}}, /*addGenerationPrompt=*/true);
    return tokenizer.encode(r.text, false);
}

bool usesChatTemplate(const Tokenizer& tokenizer, PromptFormat format) {
    if (format == PromptFormat::Plain) return false;
    if (format == PromptFormat::ChatTemplate) return true;
    try {  // the dataset's rule for instruction rows: the template if it is one we render
        text::resolveChatStyle(tokenizer.config());
        return true;
    } catch (const Error&) {
        return false;
    }
}

std::vector<int32_t> promptIds(const Tokenizer& tokenizer, const std::string& prompt, PromptFormat format) {
    if (format == PromptFormat::Instruction && !usesChatTemplate(tokenizer, format))
        return tokenizer.encode(text::alpacaPrompt(prompt), true);
    return promptIds(tokenizer, prompt, usesChatTemplate(tokenizer, format));
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
