#include "core/text/masking.h"

#include "core/text/tokenizer.h"

namespace aletheia::text {

Example tokenizeSpans(const Tokenizer& tok, const std::string& text, const std::vector<ChatSpan>& spans,
                      bool addSpecialTokens, bool trainOnPrompt) {
    Example ex;
    ex.inputIds = tok.encode(text, addSpecialTokens);
    const size_t n = ex.inputIds.size();
    ex.labels.assign(n, kIgnoreLabel);
    const std::vector<int32_t> lead = addSpecialTokens ? tok.specialPrefix() : std::vector<int32_t>{};

    // Token index where each span starts.
    std::vector<size_t> startTok(spans.size(), 0);
    for (size_t s = 0; s < spans.size(); ++s) {
        if (spans[s].begin == 0) continue;
        std::vector<int32_t> prefix = lead;
        const auto p = tok.encode(std::string_view(text).substr(0, spans[s].begin), false);
        prefix.insert(prefix.end(), p.begin(), p.end());
        size_t k = 0;
        while (k < prefix.size() && k < n && prefix[k] == ex.inputIds[k]) ++k;
        startTok[s] = k;
    }
    for (size_t s = 0; s < spans.size(); ++s) {
        if (!spans[s].response && !trainOnPrompt) continue;
        // A later span can never start before an earlier one.
        const size_t b = startTok[s];
        size_t e = n;
        for (size_t t = s + 1; t < spans.size(); ++t) { e = std::max(b, startTok[t]); break; }
        if (s + 1 == spans.size()) e = n;  // template suffix (e.g. EOS) belongs to the last span
        for (size_t i = b; i < e; ++i) ex.labels[i] = ex.inputIds[i];
    }
    if (spans.empty() && trainOnPrompt) ex.labels = ex.inputIds;
    return ex;
}

}  // namespace aletheia::text
