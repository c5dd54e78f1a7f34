#include "core/lora/lora_adapter.h"

#include <cmath>

#include <ATen/CPUGeneratorImpl.h>

#include "core/common/error.h"
#include "core/lora/autocast.h"

namespace aletheia {

double LoraAdapter::scalingFor(const LoraSpec& s) {
    if (s.rank <= 0) fail("LoRA rank must be positive, got " + std::to_string(s.rank));
    return s.rslora ? s.alpha / std::sqrt(double(s.rank)) : s.alpha / double(s.rank);
}

LoraAdapter::LoraAdapter(int64_t in, int64_t out, const LoraSpec& spec, uint64_t seed, const torch::Device& device)
    : spec_(spec), scaling_(scalingFor(spec)) {
    // kaiming_uniform_(a=sqrt(5)): gain = sqrt(2/(1+5)), bound = gain*sqrt(3/fan_in) = 1/sqrt(in).
    // Drawn on CPU from a private generator: same numbers on every device and in any order.
    auto gen = at::detail::createCPUGenerator(seed);
    const double bound = 1.0 / std::sqrt(double(in));
    auto a = torch::empty({spec.rank, in}, torch::kFloat32);
    a.uniform_(-bound, bound, gen);
    A = a.to(device).set_requires_grad(true);
    B = torch::zeros({out, spec.rank}, torch::dtype(torch::kFloat32).device(device)).set_requires_grad(true);
}

LoraAdapter::LoraAdapter(const torch::Tensor& a, const torch::Tensor& b, const LoraSpec& spec, const torch::Device& device)
    : spec_(spec), scaling_(scalingFor(spec)) {
    if (a.dim() != 2 || b.dim() != 2 || a.size(0) != spec.rank || b.size(1) != spec.rank)
        fail("LoRA weights do not match rank " + std::to_string(spec.rank) + ": A " + c10::str(a.sizes()) +
             ", B " + c10::str(b.sizes()));
    A = a.detach().to(device, torch::kFloat32).clone().set_requires_grad(true);
    B = b.detach().to(device, torch::kFloat32).clone().set_requires_grad(true);
}

torch::Tensor LoraAdapter::delta(const torch::Tensor& x, bool dropout) const {
    // Under CUDA autocast the matmuls run in bf16 on their own; elsewhere compute in fp32 so a
    // bf16 base model on CPU still gets fp32 adapter arithmetic.
    const bool autocast = x.is_cuda() && cudaAutocastActive();
    auto h = autocast ? x : x.to(torch::kFloat32);
    if (spec_.dropout > 0.0 && dropout) h = torch::dropout(h, spec_.dropout, true);
    auto y = torch::matmul(torch::matmul(h, A.t()), B.t());  // [..., in] -> [..., r] -> [..., out]
    return (y * scaling_).to(x.scalar_type());
}

torch::Tensor LoraAdapter::mergedDelta() const {
    torch::NoGradGuard noGrad;
    return torch::matmul(B, A) * scaling_;
}

torch::Tensor LoraAdapter::deltaNorm() const {
    torch::NoGradGuard noGrad;
    auto btb = torch::matmul(B.t(), B);  // [r, r]
    auto aat = torch::matmul(A, A.t());  // [r, r]
    return (btb * aat).sum().clamp_min(0).sqrt() * std::abs(scaling_);  // tr(XY) = sum(X .* Y^T), Y sym.
}

}  // namespace aletheia
