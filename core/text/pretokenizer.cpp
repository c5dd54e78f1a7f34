#include "core/text/pretokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/regex.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {

// What HF calls SplitDelimiterBehavior: what happens to the matched delimiters.
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parseBehavior(const std::string& s) {
    if (s == "Removed") return Behavior::Removed;
    if (s == "Isolated") return Behavior::Isolated;
    if (s == "MergedWithPrevious") return Behavior::MergedWithPrevious;
    if (s == "MergedWithNext") return Behavior::MergedWithNext;
    if (s == "Contiguous") return Behavior::Contiguous;
    fail("unsupported split behavior '" + s + "'");
}

struct Span {
    size_t b, e;
    bool isMatch;
};

// Matches + the gaps between them, covering the whole text, as HF's find_matches returns them.
std::vector<Span> withGaps(const std::vector<std::pair<size_t, size_t>>& matches, size_t size, bool invert) {
    std::vector<Span> spans;
    size_t pos = 0;
    for (const auto& [b, e] : matches) {
        if (b > pos) spans.push_back({pos, b, invert});
        spans.push_back({b, e, !invert});
        pos = e;
    }
    if (pos < size) spans.push_back({pos, size, invert});
    return spans;
}

// Applies a behavior exactly as HF's NormalizedString::split does; appends pieces to `out`.
void applyBehavior(const std::string& text, std::vector<Span> spans, Behavior bh, std::vector<std::string>& out) {
    std::vector<std::pair<size_t, size_t>> kept;
    switch (bh) {
        case Behavior::Removed:
            for (const auto& s : spans) if (!s.isMatch) kept.emplace_back(s.b, s.e);
            break;
        case Behavior::Isolated:
            for (const auto& s : spans) kept.emplace_back(s.b, s.e);
            break;
        case Behavior::MergedWithPrevious: {
            bool prevMatch = false;
            for (const auto& s : spans) {
                if (s.isMatch && !prevMatch && !kept.empty()) kept.back().second = s.e;
                else kept.emplace_back(s.b, s.e);
                prevMatch = s.isMatch;
            }
            break;
        }
        case Behavior::MergedWithNext: {
            bool prevMatch = false;
            for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
                if (it->isMatch && !prevMatch && !kept.empty()) kept.back().first = it->b;
                else kept.emplace_back(it->b, it->e);
                prevMatch = it->isMatch;
            }
            std::reverse(kept.begin(), kept.end());
            break;
        }
        case Behavior::Contiguous: {
            bool prevMatch = false;
            bool first = true;
            for (const auto& s : spans) {
                if (!first && s.isMatch == prevMatch) kept.back().second = s.e;
                else kept.emplace_back(s.b, s.e);
                prevMatch = s.isMatch;
                first = false;
            }
            break;
        }
    }
    for (const auto& [b, e] : kept)
        if (e > b) out.emplace_back(text, b, e - b);
}

std::vector<std::pair<size_t, size_t>> findLiteral(const std::string& text, const std::string& lit) {
    std::vector<std::pair<size_t, size_t>> m;
    if (lit.empty()) return m;
    for (size_t p = text.find(lit); p != std::string::npos; p = text.find(lit, p + lit.size()))
        m.emplace_back(p, p + lit.size());
    return m;
}

class SplitPre : public PreTokenizer {
public:
    SplitPre(const nlohmann::json& spec)
        : behavior_(parseBehavior(spec.at("behavior").get<std::string>())), invert_(spec.value("invert", false)) {
        const auto& pat = spec.at("pattern");
        if (pat.contains("Regex")) regex_ = std::make_unique<Regex>(pat["Regex"].get<std::string>());
        else literal_ = pat.at("String").get<std::string>();
    }
    void split(std::vector<std::string>& pieces, bool) const override {
        std::vector<std::string> out;
        out.reserve(pieces.size() * 4);
        for (const auto& p : pieces) {
            const auto matches = regex_ ? regex_->findAll(p) : findLiteral(p, literal_);
            applyBehavior(p, withGaps(matches, p.size(), invert_), behavior_, out);
        }
        pieces.swap(out);
    }
private:
    std::unique_ptr<Regex> regex_;
    std::string literal_;
    Behavior behavior_;
    bool invert_;
};

const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Maps every byte to its printable stand-in so byte-level vocabularies can spell any input.
class ByteLevelPre : public PreTokenizer {
public:
    ByteLevelPre(bool addPrefixSpace, bool useRegex) : addPrefixSpace_(addPrefixSpace) {
        if (useRegex) regex_ = std::make_unique<Regex>(kGpt2Pattern);
    }
    void split(std::vector<std::string>& pieces, bool) const override {
        std::vector<std::string> words;
        if (addPrefixSpace_)
            for (auto& p : pieces) if (p.empty() || p[0] != ' ') p.insert(0, " ");
        if (regex_) {
            words.reserve(pieces.size() * 4);
            for (const auto& p : pieces) applyBehavior(p, withGaps(regex_->findAll(p), p.size(), false), Behavior::Isolated, words);
        } else {
            words.swap(pieces);
        }
        const auto& table = byteLevelChars();
        pieces.clear();
        pieces.reserve(words.size());
        for (const auto& w : words) {
            std::string mapped;
            mapped.reserve(w.size() * 2);
            for (unsigned char c : w) mapped += table[c];
            pieces.push_back(std::move(mapped));
        }
    }
private:
    bool addPrefixSpace_;
    std::unique_ptr<Regex> regex_;
};

class MetaspacePre : public PreTokenizer {
public:
    explicit MetaspacePre(const nlohmann::json& spec) {
        replacement_ = spec.value("replacement", std::string("\xE2\x96\x81"));
        std::string scheme = "always";
        if (spec.contains("prepend_scheme") && spec["prepend_scheme"].is_string())
            scheme = spec["prepend_scheme"].get<std::string>();
        else if (spec.contains("add_prefix_space") && spec["add_prefix_space"].is_boolean())
            scheme = spec["add_prefix_space"].get<bool>() ? "always" : "never";
        if (scheme != "always" && scheme != "first" && scheme != "never")
            fail("unsupported Metaspace prepend_scheme '" + scheme + "'");
        scheme_ = scheme;
        split_ = spec.value("split", true);
    }
    void split(std::vector<std::string>& pieces, bool atTextStart) const override {
        std::vector<std::string> out;
        for (size_t i = 0; i < pieces.size(); ++i) {
            std::string s;
            for (char c : pieces[i]) {
                if (c == ' ') s += replacement_;
                else s += c;
            }
            const bool starts = s.compare(0, replacement_.size(), replacement_) == 0;
            if (!starts && (scheme_ == "always" || (scheme_ == "first" && atTextStart && i == 0)))
                s.insert(0, replacement_);
            if (split_) applyBehavior(s, withGaps(findLiteral(s, replacement_), s.size(), false), Behavior::MergedWithNext, out);
            else if (!s.empty()) out.push_back(std::move(s));
        }
        pieces.swap(out);
    }
private:
    std::string replacement_, scheme_;
    bool split_ = true;
};

class RegexPre : public PreTokenizer {
public:
    RegexPre(const std::string& pattern, Behavior b, bool invert) : regex_(pattern), behavior_(b), invert_(invert) {}
    void split(std::vector<std::string>& pieces, bool) const override {
        std::vector<std::string> out;
        for (const auto& p : pieces) applyBehavior(p, withGaps(regex_.findAll(p), p.size(), invert_), behavior_, out);
        pieces.swap(out);
    }
private:
    Regex regex_;
    Behavior behavior_;
    bool invert_;
};

class SequencePre : public PreTokenizer {
public:
    explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
    void split(std::vector<std::string>& pieces, bool atTextStart) const override {
        for (const auto& p : parts_) p->split(pieces, atTextStart);
    }
private:
    std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json& spec) {
    if (spec.is_null()) return nullptr;
    const std::string type = spec.value("type", "");
    if (type == "Split") return std::make_unique<SplitPre>(spec);
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelPre>(spec.value("add_prefix_space", true), spec.value("use_regex", true));
    if (type == "Metaspace") return std::make_unique<MetaspacePre>(spec);
    // Whitespace: words and runs of punctuation; the whitespace itself is dropped.
    if (type == "Whitespace") return std::make_unique<RegexPre>(R"(\w+|[^\w\s]+)", Behavior::Removed, true);
    if (type == "WhitespaceSplit") return std::make_unique<RegexPre>(R"(\s+)", Behavior::Removed, false);
    if (type == "Digits")
        return std::make_unique<RegexPre>(R"(\p{N})",
                                          spec.value("individual_digits", false) ? Behavior::Isolated : Behavior::Contiguous,
                                          false);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PreTokenizer>> parts;
        for (const auto& s : spec.at("pretokenizers"))
            if (auto p = makePreTokenizer(s)) parts.push_back(std::move(p));
        return std::make_unique<SequencePre>(std::move(parts));
    }
    fail("unsupported pre_tokenizer type '" + type +
         "' (supported: Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Digits, Sequence)");
}

}  // namespace aletheia::text
