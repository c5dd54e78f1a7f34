#include "core/train/memory_stats.h"

#include <fstream>
#include <string>

#ifdef ALETHEIA_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace aletheia {
namespace {

// A "Key:   1234 kB" line of /proc/self/status, in bytes.
int64_t procStatusBytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) != 0) continue;
        return std::stoll(line.substr(key.size() + 1)) * 1024;
    }
    return 0;
}

#ifdef ALETHEIA_TORCH_CUDA
// StatType::AGGREGATE is index 0 in every libtorch; the enum itself moved namespaces in 2.x.
constexpr size_t kAggregate = 0;
c10::cuda::CUDACachingAllocator::DeviceStats cudaStats(const torch::Device& d) {
    return c10::cuda::CUDACachingAllocator::getDeviceStats(d.has_index() ? d.index() : 0);
}
#endif

}  // namespace

bool cudaMemoryStatsAvailable() {
#ifdef ALETHEIA_TORCH_CUDA
    return true;
#else
    return false;
#endif
}

int64_t peakMemoryBytes(const torch::Device& device) {
#ifdef ALETHEIA_TORCH_CUDA
    if (device.is_cuda()) {
        return cudaStats(device).allocated_bytes[kAggregate].peak;
    }
#endif
    if (device.is_cuda()) return 0;
    return procStatusBytes("VmHWM");
}

int64_t currentMemoryBytes(const torch::Device& device) {
#ifdef ALETHEIA_TORCH_CUDA
    if (device.is_cuda()) {
        return cudaStats(device).allocated_bytes[kAggregate].current;
    }
#endif
    if (device.is_cuda()) return 0;
    return procStatusBytes("VmRSS");
}

void resetPeakMemory(const torch::Device& device) {
#ifdef ALETHEIA_TORCH_CUDA
    if (device.is_cuda()) {
        c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : 0);
        return;
    }
#endif
    if (device.is_cuda()) return;
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace aletheia
