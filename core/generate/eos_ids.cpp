#include "core/generate/eos_ids.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/model/model_config.h"
#include "core/text/tokenizer.h"

namespace aletheia {

namespace {

// eos_token_id of `j`: absent or null -> {}, an id -> {id}, a list of ids -> them.
std::vector<int64_t> idsOf(const nlohmann::json& j, const std::string& file) {
    const auto it = j.find("eos_token_id");
    if (it == j.end() || it->is_null()) return {};
    if (it->is_number_integer()) return {it->get<int64_t>()};
    std::vector<int64_t> ids;
    if (it->is_array())
        for (const auto& e : *it) {
            if (!e.is_number_integer()) break;
            ids.push_back(e.get<int64_t>());
        }
    if (!it->is_array() || ids.size() != it->size())
        failIn(file, "must be a token id or a list of token ids", "eos_token_id");
    return ids;
}

}  // namespace

std::vector<int64_t> eosTokenIds(const std::string& modelDir, const ModelConfig& config, const Tokenizer* tokenizer) {
    const std::string genConfig = (std::filesystem::path(modelDir) / "generation_config.json").string();
    if (std::filesystem::exists(genConfig)) return idsOf(readJsonFile(genConfig), genConfig);
    auto ids = idsOf(config.raw, (std::filesystem::path(modelDir) / "config.json").string());
    if (ids.empty() && tokenizer && tokenizer->eosId()) ids.push_back(*tokenizer->eosId());
    return ids;
}

}  // namespace aletheia
