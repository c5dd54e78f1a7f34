#include "core/text/added_tokens.h"

#include <unicode/uchar.h>

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/common/error.h"
#include "core/text/token_id.h"
#include "core/text/unicode.h"

namespace aletheia::text {

void LiteralMatcher::add(const std::string& s, int32_t value) {
    if (s.empty()) return;
    int32_t node = 0;
    for (unsigned char c : s) {
        auto it = nodes_[static_cast<size_t>(node)].next.find(c);
        if (it == nodes_[static_cast<size_t>(node)].next.end()) {
            nodes_.push_back(Node{});
            const auto fresh = static_cast<int32_t>(nodes_.size() - 1);
            nodes_[static_cast<size_t>(node)].next.emplace(c, fresh);
            node = fresh;
        } else {
            node = it->second;
        }
    }
    // A duplicated content keeps its first entry, as HF's vocabulary does.
    if (nodes_[static_cast<size_t>(node)].value < 0) nodes_[static_cast<size_t>(node)].value = value;
    firstByte_[static_cast<unsigned char>(s[0])] = true;
}

LiteralMatcher::Hit LiteralMatcher::find(std::string_view text, size_t from) const {
    for (size_t i = from; i < text.size(); ++i) {
        if (!firstByte_[static_cast<unsigned char>(text[i])]) continue;
        int32_t node = 0;
        Hit best{std::string_view::npos, 0, -1};
        for (size_t j = i; j < text.size(); ++j) {
            const auto& next = nodes_[static_cast<size_t>(node)].next;
            auto it = next.find(static_cast<unsigned char>(text[j]));
            if (it == next.end()) break;
            node = it->second;
            if (nodes_[static_cast<size_t>(node)].value >= 0) best = {i, j + 1, nodes_[static_cast<size_t>(node)].value};
        }
        if (best.begin != std::string_view::npos) return best;
    }
    return {std::string_view::npos, 0, -1};
}

AddedVocabulary::AddedVocabulary(const nlohmann::json& addedTokens,
                                 const std::function<void(std::string&)>& normalize,
                                 const std::function<std::optional<int32_t>(const std::string&)>& modelLookup,
                                 int32_t modelEntries) {
    if (!addedTokens.is_array()) return;
    std::unordered_set<int32_t> fileIds;
    for (size_t i = 0; i < addedTokens.size(); ++i) {
        const auto& j = addedTokens[i];
        const std::string where = "added_tokens[" + std::to_string(i) + "]";
        if (!j.is_object() || !j.contains("content") || !j["content"].is_string())
            throw Error("expected an object with a string 'content'", {"", where, -1});
        // Like HF, the id written in the file is not used (the token gets the vocab's id or the
        // next free one), but a broken one marks a broken file: checked and refused.
        if (j.contains("id")) {
            const int32_t id = tokenIdOf(j["id"], where + ".id");
            if (!fileIds.insert(id).second)
                throw Error("id " + std::to_string(id) + " is used by an earlier added token", {"", where + ".id", -1});
        }
        AddedToken t;
        t.content = j.at("content").get<std::string>();
        if (t.content.empty() || byContent_.count(t.content)) continue;
        t.special = j.value("special", false);
        t.lstrip = j.value("lstrip", false);
        t.rstrip = j.value("rstrip", false);
        t.singleWord = j.value("single_word", false);
        t.normalized = j.value("normalized", !t.special);
        if (auto id = modelLookup(t.content)) t.id = *id;
        else t.id = maxId_ < 0 ? modelEntries : (maxId_ >= modelEntries ? maxId_ + 1 : modelEntries);
        const auto idx = static_cast<int32_t>(tokens_.size());
        t.decoded = t.content;
        if (t.normalized) {
            if (normalize) normalize(t.decoded);
            norm_.add(t.decoded, idx);
        } else {
            raw_.add(t.content, idx);
        }
        byId_.emplace(t.id, tokens_.size());
        byContent_.emplace(t.content, t.id);
        maxId_ = std::max(maxId_, t.id);
        tokens_.push_back(std::move(t));
    }
}

const AddedToken* AddedVocabulary::byId(int32_t id) const {
    auto it = byId_.find(id);
    return it == byId_.end() ? nullptr : &tokens_[it->second];
}

std::optional<int32_t> AddedVocabulary::idOf(std::string_view content) const {
    auto it = byContent_.find(std::string(content));
    if (it == byContent_.end()) return std::nullopt;
    return it->second;
}

namespace {
bool isWordChar(char32_t c) { return c == '_' || u_isalnum(static_cast<UChar32>(c)); }

char32_t lastChar(std::string_view s) {
    size_t b = s.size() - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    size_t i = b;
    return nextCodePoint(s, i);
}

// Start of the whitespace run that ends at `end` (not before `floor`).
size_t whitespaceRunStart(std::string_view s, size_t end, size_t floor) {
    while (end > floor) {
        size_t b = end - 1;
        while (b > floor && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
        size_t i = b;
        if (!isWhiteSpace(nextCodePoint(s, i))) break;
        end = b;
    }
    return end;
}

size_t whitespaceRunEnd(std::string_view s, size_t pos) {
    while (pos < s.size()) {
        size_t i = pos;
        if (!isWhiteSpace(nextCodePoint(s, i))) break;
        pos = i;
    }
    return pos;
}
}  // namespace

std::vector<Segment> AddedVocabulary::split(std::string_view text, const LiteralMatcher& m) const {
    std::vector<Segment> out;
    if (m.empty()) {
        if (!text.empty()) out.push_back({text, -1});
        return out;
    }
    size_t emitted = 0;  // text before this offset is already in `out`
    size_t from = 0;
    while (from < text.size()) {
        const auto hit = m.find(text, from);
        if (hit.begin == std::string_view::npos) break;
        const AddedToken& t = tokens_[static_cast<size_t>(hit.value)];
        size_t b = hit.begin, e = hit.end;
        from = hit.end;
        if (b < emitted) continue;  // swallowed by the previous token's rstrip
        if (t.singleWord) {
            const bool leftOk = b == 0 || !isWordChar(lastChar(text.substr(0, b)));
            size_t k = e;
            const bool rightOk = e == text.size() || !isWordChar(nextCodePoint(text, k));
            if (!leftOk || !rightOk) continue;
        }
        if (t.lstrip) b = whitespaceRunStart(text, b, emitted);
        if (t.rstrip) e = whitespaceRunEnd(text, e);
        if (b > emitted) out.push_back({text.substr(emitted, b - emitted), -1});
        out.push_back({text.substr(b, e - b), t.id});
        emitted = e;
        from = e;
    }
    if (emitted < text.size()) out.push_back({text.substr(emitted), -1});
    return out;
}

}  // namespace aletheia::text
