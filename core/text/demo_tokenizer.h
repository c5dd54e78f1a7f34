#pragma once
// A small, valid Hugging Face tokenizer for models trained from scratch (the built-in demo):
// character-level BPE over a given alphabet, byte fallback for anything else, ChatML
// special tokens and a ChatML chat template, so the demo ships files that our loader (and HF
// `tokenizers`) read like any real checkpoint's.
#include <string>

#include <nlohmann/json.hpp>

namespace aletheia::text {

struct DemoTokenizerFiles {
    nlohmann::json tokenizer;  // tokenizer.json
    nlohmann::json config;     // tokenizer_config.json
};

// Ids: 0 <|endoftext|> (pad), 1 <|im_start|>, 2 <|im_end|> (eos), 3..258 <0x00>..<0xFF>, then
// each distinct code point of `alphabet` in order of first appearance.
DemoTokenizerFiles makeCharTokenizer(const std::string& alphabet);

// Writes <dir>/tokenizer.json and <dir>/tokenizer_config.json (creating dir). Throws on I/O errors.
void writeCharTokenizer(const std::string& dir, const std::string& alphabet);

}  // namespace aletheia::text
