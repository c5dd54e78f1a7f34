#pragma once
// One projection of the model, and THE single entry point every projection goes through.
// LoRA (core/lora) and the gradient probe (core/probe) plug in through the forward context, looked
// up by the projection's name, without the decoder knowing either and without touching the weights
// (as llama.cpp keeps LoRA beside the weights in build_lora_mm).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "core/model/forward_context.h"

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

// What adds to projections' outputs (a run's LoRA adapters: core/lora's AdapterSet).
struct LinearAdapters {
    virtual ~LinearAdapters() = default;
    // x: [..., in] -> [..., out], or an undefined tensor when `l` has no adapter here.
    // `dropout`: the adapters' dropout is on (training forwards only).
    virtual torch::Tensor delta(const torch::Tensor& x, const Linear& l, bool dropout) const = 0;
    // Whether `l` has an adapter here (true when unknown: callers may only skip work on false).
    virtual bool adapts(const Linear& l) const { (void)l; return true; }
};

// What replaces the frozen base matmul while probing (core/probe's gradient sinks: custom
// autograd computing ||dL/dW|| in backward).
struct LinearProbes {
    virtual ~LinearProbes() = default;
    // x W^T (+ bias) like the plain path, or an undefined tensor when `l` is not probed.
    virtual torch::Tensor forward(const torch::Tensor& x, const Linear& l) const = 0;
    // Whether `l` is probed here (true when unknown).
    virtual bool probes(const Linear& l) const { (void)l; return true; }
};

struct Linear {
    std::string name;     // HF prefix, e.g. "model.layers.3.self_attn.q_proj" (weight = name + ".weight");
                          // unique in a model: adapters and probes find a projection by it
    std::string module;   // PEFT target_modules name: "q_proj", "query_key_value", "c_attn", "w1", "gate",
                          // "shared_expert.gate_proj", "shared_expert_gate" ...
    int layer = -1;       // -1 for the LM head
    int expert = -1;      // expert index for MoE experts, -1 otherwise
    std::vector<LogicalPart> parts;  // a non-fused module has one part covering all rows
    torch::Tensor weight;            // [out, in] always (GPT-2 Conv1D transposed at load)
    torch::Tensor bias;              // [out] or undefined
    bool conv1d = false;             // stored [in, out] on disk

    int64_t outFeatures() const { return weight.size(0); }
    int64_t inFeatures() const { return weight.size(1); }
    bool hasRole(const std::string& role) const;
};

// x: [..., in] -> [..., out]. The context's probe for `l`, else x W^T + b; plus the context's
// adapter delta for `l`. The weights are only read.
torch::Tensor linear(const torch::Tensor& x, const Linear& l, const ForwardContext& ctx);

// The slice of a projection's output y: [..., out] that belongs to `part` -> [..., part.size()].
torch::Tensor selectPart(const torch::Tensor& y, const LogicalPart& part);

}  // namespace aletheia
