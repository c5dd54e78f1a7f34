#include "core/generate/sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_set>

#include "core/common/error.h"

namespace aletheia {

namespace {

constexpr float kRemoved = -std::numeric_limits<float>::infinity();  // transformers' filter_value

std::string num(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

// TopKLogitsWarper: drop logits below the k-th largest.
void keepTopK(std::vector<float>& logits, int64_t k) {
    if (k <= 0 || k >= int64_t(logits.size())) return;
    std::vector<float> sorted = logits;
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<float>());
    const float kth = sorted[size_t(k - 1)];
    for (float& l : logits)
        if (l < kth) l = kRemoved;
}

std::vector<double> softmax(const std::vector<float>& logits) {
    const float top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> p(logits.size());
    double sum = 0;
    for (size_t i = 0; i < logits.size(); ++i) sum += p[i] = std::exp(double(logits[i]) - double(top));
    for (double& x : p) x /= sum;
    return p;
}

// TopPLogitsWarper: in ascending order, drop tokens while the cumulative probability stays
// <= 1 - p; the most likely token always stays.
void keepTopP(std::vector<float>& logits, double topP) {
    if (topP >= 1.0) return;
    const std::vector<double> p = softmax(logits);
    std::vector<size_t> order(logits.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return logits[a] < logits[b]; });
    double cumulative = 0;
    for (size_t i = 0; i + 1 < order.size(); ++i) {
        cumulative += p[order[i]];
        if (cumulative > 1.0 - topP) break;
        logits[order[i]] = kRemoved;
    }
}

}  // namespace

void checkSamplingOptions(const SamplingOptions& o) {
    if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
        fail("temperature must be >= 0 (0 = greedy), got " + num(o.temperature));
    if (o.topK < 0) fail("top_k must be >= 0 (0 = off), got " + std::to_string(o.topK));
    if (!(o.topP > 0 && o.topP <= 1)) fail("top_p must be in (0, 1] (1 = off), got " + num(o.topP));
    if (!(o.repetitionPenalty > 0) || !std::isfinite(o.repetitionPenalty))
        fail("repetition_penalty must be > 0 (1 = off), got " + num(o.repetitionPenalty));
}

void applyRepetitionPenalty(std::vector<float>& logits, const std::vector<int32_t>& seen, double penalty) {
    if (penalty == 1.0) return;
    std::unordered_set<int32_t> done;
    for (int32_t id : seen) {
        if (id < 0 || size_t(id) >= logits.size() || !done.insert(id).second) continue;
        float& l = logits[size_t(id)];
        l = l < 0 ? float(l * penalty) : float(l / penalty);
    }
}

Sampler::Sampler(const SamplingOptions& o) : o_(o), rng_(o.seed) { checkSamplingOptions(o); }

int32_t Sampler::next(std::vector<float> logits, const std::vector<int32_t>& seen) {
    if (logits.empty()) fail("no logits to pick a token from");
    applyRepetitionPenalty(logits, seen, o_.repetitionPenalty);
    if (o_.temperature == 0)  // the first maximum, as torch.argmax
        return int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
    for (float& l : logits) l = float(l / o_.temperature);
    keepTopK(logits, o_.topK);
    keepTopP(logits, o_.topP);
    const std::vector<double> p = softmax(logits);
    const double u = double(rng_() >> 11) * 0x1.0p-53;  // uniform in [0, 1), 53 random bits
    double cumulative = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        cumulative += p[i];
        if (u < cumulative && p[i] > 0) return int32_t(i);
    }
    // Rounding left u above the last partial sum: the last token with probability.
    for (size_t i = p.size(); i-- > 0;)
        if (p[i] > 0) return int32_t(i);
    return 0;
}

}  // namespace aletheia
