#pragma once
// llama.cpp's tokenizer metadata (tokenizer.ggml.*) of a checkpoint folder, written as
// convert_hf_to_gguf.py writes it from tokenizer.json:
//   byte-level BPE            model "gpt2", pre "default", tokens, token_type, merges
//   BPE with byte_fallback    model "llama" (SentencePiece-style), tokens, scores -1000,
//                             token_type (BYTE for <0xNN>), as its LlamaHfVocab does
//   no tokenizer.json         model "none": llama.cpp makes {arch}.vocab_size dummy tokens, the
//                             file then runs on token ids only (our test fixtures)
// Ids missing from the vocabulary become "[PADn]" (UNUSED); added tokens are CONTROL when special,
// else USER_DEFINED. bos/eos/pad ids and add_bos_token come from tokenizer_config.json, else
// config.json; tokenizer.chat_template from tokenizer_config.json.
#include <string>
#include <utility>
#include <vector>

#include "core/io/gguf_writer.h"

namespace aletheia {

std::vector<std::pair<std::string, GgufValue>> ggufVocab(const std::string& modelDir, int64_t vocabSize);

}  // namespace aletheia
