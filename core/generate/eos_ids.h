#pragma once
// The token ids that end generation, as transformers' generate finds them: generation_config.json's
// eos_token_id (one id or a list) when the checkpoint has that file, else config.json's, else the
// tokenizer's EOS token.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

struct ModelConfig;
class Tokenizer;

// `tokenizer` may be null. Throws aletheia::Error naming the file when eos_token_id is neither an
// id nor a list of ids.
std::vector<int64_t> eosTokenIds(const std::string& modelDir, const ModelConfig& config, const Tokenizer* tokenizer);

}  // namespace aletheia
