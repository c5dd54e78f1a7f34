#pragma once
// tokenizer.json "post_processor": what add_special_tokens adds around one sequence
// (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence).
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    // Adds the template's special tokens around `ids` (single sequence).
    virtual void addSpecialTokens(std::vector<int32_t>& ids) const = 0;
    // Ids the template puts before / after the sequence (for BOS/EOS discovery).
    virtual std::vector<int32_t> prefixIds() const { return {}; }
    virtual std::vector<int32_t> suffixIds() const { return {}; }
};

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json& spec);

}  // namespace aletheia::text
