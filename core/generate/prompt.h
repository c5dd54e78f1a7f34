#pragma once
// A prompt's token ids as transformers makes them: plain text with the tokenizer's special tokens
// (BOS ...), or one user message in the model's chat template with the assistant's generation
// prompt (the template writes the special tokens then, as apply_chat_template).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace aletheia {

enum class PromptFormat {
    Plain,         // the text as it is
    ChatTemplate,  // one user turn in the tokenizer's chat template
    Instruction,   // as an instruction row of training data renders (core/text/dataset.h): the chat
                   // template when the tokenizer has a recognised one, else the Alpaca prompt
};

// Throws aletheia::Error (naming the supported chat formats) when `chat` and the tokenizer's
// template is none of them.
std::vector<int32_t> promptIds(const Tokenizer& tokenizer, const std::string& prompt, bool chat);
std::vector<int32_t> promptIds(const Tokenizer& tokenizer, const std::string& prompt, PromptFormat format);

// Whether `format` puts the prompt in the tokenizer's chat template (so that its end-of-turn
// token ends the answer).
bool usesChatTemplate(const Tokenizer& tokenizer, PromptFormat format);

// The token that ends an assistant turn in the tokenizer's chat format (<|im_end|>, <|eot_id|>,
// <end_of_turn>, <|end|>, or EOS for the Llama-2/Mistral formats), if the vocabulary has it.
std::optional<int32_t> chatTurnEndId(const Tokenizer& tokenizer);

}  // namespace aletheia
