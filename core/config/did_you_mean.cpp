#include "core/config/did_you_mean.h"

#include <algorithm>
#include <cctype>

namespace aletheia {

std::size_t editDistance(const std::string& a, const std::string& b) {
    // Optimal-string-alignment distance: d[i][j] = distance(a[0..i), b[0..j)), where swapping
    // two neighbours ("trian" -> "train") is one edit, the commonest typo.
    const std::size_t w = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * w);
    for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = std::min(best, d[(i - 2) * w + j - 2] + 1);
            d[i * w + j] = best;
        }
    return d.back();
}

namespace {
std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates) {
    // Keys are short: a long word is no typo of one, and its distance table (|word| x |key|)
    // would cost memory and time in proportion to a hostile file's key.
    if (word.size() > 64) return "";
    const std::string w = lower(word);
    const std::size_t limit = std::max<std::size_t>(1, w.size() / 3);
    std::string best;
    std::size_t bestDistance = limit + 1;
    for (const auto& c : candidates) {
        const std::size_t d = editDistance(w, lower(c));
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string m = closestMatch(word, candidates);
    return m.empty() ? std::string() : " (did you mean '" + m + "'?)";
}

}  // namespace aletheia
