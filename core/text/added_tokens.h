#pragma once
// tokenizer.json "added_tokens": literal strings (special tokens like <|im_start|> and plain
// added words) cut out of the text BEFORE normalisation and BPE, leftmost-longest, honouring
// lstrip / rstrip / single_word / normalized exactly like HF's AddedVocabulary.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

struct AddedToken {
    int32_t id = -1;
    std::string content;
    std::string decoded;  // what decode() shows: the normalized content for normalized tokens (as HF)
    bool special = false, lstrip = false, rstrip = false, normalized = false, singleWord = false;
};

// A piece of the input: either an added token (id >= 0) or text still to be encoded.
struct Segment {
    std::string_view text;
    int32_t id = -1;
};

// Leftmost-longest literal matcher over a set of strings (a byte trie).
class LiteralMatcher {
public:
    void add(const std::string& s, int32_t value);
    bool empty() const { return nodes_.size() <= 1; }
    // First match at or after `from`: {begin, end, value}; begin == npos if none.
    struct Hit { size_t begin, end; int32_t value; };
    Hit find(std::string_view text, size_t from) const;
private:
    struct Node {
        std::unordered_map<unsigned char, int32_t> next;
        int32_t value = -1;
    };
    std::vector<Node> nodes_{Node{}};
    bool firstByte_[256] = {};
};

class AddedVocabulary {
public:
    AddedVocabulary() = default;
    // `normalize` rewrites contents of `normalized: true` tokens so they match normalized text.
    // Ids are assigned as HF does, ignoring the JSON "id": a content already in the model vocab
    // keeps the model's id, a new one gets the next free id after the model vocab.
    AddedVocabulary(const nlohmann::json& addedTokens, const std::function<void(std::string&)>& normalize,
                    const std::function<std::optional<int32_t>(const std::string&)>& modelLookup,
                    int32_t modelEntries);

    // Splits raw text on tokens with normalized == false.
    std::vector<Segment> splitRaw(std::string_view text) const { return split(text, raw_); }
    // Splits already-normalized text on tokens with normalized == true.
    std::vector<Segment> splitNormalized(std::string_view text) const { return split(text, norm_); }
    bool hasNormalizedTokens() const { return !norm_.empty(); }

    const AddedToken* byId(int32_t id) const;
    std::optional<int32_t> idOf(std::string_view content) const;
    bool isSpecial(int32_t id) const { const auto* t = byId(id); return t && t->special; }
    int32_t maxId() const { return maxId_; }
    const std::vector<AddedToken>& tokens() const { return tokens_; }

private:
    std::vector<Segment> split(std::string_view text, const LiteralMatcher& m) const;

    std::vector<AddedToken> tokens_;
    std::unordered_map<int32_t, size_t> byId_;
    std::unordered_map<std::string, int32_t> byContent_;
    LiteralMatcher raw_, norm_;  // values: index into tokens_
    int32_t maxId_ = -1;
};

}  // namespace aletheia::text
