#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace aletheia {

LrSchedule parseLrSchedule(const std::string& name) {
    if (name == "constant") return LrSchedule::Constant;
    if (name == "linear") return LrSchedule::Linear;
    if (name == "cosine") return LrSchedule::Cosine;
    fail("unknown lr schedule '" + name + "' (expected constant, linear or cosine)");
}

std::string lrScheduleName(LrSchedule s) {
    switch (s) {
        case LrSchedule::Constant: return "constant";
        case LrSchedule::Linear: return "linear";
        case LrSchedule::Cosine: return "cosine";
    }
    return "constant";
}

double LrScheduler::at(int64_t step) const {
    if (step < warmup_steps) return peak_lr * double(step + 1) / double(warmup_steps);
    if (kind == LrSchedule::Constant) return peak_lr;
    const double span = double(std::max<int64_t>(1, total_steps - warmup_steps));
    const double progress = std::clamp(double(step - warmup_steps) / span, 0.0, 1.0);
    if (kind == LrSchedule::Linear) return peak_lr * (1.0 - progress);
    return peak_lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace aletheia
