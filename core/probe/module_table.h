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

// One (layer, cell name) pair (core/model/cell_name.h): the unit the probe scores. Usually one
// real (possibly fused) projection; for MoE experts, the same projection of every expert of the
// layer, pooled as "experts.*.w1" (a plan may still adapt one expert: "experts.3.w1").
struct TargetModule {
    int layer = -1;
    std::string module;               // cell name: q_proj, query_key_value, c_attn, experts.*.w1 ...
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

    // Index of the entry a plan cell (layer, module) adapts, -1 if absent. One expert
    // ("experts.3.w1") is found in its pooled entry ("experts.*.w1").
    int find(int layer, const std::string& module) const;
    // The share of modules[index] the cell adapts: 1, or 1/count for one expert of a pool.
    double cellShare(int index, const std::string& module) const;
    // Fills `roles` from the modules, in canonical order (unknown roles last, alphabetically).
    void collectRoles();
    int roleIndex(const std::string& role) const;  // -1 if absent
};

}  // namespace aletheia
