#pragma once
// Feed-forward parts: plain (down(act(up x))) and gated (down(act(gate x) * up x)), and the activations
// HF configs name.
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/model/decoder_layer.h"

namespace aletheia {

// Every activation name (config hidden_act / hidden_activation) this engine computes as transformers does.
const std::vector<std::string>& supportedActivations();
// Throws aletheia::Error for an activation name this engine does not implement.
void checkActivation(const std::string& name);
torch::Tensor activate(const torch::Tensor& x, const std::string& name);

// x: [..., H] -> [..., H]. Gated when one of `m.in` has a "gate" part.
torch::Tensor mlp(const torch::Tensor& x, const MlpParts& m, const std::string& act, const ForwardContext& ctx);

}  // namespace aletheia
