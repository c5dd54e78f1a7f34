#include "core/cli/token_ids_file.h"

#include <torch/torch.h>

#include <vector>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace aletheia::cli {

torch::Tensor readTokenIds(const std::string& path) {
    const nlohmann::json j = readJsonFile(path);
    if (!j.is_array() || j.empty()) failIn(path, "expected a non-empty JSON array of arrays of token ids");
    std::vector<int64_t> flat;
    const size_t T = j[0].is_array() ? j[0].size() : 0;
    for (size_t b = 0; b < j.size(); ++b) {
        const std::string row = "row " + std::to_string(b);
        if (!j[b].is_array() || j[b].empty()) failIn(path, "expected a non-empty array of token ids", row);
        if (j[b].size() != T)
            failIn(path, "rows must have equal length: " + std::to_string(j[b].size()) + " vs " + std::to_string(T), row);
        for (const auto& id : j[b]) {
            if (!id.is_number_integer() || id.get<int64_t>() < 0) failIn(path, "token ids must be integers >= 0", row);
            flat.push_back(id.get<int64_t>());
        }
    }
    return torch::tensor(flat, torch::kInt64).view({static_cast<int64_t>(j.size()), static_cast<int64_t>(T)});
}

}  // namespace aletheia::cli
