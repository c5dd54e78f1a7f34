#pragma once
// The engine objects an experiment command needs, built from the config with progress output:
// the model (config.model), its tokenizer, and the tokenised dataset (config.data) and batches.
#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"
#include "core/train/example_batch_source.h"

namespace aletheia::cli {

Model loadExperimentModel(const ExperimentConfig& cfg);
Tokenizer loadExperimentTokenizer(const ExperimentConfig& cfg);
text::Dataset loadExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok);
// Every example of another JSONL file (validation, forgetting, --data), tokenised exactly as
// the experiment's training data is (format, template, sequence length, prompt masking).
std::vector<text::Example> loadExperimentExamples(const ExperimentConfig& cfg, const Tokenizer& tok,
                                                  const std::string& path);
// The id batches are padded with: the tokenizer's pad, else its EOS, else 0.
int32_t paddingId(const Tokenizer& tok);
// The training examples as `train` feeds them: micro-batches of train.micro_batch_size, shuffled
// per epoch with data.seed. Throws aletheia::Error (data.train) when there are none.
ExampleBatchSource trainingBatches(const ExperimentConfig& cfg, const text::Dataset& data, int32_t padId);

}  // namespace aletheia::cli
