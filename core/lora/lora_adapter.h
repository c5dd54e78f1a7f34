#pragma once
// LoRA (Hu et al. 2021) on one projection: y = W x + b + scaling * B A dropout(x).
// W stays frozen in whatever dtype the model holds; A and B are fp32 master weights (autocast
// lowers them to bf16 inside the matmul on CUDA). Initialised as PEFT does, so an untrained
// adapter is exactly the base model.
#include <cstdint>

#include <torch/torch.h>


namespace aletheia {

struct LoraSpec {
    int rank = 8;
    double alpha = 16.0;
    bool rslora = false;   // scaling alpha/sqrt(r) (Kalajdzievski 2023) instead of alpha/r
    double dropout = 0.0;  // on the adapter's input only
};

class LoraAdapter {
public:
    // A: [r, in] kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)); B: [out, r] zeros.
    // `seed` makes the init a function of the cell, independent of the order cells are applied.
    LoraAdapter(int64_t inFeatures, int64_t outFeatures, const LoraSpec& spec, uint64_t seed,
                const torch::Device& device);
    // Wraps existing weights (import): A [r, in], B [out, r], copied to fp32 on `device`.
    LoraAdapter(const torch::Tensor& A, const torch::Tensor& B, const LoraSpec& spec, const torch::Device& device);

    // x: [..., in] -> [..., out] = scaling * dropout(x) A^T B^T, in x's dtype; dropout only
    // when `dropout` (training forwards).
    torch::Tensor delta(const torch::Tensor& x, bool dropout) const;

    // scaling * B A: [out, in] fp32, what merging adds to W.
    torch::Tensor mergedDelta() const;
    // ||scaling * B A||_F without forming the [out, in] product: sqrt(tr((B^T B)(A A^T))).
    torch::Tensor deltaNorm() const;

    const LoraSpec& spec() const { return spec_; }
    double scaling() const { return scaling_; }
    torch::Tensor A;  // [r, in] fp32, requires_grad
    torch::Tensor B;  // [out, r] fp32, requires_grad

    static double scalingFor(const LoraSpec& spec);

private:
    LoraSpec spec_;
    double scaling_;
};

}  // namespace aletheia
