#include "core/cli/experiment_session.h"

#include <iostream>

#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/session/engine_options.h"

namespace aletheia::cli {

void reportSkipped(const std::vector<text::BadLine>& skipped) {
    for (const auto& bad : skipped) std::cerr << "warning: skipped " << bad.message() << "\n";
}

Model loadExperimentModel(const ExperimentConfig& cfg) {
    LoadOptions options = loadOptionsFor(cfg.model);
    ProgressPrinter progress("load model");
    options.progress = progress.callback();
    options.stop = &interruptToken();
    Model model = Model::load(cfg.model.path, options);
    progress.finish();
    return model;
}

Tokenizer loadExperimentTokenizer(const ExperimentConfig& cfg) { return Tokenizer::fromDirectory(cfg.model.path); }

text::Dataset loadExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok) {
    ProgressPrinter progress("read data");
    text::Dataset d = readExperimentData(cfg, tok, progress.callback(), &interruptToken());
    progress.finish();
    reportSkipped(d.skipped);
    std::cerr << "data: " << d.train.size() << " training and " << d.validation.size() << " validation examples, "
              << d.tokens << " tokens (" << text::datasetShapeName(d.shape) << ")\n";
    return d;
}

}  // namespace aletheia::cli
