#pragma once
// Before/after evaluation of an adapter: the mean per-token loss (over the loss-bearing tokens
// only, as training counts them) and perplexity of the base model and of the adapted model on
// named sets of tokenised examples: the validation data, a forgetting set, any other file.
//
//   std::vector<EvalSet> sets = {{"validation", "val.jsonl", examples}};
//   EvalReport r = evaluateSets(model, sets, [&](const Model& m) { return importPeft(m, "run/adapter"); }, {});
//   r.sets[0].adapted->loss - r.sets[0].base.loss   // < 0: the adapter helps on that set
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/lora/adapter_set.h"
#include "core/text/example.h"

namespace aletheia {

class Model;

struct EvalSet {
    std::string name;                     // "validation", "forgetting", a file's stem ...
    std::string file;                     // where the examples came from ("" when made in code)
    std::vector<text::Example> examples;  // tokenised as for training (labels -100 = no loss)
};

struct LossScore {
    double loss = 0.0;        // mean cross-entropy per loss-bearing token
    double perplexity = 0.0;  // exp(loss)
};

struct SetResult {
    std::string name, file;
    int64_t examples = 0;
    int64_t tokens = 0;                // loss-bearing tokens
    LossScore base;
    std::optional<LossScore> adapted;  // empty when no adapter was evaluated
};

struct EvalReport {
    std::vector<SetResult> sets;  // in the order given
};

struct EvalOptions {
    int64_t batchSize = 4;
    int32_t padId = 0;
    bool autocast = false;  // CUDA bf16, as training ran (autocastFor in core/train/trainer.h)
};

// Makes the adapter to evaluate beside the model: importPeft, loadCheckpointAdapters, applyPlan ...
using AttachAdapter = std::function<AdapterSet(const Model&)>;

// Evaluates every set on the base model; then, if `attach` is given, calls it and evaluates every
// set again with the adapter it makes. The model is not changed. Sets without examples, or without a loss-bearing token, throw
// aletheia::Error. `progress` counts set passes; a stop request ends early with what is done
// (sets not reached are missing, adapted scores not reached are empty).
EvalReport evaluateSets(const Model& model, const std::vector<EvalSet>& sets, const AttachAdapter& attach,
                        const EvalOptions& options, const ProgressFn& progress = {}, StopToken* stop = nullptr);

}  // namespace aletheia
