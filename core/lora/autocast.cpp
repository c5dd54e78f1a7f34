#include "core/lora/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace aletheia {
namespace {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool enabled() { return at::autocast::is_autocast_enabled(at::kCUDA); }
void setEnabled(bool on) {
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, on);
}
#else
bool enabled() { return at::autocast::is_enabled(); }
void setEnabled(bool on) {
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(on);
}
#endif
}  // namespace

bool cudaAutocastActive() { return enabled(); }

CudaAutocastGuard::CudaAutocastGuard(bool on) : enabled_(on) {
    if (!enabled_) return;
    previous_ = enabled();
    setEnabled(true);
    at::autocast::increment_nesting();
}

CudaAutocastGuard::~CudaAutocastGuard() {
    if (!enabled_) return;
    // Leaving the outermost region drops the cache of casted weights, as torch.autocast does.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setEnabled(previous_);
}

}  // namespace aletheia
