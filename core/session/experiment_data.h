#pragma once
// The experiment's data, as every front end feeds it to the engine: the tokenised dataset
// (config.data), the probe's batches, the trainer's and evaluation's batch sources. One place,
// so the Studio and the CLI probe the same examples, shuffle with the same seed and pad alike.
// Print-free: callers report `Dataset::skipped` and progress as they like.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/batch.h"
#include "core/common/progress.h"
#include "core/config/experiment.h"
#include "core/probe/probe.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"
#include "core/train/example_batch_source.h"

namespace aletheia {

using SharedExamples = std::shared_ptr<const std::vector<text::Example>>;

// config.data.train tokenised; the validation file replaces the val_set_size split when given.
text::Dataset readExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok, const ProgressFn& progress = {},
                                 const StopToken* stop = nullptr);
// Every example of another JSONL file (validation, forgetting, --data), tokenised exactly as the
// training data is (format, template, sequence length, prompt masking); bad lines go to `skipped`.
std::vector<text::Example> readExperimentExamples(const ExperimentConfig& cfg, const Tokenizer& tok,
                                                  const std::string& path, std::vector<text::BadLine>* skipped = nullptr,
                                                  const StopToken* stop = nullptr);

// The id batches are padded with: the tokenizer's pad, else its EOS, else 0.
int32_t paddingId(const Tokenizer& tok);

// Sequences longer than the model's positions would fail late (learned positions) or run where the
// model was never trained (RoPE): data.sequence_len and probe.sequence_len are cut to
// `maxPositions`, in the CLI and the Studio alike. Returns whether anything was cut.
bool fitSequenceLengths(ExperimentConfig& cfg, int64_t maxPositions);

// The probe's batches: the first probe.batches micro-batches (probe.micro_batch_size) of epoch 0
// shuffled with data.seed, cut to probe.sequence_len when set, on `device`. Throws aletheia::Error
// (data.train) when there are no examples.
std::vector<Batch> probeBatches(const ExperimentConfig& cfg, const std::vector<text::Example>& examples,
                                int32_t padId, const torch::Device& device);
ProbeOptions probeOptionsFor(const ExperimentConfig& cfg);

// The training examples as `train` feeds them: micro-batches of train.micro_batch_size, shuffled
// per epoch with data.seed. Throws aletheia::Error (data.train) when there are none.
ExampleBatchSource trainingBatches(const ExperimentConfig& cfg, SharedExamples examples, int32_t padId);
// Held-out examples in file order (no shuffle), train.micro_batch_size per batch; null when none.
std::unique_ptr<ExampleBatchSource> validationBatches(const ExperimentConfig& cfg, SharedExamples examples,
                                                      int32_t padId);

}  // namespace aletheia
