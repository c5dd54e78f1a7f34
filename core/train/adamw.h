#pragma once
// AdamW with decoupled weight decay (Loshchilov & Hutter), the same arithmetic as
// torch.optim.AdamW. Our own (not torch::optim) so its state is plain named tensors that
// checkpoints write as safetensors, and so each step can report per-parameter update norms.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace aletheia {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
};

class AdamW {
public:
    struct Param {
        std::string name;      // unique; keys the state in checkpoints
        torch::Tensor tensor;  // fp32 leaf with requires_grad (master weights)
        bool decay = true;     // false for norms and biases in full fine-tuning
    };

    AdamW(std::vector<Param> params, AdamWOptions opts);

    // One update with learning rate `lr` from the gradients in .grad(). Parameters without a
    // gradient are skipped. Returns the L2 norm of each parameter's update (same order).
    std::vector<double> step(double lr);
    void zeroGrad();

    const std::vector<Param>& params() const { return params_; }
    int64_t stepCount() const { return step_; }

    // State as named tensors: "<name>.exp_avg", "<name>.exp_avg_sq" (+ the step count apart).
    std::vector<std::pair<std::string, torch::Tensor>> state() const;
    // Restores what state() produced; throws aletheia::Error on a missing or misshapen entry.
    void loadState(const std::vector<std::pair<std::string, torch::Tensor>>& named, int64_t stepCount);

private:
    std::vector<Param> params_;
    std::vector<torch::Tensor> exp_avg_, exp_avg_sq_;  // same shapes as params
    AdamWOptions opts_;
    int64_t step_ = 0;
};

}  // namespace aletheia
