#pragma once
// The adaptable projections of a model, as plain data: what the probe scores and what the
// planner chooses from. Built from a Model (moduleTable(model), probe.h) or by hand in tests,
// so that planning never needs the weights.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

// Attention and MLP modules get different ranks under the asymmetric policy; the MoE router
// is scored and shown but never adapted by default (PEFT does not target it either).
enum class ModuleKind { Attention, Mlp, Router };

// Logical role of a row range of a weight: q, k, v, o, gate, up, down, router, shared_gate.
ModuleKind kindOfRole(const std::string& role);

// One (layer, PEFT module name) pair: the unit a plan cell adapts. Usually one real (possibly
// fused) projection; for MoE experts, the same projection of every expert of the layer
// (Linear::module is "w1" for each of them, as PEFT's target_modules spells it).
struct TargetModule {
    int layer = -1;
    std::string module;               // PEFT target name: q_proj, query_key_value, c_attn, w1 ...
    std::string weight;               // HF weight name of the first projection (display)
    std::string pathPattern;          // regex matching every module path of it (PEFT rank_pattern key)
    int count = 1;                    // projections sharing the name (experts), each [out, in]
    ModuleKind kind = ModuleKind::Attention;
    std::int64_t in = 0, out = 0;     // each weight is [out, in]
    std::vector<std::string> roles;   // logical parts in row order: {"q","k","v"} for a fused qkv
    double tokenFraction = 1.0;       // share of tokens each projection sees (expert: top_k / experts)

    std::int64_t numel() const { return count * in * out; }
    std::int64_t loraParams(int rank) const { return std::int64_t(count) * rank * (in + out); }
};

struct ModuleTable {
    int numLayers = 0;
    std::vector<TargetModule> modules;   // layer-major, in the model's own order
    std::vector<std::string> roles;      // logical columns present, canonical order (q,k,v,o,gate,...)

    // Index of (layer, module) in `modules`, -1 if absent.
    int find(int layer, const std::string& module) const;
    // Fills `roles` from the modules, in canonical order (unknown roles last, alphabetically).
    void collectRoles();
    int roleIndex(const std::string& role) const;  // -1 if absent
};

}  // namespace aletheia
