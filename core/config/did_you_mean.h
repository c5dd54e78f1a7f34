#pragma once
// "did you mean ...?" suggestions for misspelt keys and values.
#include <cstddef>
#include <string>
#include <vector>

namespace aletheia {

// Edit distance (insertions, deletions, substitutions, adjacent swaps), case-sensitive.
std::size_t editDistance(const std::string& a, const std::string& b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo
// (distance at most max(1, |word|/3), case differences ignored).
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace aletheia
