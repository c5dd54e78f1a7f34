#pragma once
// What a training run tells its observer (CLI progress line, GUI charts) and returns.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace aletheia {

class AdapterSet;

// After every optimizer step.
struct StepEvent {
    int64_t step = 0;            // optimizer steps done (1 after the first)
    int64_t total_steps = 0;
    double epoch = 0.0;          // fractional: 1.5 = halfway through the second pass
    double loss = 0.0;           // mean token loss of this step's micro-batches
    double lr = 0.0;             // learning rate used for this step
    double grad_norm = 0.0;      // global L2 norm before clipping
    double tokens_per_s = 0.0;   // loss-bearing tokens per second of this step
    double step_time_s = 0.0;
    double eta_s = 0.0;          // remaining steps x mean step time so far
    int64_t peak_memory_bytes = 0;  // CUDA allocator peak on GPU, VmHWM on CPU
    // Distributed runs: each rank's input tokens per second of its own forward+backward (a slow
    // rank stands out); empty on one process.
    std::vector<double> rank_tokens_per_s;
    // Per decoder layer (size = number of layers; 0 where nothing trains):
    std::vector<double> layer_update_norms;  // L2 norm of this step's parameter update
    std::vector<double> layer_delta_norms;   // LoRA only: ||scaling * B A||_F, the total change
};

struct EvalEvent {
    int64_t step = 0;
    double loss = 0.0;           // mean token loss over the evaluated batches
    double perplexity = 0.0;
    int64_t tokens = 0;
};

struct TrainObserver {
    std::function<void(const StepEvent&)> onStep;
    std::function<void(const EvalEvent&)> onEval;
    std::function<void(const std::string&)> onLog;  // human-readable notes (checkpoints, warnings)
};

enum class TrainOutcome { Completed, Stopped, NonFinite, OutOfMemory };

struct TrainResult {
    TrainOutcome outcome = TrainOutcome::Completed;
    std::string message;               // why it ended, in words a user can act on
    int64_t steps = 0;                 // optimizer steps done in total (including resumed ones)
    std::vector<double> losses;        // per step of this call
    std::vector<EvalEvent> evals;
    std::string last_checkpoint;       // directory; empty if none was written
    // The run's trained LoRA adapters (core/lora/adapter_set.h), kept beside the model, which the
    // run left unchanged; null in full fine-tuning.
    std::shared_ptr<const AdapterSet> adapters;
};

}  // namespace aletheia
