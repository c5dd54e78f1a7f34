#pragma once
// Regexes that come from user files (PEFT rank_pattern/alpha_pattern keys, plan.ranks paths):
// PCRE2 with a step limit and a backtracking-depth limit, so a pathological pattern fails with
// a clear message instead of hanging (catastrophic backtracking) or overflowing the stack
// (std::regex recurses per character and per nested group).
#include <memory>
#include <string>
#include <string_view>

namespace aletheia {

class UserRegex {
public:
    // Throws aletheia::Error (problem only; callers add file and key) if `pattern` does not compile,
    // e.g. nested deeper than PCRE2's parenthesis limit (250).
    explicit UserRegex(const std::string& pattern);
    ~UserRegex();
    UserRegex(const UserRegex&) = delete;
    UserRegex& operator=(const UserRegex&) = delete;

    // Whether the whole of `text` matches (Python's re.fullmatch). Throws aletheia::Error when
    // the match needs more than the step or depth limit.
    bool fullMatch(std::string_view text) const;

private:
    struct Impl;
    std::string pattern_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace aletheia
