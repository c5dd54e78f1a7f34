#pragma once
// Keys and values of the tokens a generation has already run, per decoder layer, so that each new
// token costs one position instead of the whole sequence. Filled by attention() (the one attention
// path of every family) through ForwardContext::cache; the model's forward reads its length as the
// position of the first new token.
#include <cstdint>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace aletheia {

class KvCache {
public:
    explicit KvCache(int numLayers) : layers_(size_t(numLayers)) {}

    int numLayers() const { return int(layers_.size()); }
    // Tokens cached (every layer holds as many after a forward).
    int64_t length() const { return layers_.empty() ? 0 : layers_.back().length; }
    void clear();

    // k, v: [B, kvHeads, T, headDim] of T new positions (after RoPE, before GQA's repeat).
    // Returns every cached position including them: [B, kvHeads, past + T, headDim] (views).
    std::pair<torch::Tensor, torch::Tensor> append(int layer, const torch::Tensor& k, const torch::Tensor& v);

private:
    struct Layer {
        torch::Tensor k, v;  // [B, kvHeads, capacity, headDim]; capacity doubles, so appends stay O(T)
        int64_t length = 0;
    };
    std::vector<Layer> layers_;
};

}  // namespace aletheia
