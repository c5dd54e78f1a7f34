#include "core/lora/merge.h"

#include <filesystem>
#include <map>

#include "core/common/error.h"
#include "core/lora/adapter_set.h"
#include "core/model/model.h"

namespace aletheia {

Model mergedModel(const Model& base, const AdapterSet& adapters) {
    torch::NoGradGuard noGrad;
    std::map<std::string, torch::Tensor> merged;
    for (auto [l, a] : loraLinears(base, adapters)) {
        // [out, in] in memory for every family (GPT-2 Conv1D is transposed at load and at save).
        const auto sum = l->weight.to(torch::kFloat32) + a->mergedDelta().to(l->weight.device());
        merged[l->name] = sum.to(l->weight.scalar_type());
    }
    if (merged.size() != adapters.size()) fail("the adapters name projections this model does not have");
    return base.withWeights(merged);
}

void saveMerged(const Model& base, const AdapterSet& adapters, const std::string& dir,
                const std::string& tokenizerFrom) {
    mergedModel(base, adapters).save(dir);
    if (tokenizerFrom.empty()) return;
    namespace fs = std::filesystem;
    for (const char* f : {"tokenizer.json", "tokenizer.json.gz", "tokenizer_config.json", "special_tokens_map.json"}) {
        std::error_code ec;
        if (!fs::exists(fs::path(tokenizerFrom) / f)) continue;
        fs::copy_file(fs::path(tokenizerFrom) / f, fs::path(dir) / f, fs::copy_options::overwrite_existing, ec);
        if (ec) failIn((fs::path(dir) / f).string(), "cannot copy the tokenizer file: " + ec.message());
    }
}

}  // namespace aletheia
