#pragma once
// The engine objects an experiment command needs, built from the config with progress output:
// the model (config.model), its tokenizer, and the tokenised dataset (config.data).
#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"

namespace aletheia::cli {

Model loadExperimentModel(const ExperimentConfig& cfg);
Tokenizer loadExperimentTokenizer(const ExperimentConfig& cfg);
text::Dataset loadExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok);
// The id batches are padded with: the tokenizer's pad, else its EOS, else 0.
int32_t paddingId(const Tokenizer& tok);

}  // namespace aletheia::cli
