#include "ui/workers/probe_worker.h"

#include "core/probe/probe.h"
#include "core/session/experiment_data.h"
#include "ui/workers/synthetic_tokens.h"

#include <exception>

namespace aletheia::ui {

ProbeWorker::ProbeWorker(Model model, ProbeRequest request, std::shared_ptr<StopToken> stop)
    : model_(std::move(model)), request_(std::move(request)), stop_(std::move(stop)) {
    qRegisterMetaType<aletheia::ProbeScores>();
}

void ProbeWorker::run() {
    bool completed = false;
    try {
        const ExperimentConfig& cfg = request_.config;
        std::vector<Batch> batches;
        if (request_.examples) {
            batches = probeBatches(cfg, *request_.examples, request_.padId, model_.device());
        } else {
            const int64_t seq = cfg.probe.sequence_len > 0 ? cfg.probe.sequence_len : cfg.data.sequence_len;
            for (int i = 0; i < cfg.probe.batches; ++i)
                batches.push_back({syntheticTokens(model_.config().vocabSize, cfg.probe.micro_batch_size, seq,
                                                   uint64_t(cfg.data.seed), i).to(model_.device()), {}, {}});
        }
        const ProbeScores scores = runProbe(
            model_, batches, probeOptionsFor(cfg),
            [this](const ProbeScores& running, int done, int total) { emit batchScored(running, done, total); },
            stop_.get());
        completed = scores.batches == static_cast<int>(batches.size());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(completed);
}

}  // namespace aletheia::ui
