#pragma once
// The one place where JSON text from outside (files, JSONL lines, safetensors headers) is parsed,
// so every caller gets the same limits and messages that name the source and the position.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aletheia {

// Deeper nesting than any real config, tokenizer or header needs (they stay below 10); the
// limit keeps recursive code (copy, dump, comparisons) from overflowing the stack on hostile files.
constexpr int kMaxJsonDepth = 512;

// Parses `text`; throws aletheia::Error naming `source` (and `line` + the line inside `text`
// for errors) on a syntax error, a number out of the double range (1e400) or nesting deeper
// than kMaxJsonDepth. `firstLine`: the line number of text's first line in `source`.
nlohmann::json parseJson(std::string_view text, const std::string& source, long firstLine = 1);

}  // namespace aletheia
