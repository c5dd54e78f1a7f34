#pragma once
// `aletheia eval` of a run, for every front end: which sets an experiment evaluates (its held-out
// validation data, data.forgetting, its question files, any extra file), base and adapted scores
// on all of them, and eval.json (+ eval_samples/) in the run directory, the form the Studio's
// Compare stage reads back whichever front end evaluated.
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/config/experiment.h"
#include "core/eval/evaluate_sets.h"
#include "core/eval/exact_match.h"
#include "core/eval/multiple_choice.h"
#include "core/text/dataset.h"

namespace aletheia {

class Model;
class Tokenizer;

struct EvaluationInputs {
    std::vector<EvalSet> sets;         // loss / perplexity
    std::vector<ChoiceSet> choices;    // multiple choice (acc, acc_norm)
    std::vector<AnswerSet> answers;    // generative exact match
    bool empty() const { return sets.empty() && choices.empty() && answers.empty(); }
};

struct ExtraEvalFiles {
    std::vector<std::string> data, choices, answers;  // --data, --choices, --answers
};

// The validation data exactly as `train` holds it out (data.validation, else the seeded
// data.val_set_size split of data.train), data.forgetting, data.multiple_choice,
// data.exact_match, then each extra file (a set named after its stem). Skipped lines of the JSONL
// files go to `skipped`. Throws aletheia::Error for an unreadable file.
EvaluationInputs experimentEvaluationInputs(const ExperimentConfig& cfg, const Tokenizer& tok,
                                            const ExtraEvalFiles& extra = {},
                                            std::vector<text::BadLine>* skipped = nullptr,
                                            const StopToken* stop = nullptr);

struct RunEvaluation {
    EvalReport report;
    std::vector<ChoiceSetResult> choices;
    std::vector<AnswerSetResult> answers;
    bool stopped = false;  // a stop request ended it early: incomplete, not to be written
};

// Base, then adapted (when `attach` is given), on every input, with the experiment's batch size,
// padding, precision and data.max_new_tokens. `progress` counts set passes.
RunEvaluation evaluateExperiment(const Model& model, const Tokenizer& tok, const ExperimentConfig& cfg,
                                 const EvaluationInputs& inputs, const AttachAdapter& attach,
                                 const ProgressFn& progress = {}, StopToken* stop = nullptr);

// Writes <runDir>/eval.json (eval_json.h; `adapter`: what was attached, "" for none) and
// eval_samples/<set>.jsonl per question set. Returns eval.json's path.
std::string writeRunEvaluation(const std::string& runDir, const EvaluationInputs& inputs,
                               const RunEvaluation& evaluation, const std::string& adapter);

}  // namespace aletheia
