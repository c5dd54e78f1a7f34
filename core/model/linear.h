#pragma once
// One projection of a decoder layer, and THE single entry point every projection goes through.
// LoRA (core/lora) plugs in as an adapter, the gradient probe (core/probe) as a probe, without the
// decoder knowing either.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace aletheia {

struct Linear;

// Output rows of a weight that play one logical role. A fused qkv weight has parts q, k, v;
// gpt_neox interleaves per head, so one part may be several [begin, end) row ranges.
struct LogicalPart {
    std::string role;  // "q","k","v","o","gate","up","down","router","shared_gate"
    std::vector<std::pair<int64_t, int64_t>> rows;
    int64_t size() const {
        int64_t n = 0;
        for (const auto& r : rows) n += r.second - r.first;
        return n;
    }
};

// Anything that adds to a projection's output (LoRA). Implemented in core/lora.
struct LinearAdapter {
    virtual ~LinearAdapter() = default;
    // x: [..., in] -> [..., out]
    virtual torch::Tensor delta(const torch::Tensor& x) = 0;
};

// Replaces the frozen base matmul while probing (custom autograd computing ||dL/dW|| in backward).
// Implemented in core/probe.
struct LinearProbe {
    virtual ~LinearProbe() = default;
    // Must compute x W^T (+ bias) like the plain path.
    virtual torch::Tensor forward(const torch::Tensor& x, const Linear& l) = 0;
};

struct Linear {
    std::string name;     // HF prefix, e.g. "model.layers.3.self_attn.q_proj" (weight = name + ".weight")
    std::string module;   // PEFT target_modules name: "q_proj", "query_key_value", "c_attn", "w1", "gate",
                          // "shared_expert.gate_proj", "shared_expert_gate" ...
    int layer = -1;
    int expert = -1;      // expert index for MoE experts, -1 otherwise
    std::vector<LogicalPart> parts;  // a non-fused module has one part covering all rows
    torch::Tensor weight;            // [out, in] always (GPT-2 Conv1D transposed at load)
    torch::Tensor bias;              // [out] or undefined
    bool conv1d = false;             // stored [in, out] on disk
    std::shared_ptr<LinearAdapter> adapter;  // null = frozen base only
    std::shared_ptr<LinearProbe> probe;      // non-null only while probing

    int64_t outFeatures() const { return weight.size(0); }
    int64_t inFeatures() const { return weight.size(1); }
    bool hasRole(const std::string& role) const;
};

// x: [..., in] -> [..., out]. probe ? probe->forward : x W^T + b; plus adapter->delta(x).
torch::Tensor linear(const torch::Tensor& x, const Linear& l);

// The slice of a projection's output y: [..., out] that belongs to `part` -> [..., part.size()].
torch::Tensor selectPart(const torch::Tensor& y, const LogicalPart& part);

}  // namespace aletheia
