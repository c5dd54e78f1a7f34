#pragma once
// The training loop: LoRA on the cells of an AdapterPlan (or all weights in full fine-tuning),
// AdamW, warm-up + decay schedule, gradient accumulation and clipping, bf16 autocast on CUDA,
// periodic evaluation and checkpoints, exact resume, stop/pause, NaN and OOM guards.
//
//   TrainObserver obs;  obs.onStep = [](const StepEvent& e) { ... };
//   TrainResult r = train(model, plan, trainData, &valData, options, obs, &stopToken);
//   exportPeft(model, *r.adapters, plan, "out/adapter", "base-model-name");
//
// A plain synchronous function: the CLI calls it directly, the GUI from a worker thread.
#include <string>

#include "core/common/progress.h"
#include "core/plan/adapter_plan.h"
#include "core/train/batch_source.h"
#include "core/train/metrics.h"
#include "core/train/train_options.h"

namespace aletheia {

class Model;
class AdapterSet;
class Communicator;

// Trains LoRA adapters for `plan` beside the frozen `model` (which it leaves as it was) and hands
// them back in TrainResult::adapters; full fine-tuning (options.full_finetune) updates the
// model's own weights instead.
// `val` may be null (no evaluation). `stop` may be null. `resumeFrom`: a checkpoint directory,
// or the string "latest" for the newest under <output_dir>/checkpoints; "" starts fresh.
// Stop: finishes the current step, writes a checkpoint (if output_dir is set) and returns.
// Throws aletheia::Error for invalid options or data; NaN/Inf and out-of-memory end the run
// with outcome NonFinite / OutOfMemory and a message instead.
TrainResult train(Model& model, const AdapterPlan& plan, BatchSource& trainData, BatchSource* val,
                  const TrainOptions& options, TrainObserver& observer, StopToken* stop = nullptr,
                  const std::string& resumeFrom = "");

// Mean token loss of the model with `adapters` (null: the base model; dropout off) on (up to
// `maxBatches`, 0 = all) batches of `data`, no grad. With `comm`, each rank evaluates every
// world-size-th batch and the sums are all-reduced: every rank gets the whole result.
EvalEvent evaluate(const Model& model, const AdapterSet* adapters, BatchSource& data, int64_t maxBatches,
                   bool autocast = false, Communicator* comm = nullptr);

// Whether TrainOptions::precision runs bf16 autocast on `device`: "auto" and "bf16" do on CUDA,
// nothing does on CPU. Throws aletheia::Error for an unknown precision. Evaluation outside
// `train` uses it to compute exactly as training did.
bool autocastFor(const std::string& precision, const torch::Device& device);

// Number of optimizer steps `train` will run for these options and data.
int64_t plannedSteps(const TrainOptions& options, const BatchSource& trainData);

}  // namespace aletheia
