#pragma once
// Tokenises rendered text whose byte spans are marked prompt/response, producing the ids of
// the WHOLE text (exactly what the model sees) and labels that are -100 on prompt tokens.
#include <string>
#include <vector>

#include "core/text/chat_format.h"
#include "core/text/example.h"

namespace aletheia {
class Tokenizer;
}

namespace aletheia::text {

// A token belongs to the span where it starts. Token boundaries are found by encoding each
// prefix text[0, spanStart) and taking the longest common prefix with the full encoding, so a
// token that straddles a boundary (rare: templates put special tokens or newlines there) counts
// as the later span. `trainOnPrompt` labels every token.
Example tokenizeSpans(const Tokenizer& tok, const std::string& text, const std::vector<ChatSpan>& spans,
                      bool addSpecialTokens, bool trainOnPrompt);

}  // namespace aletheia::text
