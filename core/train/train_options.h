#pragma once
// Everything a training run is told. Plain data with the defaults of a small LoRA run;
// core/config maps the experiment's `train:` YAML section onto it.
#include <cstdint>
#include <string>

namespace aletheia {

class Communicator;

struct TrainOptions {
    double lr = 2e-4;
    double weight_decay = 0.0;
    std::string schedule = "cosine";   // constant | linear | cosine (after warm-up)
    int64_t warmup_steps = 0;
    int64_t max_steps = 0;             // optimizer steps; 0: run `epochs` passes over the data
    int64_t epochs = 1;
    int64_t micro_batch = 0;           // rows per forward; 0: as the source delivers them.
                                       //   Larger source batches are split (same gradient).
    int64_t max_seq_len = 0;           // longer sequences are truncated; 0: no limit
    int64_t grad_accum = 1;            // micro-batches (source batches) per optimizer step
    double max_grad_norm = 1.0;        // global-norm clipping; 0: off
    int64_t eval_every = 0;            // optimizer steps between evaluations; 0: only at the end
    int64_t eval_batches = 0;          // validation batches per evaluation; 0: all
    int64_t checkpoint_every = 0;      // optimizer steps between checkpoints; 0: only at stop/end
    int64_t keep_last = 3;             // checkpoints kept on disk (older ones are deleted); 0: all
    uint64_t seed = 42;                // LoRA init, dropout and anything random in the run
    std::string precision = "auto";    // auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16
    bool activation_checkpointing = false;  // recompute each block in backward instead of storing
    bool fused_head_loss = true;       // head + loss chunked over loss-bearing tokens (head_loss.h);
                                       //   false: full logits (tests/bench/bench_head_loss compares)
    std::string output_dir;            // checkpoints go to <output_dir>/checkpoints; empty: none
    bool full_finetune = false;        // train all Model::parameters(); the plan is ignored
    std::string init_adapter;          // a PEFT adapter directory whose values start the adapters
                                       //   (instead of the seeded PEFT-style init); "": none
    // Data parallelism (core/dist): each rank takes its rows of every batch, gradients are summed
    // over ranks, rank 0 alone writes checkpoints. Null or world size 1: one process, as ever.
    Communicator* comm = nullptr;
};

}  // namespace aletheia
