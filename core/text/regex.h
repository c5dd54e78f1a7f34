#pragma once
// A compiled Unicode regex (PCRE2, UTF + UCP, JIT) for the patterns tokenizer.json files carry.
// HF tokenizers compiles them with Oniguruma; the two differ in what \s means (Oniguruma:
// Unicode White_Space, which includes U+0085). The pattern is rewritten so PCRE2 agrees.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aletheia::text {

class Regex {
public:
    explicit Regex(const std::string& pattern);  // throws aletheia::Error on a bad pattern
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Byte ranges [begin, end) of all non-overlapping matches in `text` (valid UTF-8).
    std::vector<std::pair<size_t, size_t>> findAll(std::string_view text) const;

    const std::string& pattern() const { return pattern_; }

private:
    struct Impl;
    std::string pattern_;
    std::unique_ptr<Impl> impl_;
};

// Exposed for tests: the Oniguruma -> PCRE2 rewrite.
std::string onigurumaToPcre2(const std::string& pattern);

}  // namespace aletheia::text
