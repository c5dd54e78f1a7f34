#pragma once
// tokenizer.json "decoder": turns token strings back into text (ByteLevel, Metaspace,
// Replace, ByteFallback, Fuse, Strip, WordPiece, Sequence), as HF's decode_chain does.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

class Decoder {
public:
    virtual ~Decoder() = default;
    // One step of the chain: token strings in, token strings out.
    virtual void decodeChain(std::vector<std::string>& tokens) const = 0;
};

// nullptr for JSON null (tokens are then joined with spaces, like HF).
std::unique_ptr<Decoder> makeDecoder(const nlohmann::json& spec);

}  // namespace aletheia::text
