#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/lora/adapter_set.h"
#include "core/lora/gguf_export.h"
#include "core/lora/gguf_names.h"
#include "core/lora/lora_adapter.h"
#include "core/model/cell_name.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

// The alpha most modules have: with it, their B goes out unchanged (as convert_lora_to_gguf.py
// writes a PEFT adapter of one r and alpha).
double commonAlpha(const std::vector<std::pair<const Linear*, const LoraAdapter*>>& pairs) {
    std::map<double, int> count;
    for (const auto& [l, a] : pairs) ++count[a->spec().alpha];
    auto best = count.begin();
    for (auto it = count.begin(); it != count.end(); ++it)
        if (it->second > best->second) best = it;
    return best->first;
}

}  // namespace

GgufFile loraGguf(const Model& model, const AdapterSet& adapters, GgufType type, const std::string& name) {
    const auto pairs = loraLinears(model, adapters);
    if (pairs.empty()) fail("GGUF export: the run has no LoRA adapters");
    const double alpha = commonAlpha(pairs);
    GgufFile f;
    f.metadata = {{"general.architecture", ggufArchitecture(model)},
                  {"general.type", std::string("adapter")},
                  {"general.name", name},
                  {"general.file_type", ggufFileType(type)},
                  {"adapter.type", std::string("lora")},
                  {"adapter.lora.alpha", static_cast<float>(alpha)}};
    for (const auto& [l, a] : pairs) {
        const std::string base = ggufTensorBase(*l);
        if (base.empty())
            fail("GGUF export: llama.cpp has no LoRA place for layer " + std::to_string(l->layer) + " '" + cellModule(*l) +
                 "' (MoE experts are one 3-D tensor there); plan without expert cells to export GGUF");
        torch::NoGradGuard noGrad;
        const torch::Tensor A = a->A.detach().to(torch::kCPU, torch::kFloat32);  // [r, in]
        torch::Tensor B = a->B.detach().to(torch::kCPU, torch::kFloat32);        // [out, r]
        // llama.cpp adds (alpha / r) * B A; ours is scaling * B A.
        const LoraSpec& s = a->spec();
        if (s.rslora || s.alpha != alpha) {
            const double want = a->scaling(), given = alpha != 0 ? alpha / s.rank : 1.0;  // alpha 0: llama.cpp scales by 1
            B = B * static_cast<float>(want / given);
        }
        if (const torch::Tensor rows = ggufRowOrder(model, *l); rows.defined()) B = B.index_select(0, rows);
        f.tensors.push_back({base + ".weight.lora_a", A.contiguous(), storedGgufType(type, A)});
        f.tensors.push_back({base + ".weight.lora_b", B.contiguous(), storedGgufType(type, B)});
    }
    return f;
}

void exportGgufLora(const Model& model, const AdapterSet& adapters, GgufType type, const std::string& path) {
    writeGguf(path, loraGguf(model, adapters, type, "aletheia adapter"));
}

}  // namespace aletheia
