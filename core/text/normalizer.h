#pragma once
// tokenizer.json "normalizer": rewrites each text piece before pre-tokenisation
// (NFC/NFKC/NFD/NFKD, Lowercase, Replace, Prepend, Strip, StripAccents, Sequence).
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(std::string& text) const = 0;
};

// nullptr for a JSON null (no normalizer). Throws aletheia::Error naming an unsupported type.
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& spec);

// Unicode normal forms through ICU; exposed for the demo and tests.
enum class NormalForm { NFC, NFD, NFKC, NFKD };
std::string normalizeUnicode(const std::string& text, NormalForm form);

}  // namespace aletheia::text
