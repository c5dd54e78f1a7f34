#pragma once
// The demo model pretrained by `aletheia demo --rebuild` with the default recipe, built into the
// binary. Pretraining is numerically chaotic: on another CPU (other BLAS kernels, other thread
// count) the same seed gives another model, and the demo's figures (task loss, forgetting) would
// differ from machine to machine. Shipping the weights gives every user, and CI, the same demo,
// in seconds instead of minutes of pretraining. `--rebuild` still pretrains from scratch.
#include <string_view>

namespace aletheia::demo {

struct ShippedDemo {
    std::string_view weights;  // model.safetensors
    std::string_view info;     // demo_info.json: the recipe it was built with, its held-out loss
};

ShippedDemo shippedDemo();

}  // namespace aletheia::demo
