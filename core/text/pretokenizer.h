#pragma once
// tokenizer.json "pre_tokenizer": cuts a normalized piece into pre-tokens ("words") that BPE
// encodes independently (Split with regex or string, ByteLevel, Metaspace, Whitespace,
// WhitespaceSplit, Digits, Sequence).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Rewrites `pieces` in place. `atTextStart`: pieces[0] begins at offset 0 of the original
    // input (Metaspace's prepend_scheme "first" depends on it).
    virtual void split(std::vector<std::string>& pieces, bool atTextStart) const = 0;
};

// nullptr for JSON null. Throws aletheia::Error naming an unsupported type.
std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json& spec);

}  // namespace aletheia::text
