#pragma once
// The engine objects an experiment command needs, built from the config by core/session, with
// the CLI's progress bars, Ctrl-C and warnings on stderr around them.
#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/session/experiment_data.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"

namespace aletheia::cli {

Model loadExperimentModel(const ExperimentConfig& cfg);
Tokenizer loadExperimentTokenizer(const ExperimentConfig& cfg);
// readExperimentData with a progress bar; bad lines and counts reported on stderr.
text::Dataset loadExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok);
// One warning line on stderr per skipped dataset line.
void reportSkipped(const std::vector<text::BadLine>& skipped);

}  // namespace aletheia::cli
