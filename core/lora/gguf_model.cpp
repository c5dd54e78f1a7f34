#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/lora/gguf_export.h"
#include "core/lora/gguf_names.h"
#include "core/lora/gguf_vocab.h"
#include "core/model/family_spec.h"
#include "core/model/linear.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

// What llama.cpp's llama/qwen2 graphs cannot run the same as ours: refused with the reason.
void checkRunsInLlamaCpp(const ModelConfig& c, const FamilySpec& s) {
    const std::string what = "GGUF model export of model_type '" + c.modelType + "': ";
    if (!s.ggufModel)
        fail(what + "not supported (the whole-model GGUF is written for llama, mistral and qwen2; "
                    "export the LoRA as GGUF and convert the base with llama.cpp's convert_hf_to_gguf.py)");
    if (c.ropeScaling.type != "default") fail(what + "rope_scaling '" + c.ropeScaling.type + "' is not mapped to GGUF");
    if (c.numExperts > 0) fail(what + "MoE experts are not mapped to GGUF");
    if (c.mlpBias) fail(what + "mlp_bias is not mapped to GGUF");
    if (c.partialRotary != 1.0) fail(what + "partial rotary is not mapped to GGUF");
    for (int64_t w : c.layerWindow)
        if (w > 0 && w < c.maxPositions) fail(what + "llama.cpp runs this architecture without the sliding window");
}

}  // namespace

GgufFile modelGguf(const Model& model, const std::string& tokenizerDir, GgufType type, const std::string& name) {
    const ModelConfig& c = model.config();
    const FamilySpec& s = familySpec(c.modelType);
    checkRunsInLlamaCpp(c, s);
    const std::string arch = ggufArchitecture(model);
    GgufFile f;
    auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    f.metadata = {{"general.architecture", arch},
                  {"general.type", std::string("model")},
                  {"general.name", name},
                  {"general.file_type", ggufFileType(type)},
                  {arch + ".vocab_size", u32(c.vocabSize)},
                  {arch + ".context_length", u32(c.maxPositions)},
                  {arch + ".embedding_length", u32(c.hiddenSize)},
                  {arch + ".block_count", u32(c.numLayers)},
                  {arch + ".feed_forward_length", u32(c.intermediateSize)},
                  {arch + ".attention.head_count", u32(c.numHeads)},
                  {arch + ".attention.head_count_kv", u32(c.numKvHeads)},
                  {arch + ".attention.key_length", u32(c.headDim)},
                  {arch + ".attention.value_length", u32(c.headDim)},
                  {arch + ".rope.dimension_count", u32(c.headDim)},
                  {arch + ".rope.freq_base", static_cast<float>(c.ropeTheta)},
                  {arch + ".attention.layer_norm_rms_epsilon", static_cast<float>(c.normEps)}};
    for (auto& kv : ggufVocab(tokenizerDir, c.vocabSize)) f.metadata.push_back(std::move(kv));

    // Projections by their on-disk names; everything else through the family's global/norm names.
    std::map<std::string, const Linear*> linears;
    for (const Linear* l : model.linears()) linears[l->name] = l;
    std::map<std::string, std::string> others = {{s.embed, "token_embd.weight"},
                                                 {s.finalNorm + ".weight", "output_norm.weight"},
                                                 {s.lmHead, "output.weight"}};
    for (int i = 0; i < c.numLayers; ++i) {
        const std::string p = s.layerPrefix + std::to_string(i) + ".", b = "blk." + std::to_string(i) + ".";
        others[p + s.ln1 + ".weight"] = b + "attn_norm.weight";
        others[p + s.ln2 + ".weight"] = b + "ffn_norm.weight";
    }
    torch::NoGradGuard noGrad;
    for (auto& [key, tensor] : model.stateDict()) {
        const auto dot = key.rfind('.');
        const auto lin = linears.find(key.substr(0, dot));
        std::string out;
        torch::Tensor t = tensor;
        if (lin != linears.end()) {
            const std::string base = ggufTensorBase(*lin->second);
            if (base.empty()) fail("GGUF model export: no llama.cpp name for tensor '" + key + "'");
            out = base + key.substr(dot);  // ".weight" / ".bias"
            if (const torch::Tensor rows = ggufRowOrder(model, *lin->second); rows.defined())
                t = t.index_select(0, rows.to(t.device()));
        } else if (others.count(key)) {
            out = others[key];
        } else {
            fail("GGUF model export: no llama.cpp name for tensor '" + key + "'");
        }
        f.tensors.push_back({out, t, storedGgufType(type, t)});
    }
    return f;
}

void exportGgufModel(const Model& model, const std::string& tokenizerDir, GgufType type, const std::string& path) {
    writeGguf(path, modelGguf(model, tokenizerDir, type, "aletheia model"));
}

}  // namespace aletheia
