#include "core/lora/gguf_names.h"

#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/family_spec.h"
#include "core/model/linear.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

// Our logical roles (LogicalPart::role, joined with '+' for fused weights) -> llama.cpp's tensor
// names (gguf-py tensor_mapping.py). One table for every family: the roles already say what a
// projection is, whatever the checkpoint calls it (c_attn, query_key_value, qkv_proj ...).
const std::map<std::string, std::string>& roleNames() {
    static const std::map<std::string, std::string> t = {
        {"q", "attn_q"},       {"k", "attn_k"},        {"v", "attn_v"},     {"o", "attn_output"},
        {"q+k+v", "attn_qkv"}, {"gate", "ffn_gate"},   {"up", "ffn_up"},    {"down", "ffn_down"},
        {"gate+up", "ffn_up"},  // phi3's gate_up_proj: llama.cpp keeps it fused as ffn_up
        {"router", "ffn_gate_inp"}, {"shared_gate", "ffn_gate_inp_shexp"},
    };
    return t;
}

std::string joinedRoles(const Linear& l) {
    std::string r;
    for (const auto& p : l.parts) r += (r.empty() ? "" : "+") + p.role;
    return r;
}

// LlamaModel.permute on `n` rows of `heads` heads: rows (head, half, i) -> (head, i, half).
torch::Tensor ropePermutation(int64_t n, int64_t heads) {
    return torch::arange(n, torch::kLong).reshape({heads, 2, n / heads / 2}).transpose(1, 2).reshape({-1});
}

}  // namespace

std::string ggufArchitecture(const Model& model) {
    const FamilySpec& s = familySpec(model.config().modelType);
    if (s.ggufArch.empty()) fail("GGUF export: no llama.cpp architecture known for model_type '" + s.modelType + "'");
    return s.ggufArch;
}

std::string ggufTensorBase(const Linear& l) {
    if (l.expert >= 0 || l.layer < 0) return "";
    const auto it = roleNames().find(joinedRoles(l));
    if (it == roleNames().end()) return "";
    std::string name = it->second;
    const bool shared = l.module.rfind("shared_expert.", 0) == 0;  // qwen2_moe's shared expert MLP
    if (shared && name.rfind("ffn_", 0) == 0) name += "_shexp";
    return "blk." + std::to_string(l.layer) + "." + name;
}

torch::Tensor ggufRowOrder(const Model& model, const Linear& l) {
    const FamilySpec& s = familySpec(model.config().modelType);
    const ModelConfig& c = model.config();
    std::vector<torch::Tensor> pieces;
    bool identity = true;
    int64_t next = 0;
    for (const auto& part : l.parts) {
        std::vector<torch::Tensor> ranges;
        for (const auto& [b, e] : part.rows) {
            identity = identity && b == next;
            next = e;
            ranges.push_back(torch::arange(b, e, torch::kLong));
        }
        torch::Tensor rows = torch::cat(ranges);
        if (s.ggufPermuteQK && (part.role == "q" || part.role == "k")) {
            rows = rows.index_select(0, ropePermutation(rows.size(0), part.role == "q" ? c.numHeads : c.numKvHeads));
            identity = false;
        }
        pieces.push_back(rows);
    }
    return identity ? torch::Tensor() : torch::cat(pieces);
}

}  // namespace aletheia
