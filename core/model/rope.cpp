#include "core/model/rope.h"

#include <cmath>

#include <torch/torch.h>

namespace aletheia {
namespace {

torch::Tensor baseInvFreq(double base, int64_t dim, const torch::Device& device) {
    // theta^(-2i/d), i = 0 .. d/2-1 (HF: arange(0, dim, 2) / dim)
    auto i = torch::arange(0, dim, 2, torch::TensorOptions().dtype(torch::kLong).device(device)).to(torch::kFloat);
    return 1.0 / torch::pow(torch::tensor(base, torch::TensorOptions().dtype(torch::kFloat).device(device)), i / double(dim));
}

// Meta's llama3 frequency-dependent interpolation (HF _compute_llama3_parameters).
torch::Tensor llama3Scale(torch::Tensor invFreq, const RopeScaling& s) {
    const double oldCtx = double(s.originalMaxPositions);
    const double lowWavelen = oldCtx / s.lowFreqFactor;
    const double highWavelen = oldCtx / s.highFreqFactor;
    auto wavelen = 2 * M_PI / invFreq;
    auto scaled = torch::where(wavelen > lowWavelen, invFreq / s.factor, invFreq);
    auto smooth = (oldCtx / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    auto smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
    auto isMedium = (wavelen >= highWavelen) & (wavelen <= lowWavelen);
    return torch::where(isMedium, smoothed, scaled);
}

}  // namespace

torch::Tensor ropeInverseFrequencies(const ModelConfig& c) {
    const int64_t dim = c.rotaryDim();
    auto inv = baseInvFreq(c.ropeTheta, dim, torch::kCPU);
    if (c.ropeScaling.type == "linear") inv = inv / c.ropeScaling.factor;
    if (c.ropeScaling.type == "llama3") inv = llama3Scale(inv, c.ropeScaling);
    return inv;
}

std::pair<torch::Tensor, torch::Tensor> ropeCosSin(const ModelConfig& c, const torch::Tensor& invFreq, int64_t offset,
                                                   int64_t T, torch::Dtype dtype) {
    torch::Tensor inv = invFreq;
    const int64_t seqLen = offset + T;
    if (c.ropeScaling.type == "dynamic" && seqLen > c.maxPositions) {
        // Dynamic NTK: grow the base once the sequence exceeds the trained context.
        const double f = c.ropeScaling.factor;
        const int64_t dim = c.rotaryDim();
        const double base = c.ropeTheta * std::pow(f * double(seqLen) / double(c.maxPositions) - (f - 1),
                                                   double(dim) / double(dim - 2));
        inv = baseInvFreq(base, dim, invFreq.device());
    }
    auto pos = torch::arange(offset, offset + T, torch::TensorOptions().dtype(torch::kLong).device(inv.device()))
                   .to(torch::kFloat);
    auto freqs = torch::outer(pos, inv);           // [T, rd/2]
    auto emb = torch::cat({freqs, freqs}, -1);     // [T, rd]
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor applyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
    const int64_t rd = cos.size(-1);
    const int64_t hd = x.size(-1);
    auto rot = rd == hd ? x : x.narrow(-1, 0, rd);
    auto x1 = rot.narrow(-1, 0, rd / 2);
    auto x2 = rot.narrow(-1, rd / 2, rd - rd / 2);
    auto rotated = torch::cat({-x2, x1}, -1);      // rotate_half
    auto out = rot * cos + rotated * sin;          // cos: [T, rd] broadcasts over [B, h, T, rd]
    return rd == hd ? out : torch::cat({out, x.narrow(-1, rd, hd - rd)}, -1);
}

}  // namespace aletheia
