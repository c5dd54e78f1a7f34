#pragma once
// bf16 autocast on CUDA, behind one small guard, because the C++ API moved between libtorch
// 1.13 (at::autocast::set_enabled) and 2.4+ (per-device set_autocast_enabled).
namespace aletheia {

// True inside a CudaAutocastGuard (or any CUDA autocast region).
bool cudaAutocastActive();

// Enables CUDA autocast to bf16 for its lifetime (no-op when `enabled` is false).
class CudaAutocastGuard {
public:
    explicit CudaAutocastGuard(bool enabled);
    ~CudaAutocastGuard();
    CudaAutocastGuard(const CudaAutocastGuard&) = delete;
    CudaAutocastGuard& operator=(const CudaAutocastGuard&) = delete;

private:
    bool enabled_;
    bool previous_ = false;
};

}  // namespace aletheia
