#pragma once
// The parts a decoder block is assembled from. Which parts exist, and under which checkpoint names,
// comes from the family spec (family_spec.h); the maths is in attention/mlp/moe.cpp.
#include <vector>

#include "core/model/linear.h"
#include "core/model/norm.h"

namespace aletheia {

struct AttentionParts {
    std::vector<Linear> in;   // separate q, k, v, or one fused projection with parts q/k/v
    Linear out;               // role "o"
    bool qkNorm = false;      // qwen3: per-head RMSNorm on q and k before RoPE
    Norm qNorm, kNorm;        // weight: [headDim]
    std::vector<Norm> qHeadNorms, kHeadNorms;  // stablelm: one norm per head instead (qNorm/kNorm unused)
};

struct MlpParts {
    std::vector<Linear> in;   // gate + up, a fused gate_up, or up only (plain MLP)
    Linear down;
};

struct MoeParts {
    Linear router;                 // [E, H], role "router"
    std::vector<MlpParts> experts;
    bool hasShared = false;
    MlpParts shared;               // qwen2_moe shared expert
    Linear sharedGate;             // [1, H], role "shared_gate"
};

struct DecoderLayer {
    Norm ln1, ln2;
    Norm preFfn, postFfn;  // NormPlacement::Sandwich only
    AttentionParts attn;
    bool isMoe = false;
    MlpParts mlp;     // dense layers
    MoeParts moe;     // MoE layers
};

}  // namespace aletheia
