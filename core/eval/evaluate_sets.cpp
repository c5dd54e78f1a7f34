#include "core/eval/evaluate_sets.h"

#include <memory>

#include "core/common/error.h"
#include "core/lora/adapter_set.h"
#include "core/model/model.h"
#include "core/train/example_batch_source.h"
#include "core/train/trainer.h"

namespace aletheia {

namespace {

// Every batch of the set in file order (no shuffle: the numbers must not depend on a seed).
LossScore scoreSet(const Model& model, const AdapterSet* adapters, const EvalSet& set, const EvalOptions& o,
                   int64_t& tokens) {
    ExampleBatchSource batches(std::make_shared<const std::vector<text::Example>>(set.examples), o.batchSize, o.padId,
                               0, /*shuffle=*/false);
    const EvalEvent e = evaluate(model, adapters, batches, 0, o.autocast);
    if (e.tokens == 0) fail("evaluation set '" + set.name + "' (" + set.file + ") has no token that carries loss");
    tokens = e.tokens;
    return {e.loss, e.perplexity};
}

}  // namespace

EvalReport evaluateSets(const Model& model, const std::vector<EvalSet>& sets, const AttachAdapter& attach,
                        const EvalOptions& options, const ProgressFn& progress, StopToken* stop) {
    for (const auto& s : sets)
        if (s.examples.empty()) fail("evaluation set '" + s.name + "' (" + s.file + ") has no examples");
    torch::NoGradGuard noGrad;
    const long passes = long(sets.size()) * (attach ? 2 : 1);
    long done = 0;
    auto stopped = [&] { return stop && stop->stopRequested(); };

    EvalReport report;
    for (const auto& s : sets) {
        if (stopped()) return report;
        SetResult r{s.name, s.file, int64_t(s.examples.size()), 0, {}, std::nullopt};
        r.base = scoreSet(model, nullptr, s, options, r.tokens);
        report.sets.push_back(r);
        if (progress) progress(++done, passes, "base: " + s.name);
    }
    if (!attach) return report;
    const AdapterSet adapters = attach(model);
    for (size_t i = 0; i < sets.size(); ++i) {
        if (stopped()) return report;
        int64_t tokens = 0;
        report.sets[i].adapted = scoreSet(model, &adapters, sets[i], options, tokens);
        if (progress) progress(++done, passes, "adapted: " + sets[i].name);
    }
    return report;
}

}  // namespace aletheia
