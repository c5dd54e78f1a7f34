#pragma once
// One row per architecture family: where its weights live in the checkpoint and which parts its
// decoder block is assembled from. Adding a family = adding a row in family_spec.cpp, not a class.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

enum class NormKind { Rms, RmsOnePlus, Layer };          // RmsOnePlus: gemma's x * (1 + w)
enum class FusedLayout { Blocks, PerHeadInterleaved };   // [q|k|v] vs gpt_neox's [q_h|k_h|v_h] per head
// Which layers get the sliding window when the config has one (transformers 4.52.4 eager/SDPA):
// None: the family ignores sliding_window; All: every layer (mistral, phi3, mixtral, qwen*);
// EvenLayers: layers 0, 2, 4 ... (gemma2); Pattern: all but every sliding_window_pattern-th layer
// (gemma3: layer i slides when (i + 1) % pattern != 0).
enum class SlidingLayers { None, All, EvenLayers, Pattern };
// Where the block's norms sit. Pre: x + attn(ln1 x), then + mlp(ln2 x) (llama). Sandwich (gemma2):
// x + ln2(attn(ln1 x)), then + postFfn(mlp(preFfn x)), ln2 being post_attention_layernorm.
enum class NormPlacement { Pre, Sandwich };

struct FamilySpec {
    std::string modelType;
    std::string architecture;      // config.json "architectures" entry written when a config lacks one
    // Defaults of config keys that HF's config classes default differently per family.
    bool defaultTie = false;
    bool qkvBias = false;          // always-on q/k/v bias (qwen2); otherwise config attention_bias
    bool outBias = false;          // o/dense projection bias when the config's attention_bias is set
    std::string attentionBiasKey = "attention_bias";  // empty: HF's code never reads one (mistral, phi3, mixtral)
    std::string normEpsKey = "rms_norm_eps";
    double defaultNormEps = 1e-6;         // when normEpsKey is absent
    double defaultPartialRotary = 1.0;    // partial_rotary_factor when absent (stablelm 0.25)
    bool parallelResidualOption = false;  // reads use_parallel_residual (gpt_neox, stablelm)
    bool defaultParallelResidual = false;
    bool parallelSharesNorm = false;      // stablelm: the parallel MLP reads ln1 too (no ln2 weights)
    bool parallelSumMlpFirst = false;     // gpt_neox sums mlp + attn + h (stablelm: h + attn + mlp); rounding
    bool alwaysBiased = false;     // every projection biased (gpt2)
    bool defaultAttentionBias = false;  // config attention_bias when absent (gpt_neox: true)
    bool mlpAlwaysBiased = false;  // gpt_neox MLP uses plain nn.Linear (biased)
    bool sharedExpert = false;     // qwen2_moe
    bool alwaysNormTopk = false;   // mixtral renormalises top-k unconditionally
    // The config key transformers 4.52.4's MLP reads the activation from, and its config-class default.
    std::string activationKey = "hidden_act";
    std::string defaultActivation = "silu";
    SlidingLayers sliding = SlidingLayers::None;
    int64_t defaultSlidingWindow = 0;     // the config class's sliding_window when the key is absent (0 = None)
    bool defaultUseSlidingWindow = true;  // use_sliding_window when absent (the qwen configs say false)
    // gemma2: attention scale query_pre_attn_scalar^-0.5 instead of head_dim^-0.5, and tanh soft-capping
    // cap * tanh(x / cap) of the attention scores and final logits (config-class defaults, 0 = None).
    bool queryPreAttnScalar = false;
    bool softcapping = false;
    double defaultAttnSoftcap = 0, defaultFinalSoftcap = 0;
    double defaultRopeTheta = 10000.0;
    int64_t defaultOriginalMaxPositions = 0;  // original_max_position_embeddings when absent (phi3: 4096; 0 = none)
    bool localRope = false;              // gemma3: sliding layers use rope_local_base_freq, unscaled

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
    NormPlacement normPlacement = NormPlacement::Pre;
    std::string preFfnNorm = "pre_feedforward_layernorm", postFfnNorm = "post_feedforward_layernorm";  // Sandwich
    std::string attn = "self_attn.";
    std::string qkvFused;                          // e.g. "qkv_proj"; empty = separate q/k/v
    FusedLayout qkvLayout = FusedLayout::Blocks;
    std::string q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj";
    std::string qNorm, kNorm;                      // per-head RMSNorm on q/k (qwen3)
    std::string qkNormKey;                         // config key switching qNorm/kNorm on; empty = always
    bool qkNormPerHead = false;                    // stablelm: one bias-free LayerNorm per head ("<qNorm>.norms.<h>")
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

    // llama.cpp (GGUF export): its architecture name ("" = none); whether its converter permutes
    // q/k rows into its RoPE layout (LlamaModel.permute); whether we write the whole model as GGUF
    // (hyperparameters and tensors mapped for this family), not only the LoRA.
    std::string ggufArch;
    bool ggufPermuteQK = false;
    bool ggufModel = false;
};

// Throws aletheia::Error listing the supported model types when `modelType` is unknown.
const FamilySpec& familySpec(const std::string& modelType);
const std::vector<FamilySpec>& familySpecs();

}  // namespace aletheia
