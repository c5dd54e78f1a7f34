#pragma once
// Recognising an allocation failure (CUDA OOM or the CPU allocator giving up) among libtorch's
// errors, and telling the user which settings caused it and what to change.
#include <cstdint>
#include <string>

#include "core/train/train_options.h"

namespace aletheia {

// True for c10::OutOfMemoryError texts ("CUDA out of memory") and the CPU allocator's
// "can't allocate memory".
bool isOutOfMemoryMessage(const std::string& what);

// "out of memory at step 12 with micro-batches of 8 sequences x 2048 tokens (...). Try ..."
std::string outOfMemoryAdvice(int64_t step, int64_t rows, int64_t tokens, const TrainOptions& options,
                              const std::string& what);

}  // namespace aletheia
