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
    std::string type = "default";      // default | linear | dynamic | llama3
    double factor = 1.0;
    double lowFreqFactor = 1.0;         // llama3
    double highFreqFactor = 4.0;        // llama3
    int64_t originalMaxPositions = 0;   // llama3 (and dynamic uses maxPositions)
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
    bool parallelResidual = false;      // gpt_neox
    bool scaleAttnByInverseLayerIdx = false;  // gpt2
    int64_t slidingWindow = 0;          // recorded, not applied (0 = none)
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
    int64_t rotaryDim() const { return static_cast<int64_t>(headDim * partialRotary); }
};

// Every model_type this engine can run, for messages and the UI.
std::vector<std::string> supportedModelTypes();

}  // namespace aletheia
