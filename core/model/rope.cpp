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

// YaRN as transformers 4.52.4 computes it (_compute_yarn_parameters): extrapolated (inv) and
// interpolated (inv / factor) frequencies blended by a linear ramp between the dims that rotate
// beta_fast and beta_slow times over the original context.
double yarnFactor(const ModelConfig& c) {
    const RopeScaling& s = c.ropeScaling;
    return s.originalMaxGiven ? double(c.maxPositions) / double(s.originalMaxPositions) : s.factor;
}

torch::Tensor yarnInvFreq(const ModelConfig& c) {
    const RopeScaling& s = c.ropeScaling;
    const int64_t dim = c.rotaryDim();
    const double base = c.ropeTheta, factor = yarnFactor(c);
    const double orig = double(s.originalMaxGiven ? s.originalMaxPositions : c.maxPositions);
    auto i = torch::arange(0, dim, 2, torch::kLong).to(torch::kFloat);
    auto posFreqs = torch::pow(torch::tensor(base, torch::kFloat), i / double(dim));
    auto extrapolation = 1.0 / posFreqs;
    auto interpolation = 1.0 / (factor * posFreqs);
    auto correctionDim = [&](double rotations) {
        return double(dim) * std::log(orig / (rotations * 2 * M_PI)) / (2 * std::log(base));
    };
    const double low = std::max(std::floor(correctionDim(s.betaFast)), 0.0);
    double high = std::min(std::ceil(correctionDim(s.betaSlow)), double(dim - 1));
    if (low == high) high += 0.001;  // HF: prevent a zero-width ramp
    auto ramp = ((torch::arange(dim / 2, torch::kLong).to(torch::kFloat) - low) / (high - low)).clamp(0, 1);
    auto extrapolationFactor = 1 - ramp;
    return interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
}

// LongRoPE (transformers 4.52.4 _compute_longrope_parameters and its longrope_frequency_update): the
// base frequencies divided per dim by short_factor while the sequence fits the original context,
// by long_factor once it exceeds it; cos/sin scaled by sqrt(1 + ln(factor) / ln(original)).
torch::Tensor longropeInvFreq(const ModelConfig& c, bool longContext, const torch::Device& device) {
    const auto& f = longContext ? c.ropeScaling.longFactor : c.ropeScaling.shortFactor;
    auto ext = torch::tensor(std::vector<float>(f.begin(), f.end()), torch::TensorOptions().dtype(torch::kFloat)).to(device);
    return baseInvFreq(c.ropeTheta, c.rotaryDim(), device) / ext;  // HF: 1 / (ext * base^(2i/d))
}

double longropeAttentionScaling(const ModelConfig& c) {
    const RopeScaling& s = c.ropeScaling;
    if (s.attentionFactor > 0) return s.attentionFactor;
    const double factor = s.originalMaxGiven ? double(c.maxPositions) / double(s.originalMaxPositions) : s.factor;
    return factor <= 1 ? 1.0 : std::sqrt(1 + std::log(factor) / std::log(double(s.originalMaxPositions)));
}

double yarnMscale(double scale, double m) { return scale <= 1 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; }

// The factor HF multiplies cos and sin with (attention_scaling): 1 except for yarn.
double ropeAttentionScaling(const ModelConfig& c) {
    const RopeScaling& s = c.ropeScaling;
    if (s.type == "longrope") return longropeAttentionScaling(c);
    if (s.type != "yarn") return 1.0;
    if (s.attentionFactor > 0) return s.attentionFactor;
    const double f = yarnFactor(c);
    if (s.mscale != 0 && s.mscaleAllDim != 0) return yarnMscale(f, s.mscale) / yarnMscale(f, s.mscaleAllDim);
    return yarnMscale(f, 1.0);
}

}  // namespace

torch::Tensor ropeInverseFrequencies(const ModelConfig& c) {
    const int64_t dim = c.rotaryDim();
    auto inv = baseInvFreq(c.ropeTheta, dim, torch::kCPU);
    if (c.ropeScaling.type == "linear") inv = inv / c.ropeScaling.factor;
    if (c.ropeScaling.type == "llama3") inv = llama3Scale(inv, c.ropeScaling);
    if (c.ropeScaling.type == "yarn") inv = yarnInvFreq(c);
    if (c.ropeScaling.type == "longrope") inv = longropeInvFreq(c, false, torch::kCPU);
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
    if (c.ropeScaling.type == "longrope" && seqLen > c.ropeScaling.originalMaxPositions)
        inv = longropeInvFreq(c, true, invFreq.device());
    auto pos = torch::arange(offset, offset + T, torch::TensorOptions().dtype(torch::kLong).device(inv.device()))
                   .to(torch::kFloat);
    auto freqs = torch::outer(pos, inv);           // [T, rd/2]
    auto emb = torch::cat({freqs, freqs}, -1);     // [T, rd]
    const double scaling = ropeAttentionScaling(c);  // in fp32 before the cast, like HF
    if (scaling != 1.0) return {(emb.cos() * scaling).to(dtype), (emb.sin() * scaling).to(dtype)};
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

bool ropeRescalesAll(const ModelConfig& c, int64_t from, int64_t to) {
    const int64_t original = c.ropeScaling.originalMaxPositions;
    return c.ropeScaling.type == "longrope" && from <= original && to > original;
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
