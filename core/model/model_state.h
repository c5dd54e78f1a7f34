#pragma once
// Internal to core/model: the shared state behind a Model handle, and the list of weight slots that
// loading, random init, stateDict and the summary all walk.
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/model/attention.h"
#include "core/model/decoder_layer.h"
#include "core/model/family_spec.h"
#include "core/model/model_config.h"
#include "core/model/moe.h"

namespace aletheia {

enum class SlotKind { Matrix, Embedding, NormWeight, Bias };

// One tensor of the checkpoint and where it lives in the model.
struct WeightSlot {
    std::string name;            // canonical on-disk name
    std::vector<int64_t> shape;  // in-memory shape ([out, in] for matrices)
    torch::Tensor* target = nullptr;
    bool transposed = false;     // stored [in, out] on disk (GPT-2 Conv1D)
    SlotKind kind = SlotKind::Matrix;
    std::string moduleKind;      // summary bucket: "embedding", "attention", "mlp", "router", ...
    std::vector<int64_t> diskShape() const {
        return transposed ? std::vector<int64_t>(shape.rbegin(), shape.rend()) : shape;
    }
};

struct ModelState {
    ModelConfig config;
    const FamilySpec* spec = nullptr;
    torch::Dtype dtype = torch::kFloat;
    torch::Device device = torch::kCPU;

    torch::Tensor embed;     // [V, H]
    torch::Tensor posEmbed;  // [P, H] (gpt2) or undefined
    Linear head;             // lm_head [V, H]; its weight is the embed tensor when tied
    bool tied = false;
    Norm finalNorm;
    std::vector<DecoderLayer> layers;

    torch::Tensor invFreq;   // [rotaryDim/2] fp32 on device
    ModelConfig localRope;   // gemma3: the config with ropeLocalTheta as base and no scaling
    torch::Tensor invFreqLocal;  // its inverse frequencies; undefined without a local RoPE
    AttentionShape attnShape;
    MoeOptions moeOptions;
    std::vector<WeightSlot> slots;  // filled by buildSkeleton; pointers into the fields above
};

// Creates the layers (names, roles, empty tensors) and the slot list from config + spec.
void buildSkeleton(ModelState& s);
// After the slots are filled: ties lm_head, moves RoPE tables to the device.
void finishState(ModelState& s);

}  // namespace aletheia
