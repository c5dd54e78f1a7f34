#include "core/text/bpe.h"

#include <nlohmann/json.hpp>
#include <queue>

#include "core/common/error.h"
#include "core/text/token_id.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {
constexpr size_t kCacheCapacity = 200000;
constexpr size_t kMaxCachedWordBytes = 256;  // SentencePiece-style "words" can be whole texts

std::string optString(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return (it == j.end() || it->is_null()) ? std::string() : it->get<std::string>();
}
}  // namespace

BpeModel::BpeModel(const nlohmann::json& model) {
    const auto& vocab = model.at("vocab");
    if (!vocab.is_object()) throw Error("expected an object of token -> id, got " + std::string(vocab.type_name()), {"", "model.vocab", -1});
    vocab_.reserve(vocab.size() * 2);
    int32_t maxId = -1;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        // Checked before use: the id indexes idToToken_ below (a negative or huge one crashed).
        const int32_t id = tokenIdOf(it.value(), "model.vocab[" + nlohmann::json(it.key()).dump() + "]");
        vocab_.emplace(it.key(), id);
        maxId = std::max(maxId, id);
    }
    idToToken_.resize(static_cast<size_t>(maxId + 1));
    std::vector<bool> taken(idToToken_.size());
    for (const auto& [tok, id] : vocab_) {
        // Two tokens with one id would make decoding depend on hash order.
        if (taken[static_cast<size_t>(id)])
            throw Error("id " + std::to_string(id) + " is given to both " +
                            nlohmann::json(idToToken_[static_cast<size_t>(id)]).dump() + " and " + nlohmann::json(tok).dump(),
                        {"", "model.vocab", -1});
        taken[static_cast<size_t>(id)] = true;
        idToToken_[static_cast<size_t>(id)] = tok;
    }

    prefix_ = optString(model, "continuing_subword_prefix");
    suffix_ = optString(model, "end_of_word_suffix");
    fuseUnk_ = model.value("fuse_unk", false);
    byteFallback_ = model.value("byte_fallback", false);
    ignoreMerges_ = model.value("ignore_merges", false);
    if (auto u = optString(model, "unk_token"); !u.empty()) unk_ = tokenToId(u);
    if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
        fail("BPE dropout is not supported (it makes tokenisation random)");

    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        byteTokens_[b] = tokenToId(name).value_or(-1);
    }
    if (prefix_.empty() && suffix_.empty()) {
        for (const auto& [tok, id] : vocab_) {
            size_t i = 0;
            const char32_t cp = nextCodePoint(tok, i);
            if (i == tok.size()) singleChars_.emplace(cp, id);
        }
    }

    const auto& merges = model.at("merges");
    merges_.reserve(merges.size() * 2);
    int32_t rank = 0;
    for (const auto& m : merges) {
        std::string a, b;
        if (m.is_array()) {  // newer ["left", "right"] spelling
            a = m.at(0).get<std::string>();
            b = m.at(1).get<std::string>();
        } else {  // older "left right" spelling
            const std::string s = m.get<std::string>();
            const size_t sp = s.find(' ');
            if (sp == std::string::npos) fail("BPE merge #" + std::to_string(rank) + " '" + s + "' has no space");
            a = s.substr(0, sp);
            b = s.substr(sp + 1);
        }
        const auto ia = tokenToId(a), ib = tokenToId(b);
        const std::string merged = a + b.substr(std::min(prefix_.size(), b.size()));
        const auto im = tokenToId(merged);
        if (!ia || !ib || !im)
            fail("BPE merge #" + std::to_string(rank) + " ('" + a + "', '" + b + "') uses a token missing from the vocab");
        merges_[pairKey(*ia, *ib)] = Merge{rank, *im};  // a repeated pair keeps its last rank, as HF does
        ++rank;
    }
}

std::optional<int32_t> BpeModel::tokenToId(std::string_view token) const {
    auto it = vocab_.find(std::string(token));
    if (it == vocab_.end()) return std::nullopt;
    return it->second;
}

std::string_view BpeModel::idToToken(int32_t id) const {
    if (id < 0 || static_cast<size_t>(id) >= idToToken_.size()) return {};
    return idToToken_[static_cast<size_t>(id)];
}

std::optional<int32_t> BpeModel::charId(std::string_view ch, bool first, bool last) const {
    if (prefix_.empty() && suffix_.empty()) {
        size_t i = 0;
        auto it = singleChars_.find(nextCodePoint(ch, i));
        if (it == singleChars_.end()) return std::nullopt;
        return it->second;
    }
    std::string s;
    if (!first) s += prefix_;
    s += ch;
    if (last) s += suffix_;
    return tokenToId(s);
}

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (ignoreMerges_) {
        if (auto id = tokenToId(word)) { out.push_back(*id); return; }
    }
    const bool cacheable = word.size() <= kMaxCachedWordBytes;
    std::string key;
    if (cacheable) {
        key.assign(word);
        std::lock_guard<std::mutex> lock(cacheMutex_);
        auto it = cache_.find(key);
        if (it != cache_.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    const size_t before = out.size();
    mergeWord(word, out);
    if (cacheable) {
        std::vector<int32_t> ids(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
        std::lock_guard<std::mutex> lock(cacheMutex_);
        if (cache_.size() >= kCacheCapacity) cache_.clear();
        cache_.emplace(std::move(key), std::move(ids));
    }
}

// HF's Word::merge_all: a heap of candidate merges ordered by (rank, position); stale entries
// are skipped when popped. Symbols form a linked list over the initial characters.
void BpeModel::mergeWord(std::string_view word, std::vector<int32_t>& out) const {
    struct Sym {
        int32_t id;
        int32_t prev, next;
        bool alive;
    };
    std::vector<Sym> syms;
    syms.reserve(word.size());
    auto add = [&](int32_t id) { syms.push_back({id, static_cast<int32_t>(syms.size()) - 1, -1, true}); };

    int32_t pendingUnk = -1;  // fused run of unknown characters (-1: none)
    size_t i = 0;
    while (i < word.size()) {
        const size_t start = i;
        nextCodePoint(word, i);
        const std::string_view ch = word.substr(start, i - start);
        if (auto id = charId(ch, start == 0, i == word.size())) {
            if (pendingUnk >= 0) { add(pendingUnk); pendingUnk = -1; }
            add(*id);
            continue;
        }
        if (byteFallback_) {
            // The whole (prefixed/suffixed) symbol must be spellable in <0xXX> tokens.
            std::string s;
            if (start != 0) s += prefix_;
            s += ch;
            if (i == word.size()) s += suffix_;
            bool all = true;
            for (unsigned char c : s) all = all && byteTokens_[c] >= 0;
            if (all) {
                for (unsigned char c : s) add(byteTokens_[c]);
                continue;
            }
        }
        if (unk_) {
            if (pendingUnk >= 0 && !fuseUnk_) add(pendingUnk);
            if (pendingUnk < 0 || !fuseUnk_) pendingUnk = *unk_;
        }
    }
    if (pendingUnk >= 0) add(pendingUnk);
    for (size_t k = 0; k + 1 < syms.size(); ++k) syms[k].next = static_cast<int32_t>(k + 1);

    struct Cand {
        int32_t rank, pos, newId;
        bool operator<(const Cand& o) const {  // max-heap -> invert: lowest rank, then leftmost
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::vector<Cand> heapStore;
    heapStore.reserve(syms.size());
    std::priority_queue<Cand> heap(std::less<Cand>(), std::move(heapStore));
    auto findMerge = [&](int32_t a, int32_t b) -> const Merge* {
        auto it = merges_.find(pairKey(a, b));
        return it == merges_.end() ? nullptr : &it->second;
    };
    for (size_t k = 0; k + 1 < syms.size(); ++k)
        if (const Merge* m = findMerge(syms[k].id, syms[k + 1].id))
            heap.push({m->rank, static_cast<int32_t>(k), m->newId});

    while (!heap.empty()) {
        const Cand top = heap.top();
        heap.pop();
        Sym& cur = syms[static_cast<size_t>(top.pos)];
        if (!cur.alive || cur.next < 0) continue;
        const int32_t nextPos = cur.next;
        Sym& right = syms[static_cast<size_t>(nextPos)];
        const Merge* m = findMerge(cur.id, right.id);
        if (!m || m->newId != top.newId) continue;  // stale entry
        cur.id = top.newId;
        cur.next = right.next;
        right.alive = false;
        if (right.next >= 0) syms[static_cast<size_t>(right.next)].prev = top.pos;
        if (cur.prev >= 0)
            if (const Merge* pm = findMerge(syms[static_cast<size_t>(cur.prev)].id, cur.id))
                heap.push({pm->rank, cur.prev, pm->newId});
        if (cur.next >= 0)
            if (const Merge* nm = findMerge(cur.id, syms[static_cast<size_t>(cur.next)].id))
                heap.push({nm->rank, top.pos, nm->newId});
    }
    for (const auto& s : syms)
        if (s.alive) out.push_back(s.id);
}

}  // namespace aletheia::text
