#pragma once
// The text of a completion while its tokens arrive, for streaming: decoded after a few prompt
// tokens (so a SentencePiece leading space survives, as in the full text), cut before the first
// stop string, and released only once final: a trailing incomplete UTF-8 character (U+FFFD) and
// any tail that could still grow into a stop string are held back until the next token.
#include <cstdint>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace aletheia {

class TextStream {
public:
    TextStream(const Tokenizer& tokenizer, const std::vector<int32_t>& prompt, std::vector<std::string> stopStrings);

    // Adds the next token; returns the text that became final with it (often empty).
    std::string push(int32_t token);
    // Generation ended: returns the text still held back (cut at a stop string).
    std::string finish();

    bool stopStringSeen() const { return stopAt_ != std::string::npos; }
    const std::string& released() const { return released_; }  // every piece returned so far
    // The whole completion as decoded now, cut at a stop string. Not always released(): with
    // byte-fallback tokens a later byte can turn an earlier one into U+FFFD (HF decodes an invalid
    // UTF-8 run as one U+FFFD per byte token), and released text cannot be taken back.
    std::string text() const { return stopStringSeen() ? completion_.substr(0, stopAt_) : completion_; }

private:
    std::string release(const std::string& upTo);

    Tokenizer tokenizer_;
    std::vector<int32_t> ids_;  // the prompt's last few tokens, then the completion's
    size_t contextTokens_ = 0;
    std::string contextText_;   // decode of the context tokens alone
    std::vector<std::string> stops_;
    std::string completion_;    // the completion decoded so far (special tokens skipped)
    std::string released_;
    size_t stopAt_ = std::string::npos;
};

}  // namespace aletheia
