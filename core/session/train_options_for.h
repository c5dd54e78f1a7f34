#pragma once
// The experiment's `train:` section as the trainer's options: one mapping for CLI and GUI.
#include <string>

#include "core/config/experiment.h"
#include "core/train/train_options.h"

namespace aletheia {

inline TrainOptions trainOptionsFor(const ExperimentConfig& cfg, const std::string& outputDir) {
    const TrainSection& t = cfg.train;
    TrainOptions o;
    o.lr = t.learning_rate;
    o.weight_decay = t.weight_decay;
    o.schedule = t.lr_scheduler;
    o.warmup_steps = t.warmup_steps;
    o.max_steps = t.max_steps;
    o.epochs = t.num_epochs;
    o.micro_batch = t.micro_batch_size;
    o.max_seq_len = cfg.data.sequence_len;
    o.grad_accum = t.gradient_accumulation_steps;
    o.max_grad_norm = t.max_grad_norm;
    o.eval_every = t.eval_steps;
    o.eval_batches = t.eval_batches;
    o.checkpoint_every = t.save_steps;
    o.keep_last = t.save_total_limit;
    o.seed = static_cast<uint64_t>(t.seed);
    o.precision = t.precision;
    o.activation_checkpointing = t.gradient_checkpointing;
    o.output_dir = outputDir;
    return o;
}

}  // namespace aletheia
