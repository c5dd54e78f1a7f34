#pragma once
// Timing real training steps (the trainer's own step: forward, backward, AdamW update) of
// several adapter plans on one model, interleaved run by run (A B A B ...) so that noise from
// the rest of the machine hits every plan alike. `aletheia bench` and
// tests/bench/bench_lora_speed use it.
#include <cstdint>
#include <vector>

#include "core/common/progress.h"
#include "core/plan/adapter_plan.h"
#include "core/train/batch_source.h"
#include "core/train/train_options.h"

namespace aletheia {

class Model;

struct StepBenchOptions {
    TrainOptions train;   // how a step runs (lr, micro batch, sequence length, precision, seed); step
                          //   counts, evaluation and checkpoints are set by the benchmark
    int64_t steps = 6;    // timed steps per plan, spread over the rounds
    int64_t warmup = 1;   // untimed steps at the start of every run (allocator, caches, first touch)
    int64_t rounds = 3;   // runs per plan, alternating the plans (at most `steps`)
};

struct StepTimes {
    std::vector<double> wallSeconds;  // per timed step (the trainer's step_time_s)
    std::vector<double> cpuSeconds;   // process CPU time per timed step: steadier on a shared machine
    int64_t peakMemoryBytes = 0;      // highest peak over its runs (0 when unknown)
    int64_t trainableParams = 0;
};

// One StepTimes per plan, in the order given. Every run starts from fresh adapters (applyPlan)
// on the same batches (the first ones of `data`); the model is left as it was. A stop request ends the benchmark after the current step, with what was timed.
std::vector<StepTimes> timeTrainingSteps(Model& model, const std::vector<AdapterPlan>& plans, BatchSource& data,
                                         const StepBenchOptions& options, const ProgressFn& progress = {},
                                         StopToken* stop = nullptr);

// The median (mean of the middle two for an even count); 0 for none.
double medianOf(std::vector<double> values);
// CPU seconds used by the whole process so far.
double processCpuSeconds();

}  // namespace aletheia
