#pragma once
// aletheia::Tokenizer: a Hugging Face tokenizer.json (plain or .json.gz), encoded exactly as
// HF `tokenizers` does: added tokens split out of the raw text, then per piece normalizer ->
// pre-tokenizer -> BPE, then the post-processor when special tokens are requested.
// Cheap to copy (shared immutable state); encode/decode are safe from several threads.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/text/tokenizer_config.h"

namespace aletheia {

class Tokenizer {
public:
    // `path`: a tokenizer.json, a tokenizer.json.gz, or a model directory (-> fromDirectory).
    static Tokenizer fromFile(const std::string& path);
    // Reads <dir>/tokenizer.json (or .json.gz) and, if present, <dir>/tokenizer_config.json.
    static Tokenizer fromDirectory(const std::string& modelDir);
    // `source` names the origin in error messages.
    static Tokenizer fromJson(const nlohmann::json& tokenizerJson, const std::string& source,
                              const text::TokenizerConfig& config = {});

    // Invalid UTF-8 in `text` is read as U+FFFD.
    std::vector<int32_t> encode(std::string_view text, bool addSpecialTokens) const;
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecial) const;

    // Number of ids (model vocab plus added tokens beyond it).
    int vocabSize() const;
    std::optional<int32_t> tokenToId(std::string_view token) const;
    std::optional<std::string> idToToken(int32_t id) const;
    bool isSpecial(int32_t id) const;

    std::optional<int32_t> bosId() const;
    std::optional<int32_t> eosId() const;
    std::optional<int32_t> padId() const;
    // The ids add_special_tokens puts before/after a single sequence (e.g. {BOS} / {}).
    std::vector<int32_t> specialPrefix() const;
    std::vector<int32_t> specialSuffix() const;

    const text::TokenizerConfig& config() const;
    const std::string& source() const;

    struct Impl;

private:
    explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
};

}  // namespace aletheia
