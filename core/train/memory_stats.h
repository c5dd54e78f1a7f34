#pragma once
// Peak memory of the current run: the CUDA caching allocator's peak on a GPU, the process's
// peak resident set (VmHWM from /proc/self/status) on CPU.
#include <cstdint>

#include <torch/torch.h>

namespace aletheia {

// Peak bytes since the last resetPeakMemory() (or process start). 0 if unknown.
int64_t peakMemoryBytes(const torch::Device& device);
// Current resident/allocated bytes. 0 if unknown.
int64_t currentMemoryBytes(const torch::Device& device);
// Restarts peak tracking, so runs measured one after another in one process each get their
// own peak (CPU: writes "5" to /proc/self/clear_refs, which resets VmHWM).
void resetPeakMemory(const torch::Device& device);
// Whether this build of the engine can read CUDA allocator statistics.
bool cudaMemoryStatsAvailable();

}  // namespace aletheia
