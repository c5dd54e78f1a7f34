#pragma once
// Token ids read from tokenizer.json (vocab, added_tokens, post_processor): range-checked once
// here, because every later use indexes a table with them.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

// Ids are below 2^24 (16.7M): 64x the largest real vocabulary (Gemma 3: 262k), while a table
// indexed by id stays under a gigabyte. The model's own vocab_size has the same bound.
constexpr int64_t kMaxTokenIds = int64_t(1) << 24;

// `v` as a token id; throws aletheia::Error with item `key` and the value when it is not an
// integer in [0, kMaxTokenIds) (negative, 2^31, 1e308, 1.5, "7" all fail).
int32_t tokenIdOf(const nlohmann::json& v, const std::string& key);

}  // namespace aletheia::text
