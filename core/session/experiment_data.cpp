#include "core/session/experiment_data.h"

#include <algorithm>
#include <climits>

#include "core/common/error.h"
#include "core/session/dataset_options_for.h"
#include "core/text/batching.h"

namespace aletheia {

bool fitSequenceLengths(ExperimentConfig& cfg, int64_t maxPositions) {
    if (maxPositions <= 0) return false;
    const int limit = int(std::min<int64_t>(maxPositions, INT32_MAX));
    const bool cut = cfg.data.sequence_len > limit || cfg.probe.sequence_len > limit;
    cfg.data.sequence_len = std::min(cfg.data.sequence_len, limit);
    cfg.probe.sequence_len = std::min(cfg.probe.sequence_len, limit);
    return cut;
}

text::Dataset readExperimentData(const ExperimentConfig& cfg, const Tokenizer& tok, const ProgressFn& progress,
                                 const StopToken* stop) {
    text::DatasetOptions o = datasetOptionsFor(cfg.data);
    o.validationFraction = cfg.data.validation.empty() ? cfg.data.val_set_size : 0.0;
    text::Dataset d = loadJsonlDataset(cfg.data.train, tok, o, progress, stop);
    if (!cfg.data.validation.empty() && !d.cancelled)
        d.validation = readExperimentExamples(cfg, tok, cfg.data.validation, &d.skipped, stop);
    return d;
}

std::vector<text::Example> readExperimentExamples(const ExperimentConfig& cfg, const Tokenizer& tok,
                                                  const std::string& path, std::vector<text::BadLine>* skipped,
                                                  const StopToken* stop) {
    text::Dataset d = loadJsonlDataset(path, tok, datasetOptionsFor(cfg.data), {}, stop);
    if (skipped) skipped->insert(skipped->end(), d.skipped.begin(), d.skipped.end());
    return std::move(d.train);
}

int32_t paddingId(const Tokenizer& tok) {
    if (auto p = tok.padId()) return *p;
    if (auto e = tok.eosId()) return *e;
    return 0;
}

std::vector<Batch> probeBatches(const ExperimentConfig& cfg, const std::vector<text::Example>& examples,
                                int32_t padId, const torch::Device& device) {
    if (examples.empty()) failIn(cfg.data.train, "no training examples to probe with", "data.train");
    // The first `batches` groups of epoch 0: the same examples every time for one seed.
    const auto groups = text::epochBatches(examples.size(), size_t(cfg.probe.micro_batch_size),
                                           uint64_t(cfg.data.seed), 0);
    std::vector<Batch> batches;
    for (size_t i = 0; i < groups.size() && int(i) < cfg.probe.batches; ++i) {
        text::Batch b = text::makeBatch(examples, groups[i], padId);
        const int64_t T = b.inputIds.size(1);
        const int64_t keep = cfg.probe.sequence_len > 0 ? std::min<int64_t>(T, cfg.probe.sequence_len) : T;
        batches.push_back({b.inputIds.narrow(1, 0, keep).to(device), b.labels.narrow(1, 0, keep).to(device),
                           b.attentionMask.narrow(1, 0, keep).to(device)});
    }
    return batches;
}

ProbeOptions probeOptionsFor(const ExperimentConfig& cfg) {
    ProbeOptions o;
    o.rule = ruleFromName(cfg.probe.score);
    return o;
}

ExampleBatchSource trainingBatches(const ExperimentConfig& cfg, SharedExamples examples, int32_t padId) {
    if (!examples || examples->empty()) failIn(cfg.data.train, "no usable training examples", "data.train");
    return ExampleBatchSource(std::move(examples), cfg.train.micro_batch_size, padId, uint64_t(cfg.data.seed),
                              /*shuffle=*/true);
}

std::unique_ptr<ExampleBatchSource> validationBatches(const ExperimentConfig& cfg, SharedExamples examples,
                                                      int32_t padId) {
    if (!examples || examples->empty()) return nullptr;
    return std::make_unique<ExampleBatchSource>(std::move(examples), cfg.train.micro_batch_size, padId, 0,
                                                /*shuffle=*/false);
}

}  // namespace aletheia
