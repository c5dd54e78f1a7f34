#pragma once
// Learning rate as a function of the optimizer step: linear warm-up, then constant, linear or
// cosine decay to zero at `total_steps` (the shapes of HF transformers' schedulers).
// Pure function of the step, so resuming needs no scheduler state beyond the step count.
#include <cstdint>
#include <string>

namespace aletheia {

enum class LrSchedule { Constant, Linear, Cosine };

// "constant" | "linear" | "cosine"; throws aletheia::Error on anything else.
LrSchedule parseLrSchedule(const std::string& name);
std::string lrScheduleName(LrSchedule s);

struct LrScheduler {
    double peak_lr = 2e-4;
    LrSchedule kind = LrSchedule::Cosine;
    int64_t warmup_steps = 0;
    int64_t total_steps = 1;

    // LR for optimizer step `step` (0-based). Warm-up reaches peak at step warmup_steps - 1,
    // so the very first update already moves (HF's first warm-up step has lr = 0).
    double at(int64_t step) const;
};

}  // namespace aletheia
