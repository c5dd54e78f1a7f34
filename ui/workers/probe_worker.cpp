#include "ui/workers/probe_worker.h"

#include "core/common/error.h"
#include "core/probe/probe.h"
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
        if (!request_.dataFile.isEmpty())
            fail("Probing a JSONL dataset is not wired in this build yet: use synthetic tokens (Data stage)");
        // Probe batches differ from training batches (own seed): scores measure the task, not the sample.
        std::vector<Batch> batches;
        for (int i = 0; i < request_.batches; ++i)
            batches.push_back({syntheticTokens(model_.config().vocabSize, request_.microBatch,
                                               request_.sequenceLength, 1234, i), {}, {}});
        ProbeOptions options;
        options.rule = ruleFromName(request_.rule.toStdString());
        const ProbeScores scores = runProbe(
            model_, batches, options,
            [this](const ProbeScores& running, int done, int total) { emit batchScored(running, done, total); },
            stop_.get());
        completed = scores.batches == request_.batches;
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
    emit finished(completed);
}

}  // namespace aletheia::ui
