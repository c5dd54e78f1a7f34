#include "core/model/kv_cache.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/common/error.h"

namespace aletheia {

void KvCache::clear() {
    for (auto& l : layers_) l = Layer{};
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(int layer, const torch::Tensor& k, const torch::Tensor& v) {
    if (layer < 0 || layer >= numLayers())
        fail("KV cache has " + std::to_string(numLayers()) + " layers, asked for layer " + std::to_string(layer));
    Layer& l = layers_[size_t(layer)];
    const int64_t T = k.size(2), need = l.length + T;
    if (!l.k.defined() || need > l.k.size(2)) {
        // Grow by doubling: a token-by-token decode copies each key O(1) times on average.
        const int64_t capacity = std::max<int64_t>(need, l.k.defined() ? 2 * l.k.size(2) : 64);
        auto grow = [&](const torch::Tensor& old, const torch::Tensor& like) {
            auto sizes = like.sizes().vec();
            sizes[2] = capacity;
            auto t = torch::empty(sizes, like.options());
            if (old.defined()) t.narrow(2, 0, l.length).copy_(old.narrow(2, 0, l.length));
            return t;
        };
        l.k = grow(l.k, k);
        l.v = grow(l.v, v);
    }
    l.k.narrow(2, l.length, T).copy_(k);
    l.v.narrow(2, l.length, T).copy_(v);
    l.length = need;
    return {l.k.narrow(2, 0, need), l.v.narrow(2, 0, need)};
}

}  // namespace aletheia
