#pragma once
// The architecture hyper-parameters of a checkpoint, parsed from Hugging Face's config.json.
// Accepts the classic keys (rope_theta, torch_dtype, rope_scaling) and transformers-v5 ones
// (rope_parameters, dtype). Family-specific key names (n_embd, rotary_pct ...) map to one set of fields.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aletheia {

struct RopeScaling {
    std::string type = "default";      // default | linear | dynamic | llama3 | yarn | longrope
    double factor = 1.0;
    double lowFreqFactor = 1.0;         // llama3
    double highFreqFactor = 4.0;        // llama3
    int64_t originalMaxPositions = 0;   // llama3, yarn (and dynamic uses maxPositions)
    bool originalMaxGiven = false;      // yarn: the key was present (then factor = max_positions / it)
    double attentionFactor = 0;         // yarn: cos/sin multiplier; 0 = derived from factor (mscale)
    double mscale = 0, mscaleAllDim = 0;  // yarn (DeepSeek style); 0 = unset
    double betaFast = 32, betaSlow = 1;   // yarn correction range
    // longrope (Phi-3.5): per-frequency divisors of the short (<= original context) and long RoPE;
    // its original context is the config's top-level original_max_position_embeddings.
    std::vector<double> shortFactor, longFactor;
};

struct ModelConfig {
    std::string modelType;              // "llama", "gpt2", ... (a key of familySpec())
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;
    int64_t intermediateSize = 0;
    int64_t maxPositions = 2048;
    double normEps = 1e-6;
    std::string activation = "silu";
    // RoPE
    double ropeTheta = 10000.0;
    double partialRotary = 1.0;         // fraction of head_dim that is rotated (gpt_neox rotary_pct)
    RopeScaling ropeScaling;
    // Options that vary within a family
    bool tieWordEmbeddings = false;
    bool attentionBias = false;         // bias on q/k/v (and on o where the family has it)
    bool mlpBias = false;
    bool parallelResidual = false;      // gpt_neox, stablelm option
    bool qkNorm = false;                // q/k normalised per head (qwen3 always, stablelm qk_layernorm)
    bool scaleAttnByInverseLayerIdx = false;  // gpt2
    int64_t slidingWindow = 0;          // keys a query sees on sliding layers, itself included (0 = none)
    std::vector<int64_t> layerWindow;   // per layer: slidingWindow or 0 (full causal attention)
    std::vector<bool> slidingLayer;     // per layer: a sliding layer of the family's pattern (even if no window)
    double ropeLocalTheta = 0;          // gemma3: RoPE base of sliding layers, unscaled (0 = one RoPE for all)
    double queryPreAttnScalar = 0;      // gemma2: attention scale = this^-0.5 (0 = head_dim)
    double attnSoftcap = 0;             // gemma2: cap * tanh(scores / cap) (0 = none)
    double finalSoftcap = 0;            // gemma2: cap * tanh(logits / cap) (0 = none)
    // MoE
    int64_t numExperts = 0;             // 0 = dense model
    int64_t numExpertsPerTok = 0;
    int64_t moeIntermediateSize = 0;
    int64_t sharedExpertIntermediateSize = 0;  // 0 = no shared expert
    bool normTopkProb = true;
    int64_t decoderSparseStep = 1;
    std::vector<int64_t> mlpOnlyLayers;
    std::string torchDtype = "float32"; // as written in the checkpoint

    nlohmann::json raw;                 // the parsed file, so that save() keeps unknown keys

    // Throws aletheia::Error naming `file` and the key on a missing/invalid key or unknown model_type.
    static ModelConfig fromJson(const nlohmann::json& j, const std::string& file = "config.json");
    static ModelConfig load(const std::string& configJsonPath);
    // Back to HF config.json form (classic keys), keeping unknown keys of `raw`.
    nlohmann::json toJson() const;

    bool isMoeLayer(int64_t layer) const;
    bool localRopeAt(int64_t layer) const {
        return ropeLocalTheta > 0 && layer < int64_t(slidingLayer.size()) && slidingLayer[size_t(layer)];
    }
    int64_t windowAt(int64_t layer) const { return layer < int64_t(layerWindow.size()) ? layerWindow[layer] : 0; }
    int64_t rotaryDim() const { return static_cast<int64_t>(headDim * partialRotary); }
};

// Every model_type this engine can run, for messages and the UI.
std::vector<std::string> supportedModelTypes();
// Every rope_scaling / rope_parameters type this engine computes as transformers 4.52.4 does.
const std::vector<std::string>& supportedRopeTypes();
// "a, b, c", for messages.
std::string joined(const std::vector<std::string>& v);

}  // namespace aletheia
