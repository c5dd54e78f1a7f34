#pragma once
// One row per architecture family: where its weights live in the checkpoint and which parts its
// decoder block is assembled from. Adding a family = adding a row in family_spec.cpp, not a class.
#include <string>
#include <vector>

namespace aletheia {

enum class NormKind { Rms, RmsOnePlus, Layer };          // RmsOnePlus: gemma's x * (1 + w)
enum class FusedLayout { Blocks, PerHeadInterleaved };   // [q|k|v] vs gpt_neox's [q_h|k_h|v_h] per head

struct FamilySpec {
    std::string modelType;
    // Defaults of config keys that HF's config classes default differently per family.
    bool defaultTie = false;
    bool qkvBias = false;          // always-on q/k/v bias (qwen2); otherwise config attention_bias
    bool outBias = false;          // o/dense projection bias when the config's attention_bias is set
    bool alwaysBiased = false;     // every projection biased (gpt2)
    bool defaultAttentionBias = false;  // config attention_bias when absent (gpt_neox: true)
    bool mlpAlwaysBiased = false;  // gpt_neox MLP uses plain nn.Linear (biased)
    bool sharedExpert = false;     // qwen2_moe
    bool alwaysNormTopk = false;   // mixtral renormalises top-k unconditionally

    // Global tensors (full names). Empty = absent for this family.
    std::string embed = "model.embed_tokens.weight";
    std::string posEmbed;                          // learned positions (gpt2)
    std::string finalNorm = "model.norm";          // + ".weight" / ".bias"
    std::string lmHead = "lm_head.weight";
    std::string layerPrefix = "model.layers.";     // + index + "."
    std::string optionalPrefix;                    // also accepted missing from names (gpt2 "transformer.")
    std::vector<std::string> ignoredSuffixes;      // buffers real checkpoints carry

    // Block parts, relative to the layer prefix.
    NormKind norm = NormKind::Rms;
    bool embedScale = false;                       // gemma: h *= sqrt(hidden)
    bool rope = true;
    bool conv1d = false;                           // gpt2 stores [in, out]
    std::string ln1 = "input_layernorm", ln2 = "post_attention_layernorm";
    std::string attn = "self_attn.";
    std::string qkvFused;                          // e.g. "qkv_proj"; empty = separate q/k/v
    FusedLayout qkvLayout = FusedLayout::Blocks;
    std::string q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj";
    std::string qNorm, kNorm;                      // per-head RMSNorm on q/k (qwen3)
    std::string mlp = "mlp.";
    bool gatedMlp = true;
    std::string gateUpFused;                       // phi3 "gate_up_proj" = [gate | up]
    std::string gate = "gate_proj", up = "up_proj", down = "down_proj";
    // MoE (used when the config has experts)
    std::string moe = "mlp.";                      // mixtral "block_sparse_moe."
    std::string router = "gate";
    std::string experts = "experts.";              // + e + "."
    std::string expertGate = "gate_proj", expertUp = "up_proj", expertDown = "down_proj";
    std::string sharedExpertPrefix = "shared_expert.", sharedExpertGate = "shared_expert_gate";
};

// Throws aletheia::Error listing the supported model types when `modelType` is unknown.
const FamilySpec& familySpec(const std::string& modelType);
const std::vector<FamilySpec>& familySpecs();

}  // namespace aletheia
