#pragma once
// A tokenizer.json for the fixture models that have none: id i is the one character U+0100 + i
// (no byte tokens, no specials), so any generated ids decode to clean text of one character per
// token, for the stop-string and streaming tests of tst_generate and tst_cli.
#include <nlohmann/json.hpp>

#include "core/text/demo_tokenizer.h"

inline nlohmann::json glyphTokenizerJson(int vocabSize) {
    nlohmann::json j = aletheia::text::makeCharTokenizer("a").tokenizer;  // the structure of a valid file
    nlohmann::json vocab = nlohmann::json::object();
    for (int i = 0; i < vocabSize; ++i) {
        const uint32_t cp = 0x100 + uint32_t(i);  // two UTF-8 bytes each
        vocab[std::string{char(0xC0 | (cp >> 6)), char(0x80 | (cp & 0x3F))}] = i;
    }
    j["model"]["vocab"] = vocab;
    j["model"]["byte_fallback"] = false;
    j["added_tokens"] = nlohmann::json::array();
    j["decoder"] = {{"type", "Fuse"}};
    return j;
}
