#include "core/model/family_spec.h"

#include "core/common/error.h"

namespace aletheia {
namespace {

FamilySpec llamaLike(const std::string& type) {
    FamilySpec s;
    s.modelType = type;
    s.ignoredSuffixes = {"rotary_emb.inv_freq"};  // older exports saved the RoPE buffer
    return s;
}

std::vector<FamilySpec> buildTable() {
    std::vector<FamilySpec> t;
    t.push_back(llamaLike("llama"));
    t.back().outBias = true;  // llama's attention_bias also biases o_proj
    t.push_back(llamaLike("mistral"));
    {
        FamilySpec s = llamaLike("qwen2");
        s.qkvBias = true;
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("qwen3");
        s.qNorm = "q_norm";
        s.kNorm = "k_norm";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gemma");
        s.norm = NormKind::RmsOnePlus;
        s.embedScale = true;
        s.defaultTie = true;
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("phi3");
        s.qkvFused = "qkv_proj";
        s.gateUpFused = "gate_up_proj";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gpt_neox");
        s.embed = "gpt_neox.embed_in.weight";
        s.finalNorm = "gpt_neox.final_layer_norm";
        s.lmHead = "embed_out.weight";
        s.layerPrefix = "gpt_neox.layers.";
        s.norm = NormKind::Layer;
        s.attn = "attention.";
        s.qkvFused = "query_key_value";
        s.qkvLayout = FusedLayout::PerHeadInterleaved;
        s.o = "dense";
        s.gatedMlp = false;
        s.up = "dense_h_to_4h";
        s.down = "dense_4h_to_h";
        s.defaultAttentionBias = true;
        s.mlpAlwaysBiased = true;
        s.outBias = true;
        s.ignoredSuffixes = {"attention.bias", "attention.masked_bias", "rotary_emb.inv_freq"};
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gpt2");
        s.embed = "transformer.wte.weight";
        s.posEmbed = "transformer.wpe.weight";
        s.finalNorm = "transformer.ln_f";
        s.lmHead = "lm_head.weight";
        s.layerPrefix = "transformer.h.";
        s.optionalPrefix = "transformer.";
        s.defaultTie = true;
        s.alwaysBiased = true;
        s.norm = NormKind::Layer;
        s.rope = false;
        s.conv1d = true;
        s.ln1 = "ln_1";
        s.ln2 = "ln_2";
        s.attn = "attn.";
        s.qkvFused = "c_attn";
        s.o = "c_proj";
        s.gatedMlp = false;
        s.up = "c_fc";
        s.down = "c_proj";
        s.ignoredSuffixes = {"attn.bias", "attn.masked_bias"};
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("mixtral");
        s.moe = "block_sparse_moe.";
        s.expertGate = "w1";
        s.expertUp = "w3";
        s.expertDown = "w2";
        s.alwaysNormTopk = true;
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("qwen2_moe");
        s.qkvBias = true;
        s.sharedExpert = true;
        t.push_back(s);
    }
    return t;
}

}  // namespace

const std::vector<FamilySpec>& familySpecs() {
    static const std::vector<FamilySpec> table = buildTable();
    return table;
}

const FamilySpec& familySpec(const std::string& modelType) {
    for (const auto& s : familySpecs())
        if (s.modelType == modelType) return s;
    std::string list;
    for (const auto& s : familySpecs()) list += (list.empty() ? "" : ", ") + s.modelType;
    fail("unsupported model_type '" + modelType + "' (supported: " + list + ")");
}

}  // namespace aletheia
