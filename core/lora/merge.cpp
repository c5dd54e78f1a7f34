#include "core/lora/merge.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/lora/apply_plan.h"
#include "core/lora/lora_adapter.h"
#include "core/model/model.h"

namespace aletheia {

int mergeAdapters(Model& model) {
    torch::NoGradGuard noGrad;
    int merged = 0;
    for (auto [cl, a] : loraLinears(model)) {
        auto* l = const_cast<Linear*>(cl);
        // [out, in] in memory for every family (GPT-2 Conv1D is transposed at load and at save).
        auto sum = l->weight.to(torch::kFloat32) + a->mergedDelta().to(l->weight.device());
        // In place, so every holder of the weight (state dict, tied views) sees the merge.
        // Mapped weights are private copy-on-write mappings: the file on disk is untouched.
        l->weight.copy_(sum);
        l->adapter.reset();
        ++merged;
    }
    return merged;
}

void saveMerged(Model& model, const std::string& dir, const std::string& tokenizerFrom) {
    mergeAdapters(model);
    model.save(dir);
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
