#include "ui/workers/probe_worker.h"

#include "core/probe/probe.h"
#include "core/train/example_batch_source.h"
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
        // Probe batches differ from training batches (own seed): scores measure the task, not the sample.
        constexpr uint64_t kProbeSeed = 1234;
        std::vector<Batch> batches;
        if (request_.examples) {
            ExampleBatchSource source(request_.examples, request_.microBatch, request_.padId, kProbeSeed);
            for (Batch& b : source.firstBatches(request_.batches)) {
                const int64_t keep = std::min<int64_t>(b.input_ids.size(1), request_.sequenceLength);
                batches.push_back({b.input_ids.narrow(1, 0, keep), b.labels.narrow(1, 0, keep),
                                   b.attention_mask.narrow(1, 0, keep)});
            }
        } else {
            for (int i = 0; i < request_.batches; ++i)
                batches.push_back({syntheticTokens(model_.config().vocabSize, request_.microBatch,
                                                   request_.sequenceLength, kProbeSeed, i), {}, {}});
        }
        const auto device = model_.device();
        for (Batch& b : batches)
            for (torch::Tensor* t : {&b.input_ids, &b.labels, &b.attention_mask})
                if (t->defined()) *t = t->to(device);
        ProbeOptions options;
        options.rule = ruleFromName(request_.rule.toStdString());
        const ProbeScores scores = runProbe(
            model_, batches, options,
            [this](const ProbeScores& running, int done, int total) { emit batchScored(running, done, total); },
            stop_.get());
        completed = scores.batches == static_cast<int>(batches.size());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(completed);
}

}  // namespace aletheia::ui
