#include "core/cli/experiment_session.h"

#include <iostream>
#include <memory>

#include "core/cli/engine_options.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/common/error.h"
#include "core/config/dataset_options_for.h"

namespace aletheia::cli {

Model loadExperimentModel(const ExperimentConfig& cfg) {
    LoadOptions options;
    options.dtype = parseDtype(cfg.model.dtype);
    options.device = parseDevice(cfg.model.device);
    ProgressPrinter progress("load model");
    options.progress = progress.callback();
    options.stop = &interruptToken();
    Model model = Model::load(cfg.model.path, options);
    progress.finish();
    return model;
}

Tokenizer loadExperimentTokenizer(const ExperimentConfig& cfg) { return Tokenizer::fromDirectory(cfg.model.path); }

std::vector<text::Example> loadExperimentExamples(const ExperimentConfig& cfg, const Tokenizer& tok,
                                                  const std::string& path) {
    text::Dataset d = loadJsonlDataset(path, tok, datasetOptionsFor(cfg.data), {}, &interruptToken());
    for (const auto& bad : d.skipped) std::cerr << "warning: skipped " << bad.message() << "\n";
    return std::move(d.train);
}

text::Dataset loadExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok) {
    text::DatasetOptions o = datasetOptionsFor(cfg.data);
    o.validationFraction = cfg.data.validation.empty() ? cfg.data.val_set_size : 0.0;
    ProgressPrinter progress("read data");
    text::Dataset d = loadJsonlDataset(cfg.data.train, tok, o, progress.callback(), &interruptToken());
    progress.finish();
    if (!cfg.data.validation.empty()) d.validation = loadExperimentExamples(cfg, tok, cfg.data.validation);
    for (const auto& bad : d.skipped) std::cerr << "warning: skipped " << bad.message() << "\n";
    std::cerr << "data: " << d.train.size() << " training and " << d.validation.size() << " validation examples, "
              << d.tokens << " tokens (" << text::datasetShapeName(d.shape) << ")\n";
    return d;
}

int32_t paddingId(const Tokenizer& tok) {
    if (auto p = tok.padId()) return *p;
    if (auto e = tok.eosId()) return *e;
    return 0;
}

ExampleBatchSource trainingBatches(const ExperimentConfig& cfg, const text::Dataset& data, int32_t padId) {
    if (data.train.empty()) failIn(cfg.data.train, "no usable training examples", "data.train");
    return ExampleBatchSource(std::make_shared<const std::vector<text::Example>>(data.train),
                              cfg.train.micro_batch_size, padId, uint64_t(cfg.data.seed), /*shuffle=*/true);
}

}  // namespace aletheia::cli
