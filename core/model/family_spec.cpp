#include "core/model/family_spec.h"

#include "core/common/error.h"

namespace aletheia {
namespace {

FamilySpec llamaLike(const std::string& type, const std::string& architecture) {
    FamilySpec s;
    s.modelType = type;
    s.architecture = architecture;
    s.ignoredSuffixes = {"rotary_emb.inv_freq"};  // older exports saved the RoPE buffer
    return s;
}

// Qwen configs: window 4096 by default, but only with use_sliding_window (default false).
FamilySpec qwenWindow(FamilySpec s) {
    s.sliding = SlidingLayers::All;
    s.defaultSlidingWindow = 4096;
    s.defaultUseSlidingWindow = false;
    return s;
}

// Gemma2: gemma's (1 + w) norms and scaled embeddings, plus sandwich norms, soft-capping,
// query_pre_attn_scalar and a sliding window on even layers (Gemma2Config defaults).
FamilySpec gemma2Like(const std::string& type, const std::string& architecture) {
    FamilySpec s = llamaLike(type, architecture);
    s.norm = NormKind::RmsOnePlus;
    s.embedScale = true;
    s.defaultTie = true;
    s.outBias = true;
    s.activationKey = "hidden_activation";
    s.defaultActivation = "gelu_pytorch_tanh";
    s.normPlacement = NormPlacement::Sandwich;
    s.queryPreAttnScalar = true;
    s.softcapping = true;
    s.defaultAttnSoftcap = 50.0;
    s.defaultFinalSoftcap = 30.0;
    s.sliding = SlidingLayers::EvenLayers;
    s.defaultSlidingWindow = 4096;
    return s;
}

std::vector<FamilySpec> buildTable() {
    std::vector<FamilySpec> t;
    t.push_back(llamaLike("llama", "LlamaForCausalLM"));
    t.back().outBias = true;  // llama's attention_bias also biases o_proj
    t.back().ggufArch = "llama";
    t.back().ggufPermuteQK = t.back().ggufModel = true;
    {
        FamilySpec s = llamaLike("mistral", "MistralForCausalLM");
        s.attentionBiasKey.clear();
        s.sliding = SlidingLayers::All;
        s.defaultSlidingWindow = 4096;  // MistralConfig's default
        s.ggufArch = "llama";  // llama.cpp runs Mistral as llama
        s.ggufPermuteQK = s.ggufModel = true;
        t.push_back(s);
    }
    {
        FamilySpec s = qwenWindow(llamaLike("qwen2", "Qwen2ForCausalLM"));
        s.qkvBias = true;
        s.ggufArch = "qwen2";
        s.ggufModel = true;
        t.push_back(s);
    }
    {
        FamilySpec s = qwenWindow(llamaLike("qwen3", "Qwen3ForCausalLM"));
        s.qNorm = "q_norm";
        s.kNorm = "k_norm";
        s.outBias = true;  // Qwen3's attention_bias biases o_proj too
        s.ggufArch = "qwen3";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gemma", "GemmaForCausalLM");
        s.norm = NormKind::RmsOnePlus;
        s.embedScale = true;
        s.defaultTie = true;
        // transformers >= 4.48 (checked on 4.52.4) GemmaMLP uses ACT2FN[config.hidden_act] and ignores
        // hidden_activation; real Gemma-1 configs say hidden_act "gelu", i.e. exact erf GeLU.
        s.defaultActivation = "gelu_pytorch_tanh";
        s.outBias = true;
        s.ggufArch = "gemma";
        t.push_back(s);
    }
    t.push_back(gemma2Like("gemma2", "Gemma2ForCausalLM"));
    t.back().ggufArch = "gemma2";
    {
        FamilySpec s = llamaLike("phi3", "Phi3ForCausalLM");
        s.qkvFused = "qkv_proj";
        s.gateUpFused = "gate_up_proj";
        s.attentionBiasKey.clear();
        s.sliding = SlidingLayers::All;  // Phi3Config's sliding_window defaults to None
        s.defaultOriginalMaxPositions = 4096;  // Phi3Config; longrope RoPE reads it
        s.ggufArch = "phi3";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gpt_neox", "GPTNeoXForCausalLM");
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
        s.defaultActivation = "gelu";
        s.normEpsKey = "layer_norm_eps";
        s.defaultNormEps = 1e-5;
        s.parallelResidualOption = true;
        s.defaultParallelResidual = true;
        s.parallelSumMlpFirst = true;
        s.outBias = true;
        s.ignoredSuffixes = {"attention.bias", "attention.masked_bias", "rotary_emb.inv_freq"};
        s.ggufArch = "gptneox";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("gpt2", "GPT2LMHeadModel");
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
        s.activationKey = "activation_function";
        s.normEpsKey = "layer_norm_epsilon";
        s.defaultNormEps = 1e-5;
        s.defaultActivation = "gelu_new";
        s.ggufArch = "gpt2";
        t.push_back(s);
    }
    {
        FamilySpec s = llamaLike("mixtral", "MixtralForCausalLM");
        s.moe = "block_sparse_moe.";
        s.expertGate = "w1";
        s.expertUp = "w3";
        s.expertDown = "w2";
        s.alwaysNormTopk = true;
        s.attentionBiasKey.clear();
        s.sliding = SlidingLayers::All;  // MixtralConfig's sliding_window defaults to None
        s.ggufArch = "llama";  // llama.cpp runs Mixtral as llama with experts
        s.ggufPermuteQK = true;
        t.push_back(s);
    }
    {
        FamilySpec s = qwenWindow(llamaLike("qwen2_moe", "Qwen2MoeForCausalLM"));
        s.qkvBias = true;
        s.sharedExpert = true;
        s.ggufArch = "qwen2moe";
        t.push_back(s);
    }
    {
        // StableLM (StableLmForCausalLM): LayerNorm with bias, partial rotary (25% by default),
        // q/k/v bias from use_qkv_bias, optional per-head q/k LayerNorm, optional parallel residual
        // whose MLP reads the same input_layernorm output as attention.
        FamilySpec s = llamaLike("stablelm", "StableLmForCausalLM");
        s.norm = NormKind::Layer;
        s.normEpsKey = "layer_norm_eps";
        s.defaultNormEps = 1e-5;
        s.defaultPartialRotary = 0.25;
        s.attentionBiasKey = "use_qkv_bias";
        s.qNorm = "q_layernorm";
        s.kNorm = "k_layernorm";
        s.qkNormKey = "qk_layernorm";
        s.qkNormPerHead = true;
        s.parallelResidualOption = true;
        s.parallelSharesNorm = true;
        s.ggufArch = "stablelm";
        t.push_back(s);
    }
    {
        // Gemma3 text (Gemma3ForCausalLM, model_type gemma3_text): gemma2's block without soft-capping by
        // default, plus (1 + w) q/k norms, and sliding layers in a pattern with their own RoPE base.
        FamilySpec s = gemma2Like("gemma3_text", "Gemma3ForCausalLM");
        s.defaultAttnSoftcap = s.defaultFinalSoftcap = 0.0;  // both default to None in Gemma3TextConfig
        s.qNorm = "q_norm";
        s.kNorm = "k_norm";
        s.sliding = SlidingLayers::Pattern;
        s.defaultSlidingWindow = 4096;
        s.localRope = true;
        s.defaultRopeTheta = 1e6;
        s.ggufArch = "gemma3";
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
