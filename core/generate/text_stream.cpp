#include "core/generate/text_stream.h"

#include <algorithm>

#include "core/common/error.h"

namespace aletheia {

namespace {

// Prompt tokens decoded in front of the completion: enough for decoders that treat the first
// token of a text specially (Metaspace/Strip drop its leading space), bounded so that each token
// costs the same however long the prompt.
constexpr size_t kContextTokens = 8;
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD: bytes of a character not complete yet

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

TextStream::TextStream(const Tokenizer& tokenizer, const std::vector<int32_t>& prompt, std::vector<std::string> stopStrings)
    : tokenizer_(tokenizer), stops_(std::move(stopStrings)) {
    for (const auto& s : stops_)
        if (s.empty()) fail("a stop string must not be empty");
    contextTokens_ = std::min(prompt.size(), kContextTokens);
    ids_.assign(prompt.end() - std::ptrdiff_t(contextTokens_), prompt.end());
    contextText_ = tokenizer_.decode(ids_, true);
}

std::string TextStream::push(int32_t token) {
    if (stopStringSeen()) return {};
    ids_.push_back(token);
    const std::string all = tokenizer_.decode(ids_, true);
    completion_ = startsWith(all, contextText_)
                      ? all.substr(contextText_.size())
                      : tokenizer_.decode(std::vector<int32_t>(ids_.begin() + std::ptrdiff_t(contextTokens_), ids_.end()), true);
    for (const auto& s : stops_) stopAt_ = std::min(stopAt_, completion_.find(s));
    if (stopStringSeen()) return {};  // finish() releases the text before it
    // Hold back an incomplete character and the longest tail that begins some stop string.
    size_t end = completion_.size();
    while (end >= kReplacement.size() && completion_.compare(end - kReplacement.size(), kReplacement.size(), kReplacement) == 0)
        end -= kReplacement.size();
    size_t hold = 0;
    for (const auto& s : stops_)
        for (size_t n = std::min(s.size() - 1, end); n > hold; --n)
            if (completion_.compare(end - n, n, s, 0, n) == 0) {
                hold = n;
                break;
            }
    return release(completion_.substr(0, end - hold));
}

std::string TextStream::finish() { return release(stopStringSeen() ? completion_.substr(0, stopAt_) : completion_); }

std::string TextStream::release(const std::string& upTo) {
    // Text once released stays; a later decode that rewrote it (rare) adds nothing more.
    if (upTo.size() <= released_.size() || !startsWith(upTo, released_)) return {};
    std::string piece = upTo.substr(released_.size());
    released_ = upTo;
    return piece;
}

}  // namespace aletheia
