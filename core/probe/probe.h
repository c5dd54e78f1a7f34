#pragma once
// The gradient probe: a few batches forward+backward through the frozen model, measuring every
// projection's weight-gradient norm inside ONE backward per batch (gradient_norm_linear.h).
// Cost: one forward+backward per batch whatever the depth; memory: the activations a backward
// needs plus one weight-sized temporary; no weight gradient is ever stored.
//
//   std::vector<Batch> batches = ...;                        // input_ids [B, T] int64, ...
//   ProbeScores s = runProbe(model, batches, {ScoringRule::GradNorm},
//                            [](const ProbeScores& running, int done, int total) { ... });
//   s.scores[layer][s.table.roleIndex("down")], s.weightGradNorms["model.layers.3.mlp.down_proj.weight"]
#include <functional>
#include <vector>

#include <torch/types.h>

#include "core/common/batch.h"
#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/probe/probe_scores.h"

namespace aletheia {

class Communicator;

struct ProbeOptions {
    ScoringRule rule = ScoringRule::GradNorm;
    Communicator* comm = nullptr;  // data-parallel probe (core/dist); null: one process
};

// Called after every batch with the running scores (all batches so far).
using ProbeObserver = std::function<void(const ProbeScores& running, int batchesDone, int batchesTotal)>;

// The adaptable projections of a model, grouped by (layer, PEFT module name).
ModuleTable moduleTable(const Model& model);

// Raw statistics (rule-independent); `runProbe` is this plus scoreStats. A stop request is
// honoured between batches: the result then holds the batches completed.
// With `comm` (world size N), rank r probes batches r, r+N, ...: N ranks probe N times the
// batches in the same time. Their per-batch statistics are all-reduced at the end, so every rank
// gets what one process gets over the same batches (same order); `afterBatch` sees the local ones.
ProbeStats probeStats(const Model& model, const std::vector<Batch>& batches,
                      const std::function<void(const ProbeStats&)>& afterBatch = {}, const StopToken* stop = nullptr,
                      Communicator* comm = nullptr);

ProbeScores runProbe(const Model& model, const std::vector<Batch>& batches, const ProbeOptions& options = {},
                     const ProbeObserver& observer = {}, const StopToken* stop = nullptr);

// The reference method (aletheia-lora) run by our engine: full weight gradients of chunks of
// `chunkLayers` layers at a time, so ceil(L / chunkLayers) forward+backward passes per batch.
// Same statistics as probeStats (up to float rounding): the explicit check of the one-pass probe.
ProbeStats referenceProbeStats(const Model& model, const std::vector<Batch>& batches, int chunkLayers = 8,
                               const StopToken* stop = nullptr);

}  // namespace aletheia
