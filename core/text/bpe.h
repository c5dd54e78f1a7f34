#pragma once
// tokenizer.json "model" of type BPE: vocab + ranked merges, with the options real
// checkpoints use (byte_fallback, unk/fuse_unk, ignore_merges, subword prefix/suffix)
// and a cache of already-encoded words.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

class BpeModel {
public:
    // Throws aletheia::Error (with the offending merge) on an inconsistent model.
    explicit BpeModel(const nlohmann::json& model);

    // Appends the ids of one pre-token to `out`.
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const;

    // Largest id + 1 among the vocab entries.
    int32_t size() const { return static_cast<int32_t>(idToToken_.size()); }
    // Number of vocab entries (HF's get_vocab_size; new added tokens are numbered from here).
    int32_t entries() const { return static_cast<int32_t>(vocab_.size()); }
    std::optional<int32_t> tokenToId(std::string_view token) const;
    // Empty view for an id outside the vocab (or a hole in it).
    std::string_view idToToken(int32_t id) const;

private:
    void mergeWord(std::string_view word, std::vector<int32_t>& out) const;
    std::optional<int32_t> charId(std::string_view ch, bool first, bool last) const;

    struct Merge {
        int32_t rank;
        int32_t newId;
    };
    static uint64_t pairKey(int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }

    std::unordered_map<std::string, int32_t> vocab_;
    std::vector<std::string> idToToken_;
    std::unordered_map<uint64_t, Merge> merges_;
    std::unordered_map<char32_t, int32_t> singleChars_;  // fast path for 1-char symbols
    std::optional<int32_t> unk_;
    bool fuseUnk_ = false, byteFallback_ = false, ignoreMerges_ = false;
    std::string prefix_, suffix_;
    int32_t byteTokens_[256];  // <0xXX> ids, -1 if missing

    // Word -> ids. Bounded; cleared when full (cheap, and the hot words come back at once).
    mutable std::mutex cacheMutex_;
    mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace aletheia::text
