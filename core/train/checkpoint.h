#pragma once
// Training checkpoints: everything needed to continue a run exactly where it stopped.
// One directory per checkpoint, <root>/step-00000010/, holding
//   tensors.safetensors trainable parameters ("param.<name>"), AdamW moments ("optim.<name>.exp_avg"...),
//                RNG states ("rng.cpu", "rng.cuda")
//   state.json   step, data position, optimizer step count, losses so far, free-form extras
// Written atomically: into a temporary sibling directory, then renamed, so a crash mid-write
// never leaves a half checkpoint that `latestCheckpoint` would pick.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/io/safetensors_writer.h"  // NamedTensors

namespace aletheia {

struct CheckpointState {
    int64_t step = 0;           // optimizer steps done
    int64_t micro_index = 0;    // source micro-batches consumed (the data position)
    int64_t optimizer_step = 0; // AdamW's bias-correction counter
    NamedTensors params;        // trainable parameters by name
    NamedTensors optimizer;     // AdamW::state()
    torch::Tensor cpu_rng;      // default CPU generator state (uint8)
    torch::Tensor cuda_rng;     // default CUDA generator state, undefined without CUDA
    std::vector<double> losses; // per-step losses so far (for continuous curves after resume)
    nlohmann::json extra = nlohmann::json::object();  // plan, options: informational
};

// Writes <root>/step-<step>/ atomically, then deletes all but the newest `keepLast`
// checkpoints (0 keeps all). Returns the new directory.
std::string writeCheckpoint(const std::string& root, const CheckpointState& state, int64_t keepLast);
// Reads a checkpoint directory written by writeCheckpoint; throws aletheia::Error if incomplete.
CheckpointState readCheckpoint(const std::string& dir);
// The newest complete checkpoint under `root`, or "" if there is none.
std::string latestCheckpoint(const std::string& root);
// All complete checkpoints under `root`, oldest first.
std::vector<std::string> listCheckpoints(const std::string& root);

// Default generator states of CPU and (when present) CUDA, for exact resume of dropout.
void captureRng(CheckpointState& state);
void restoreRng(const CheckpointState& state);

}  // namespace aletheia
