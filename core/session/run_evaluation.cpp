#include "core/session/run_evaluation.h"

#include <filesystem>
#include <optional>

#include "core/eval/eval_json.h"
#include "core/io/json_file.h"
#include "core/session/experiment_data.h"
#include "core/train/trainer.h"

namespace aletheia {

namespace fs = std::filesystem;

namespace {

std::string absoluteFile(const std::string& f) { return fs::absolute(f).lexically_normal().string(); }

// The configured question file (if any), then each extra file, each read by `read` into a set
// named after its stem.
template <class Set, class ReadFn>
std::vector<Set> questionSets(const std::string& configured, std::vector<std::string> files, const ReadFn& read) {
    if (!configured.empty()) files.insert(files.begin(), configured);
    std::vector<Set> sets;
    for (const auto& f : files) sets.push_back({fs::path(f).stem().string(), absoluteFile(f), read(f)});
    return sets;
}

}  // namespace

EvaluationInputs experimentEvaluationInputs(const ExperimentConfig& cfg, const Tokenizer& tok,
                                            const ExtraEvalFiles& extra, std::vector<text::BadLine>* skipped,
                                            const StopToken* stop) {
    EvaluationInputs in;
    const auto examples = [&](const std::string& file) {
        return readExperimentExamples(cfg, tok, file, skipped, stop);
    };
    if (!cfg.data.validation.empty()) {
        in.sets.push_back({"validation", cfg.data.validation, examples(cfg.data.validation)});
    } else if (cfg.data.val_set_size > 0) {  // the same seeded split of data.train
        text::Dataset d = readExperimentData(cfg, tok, {}, stop);
        if (skipped) skipped->insert(skipped->end(), d.skipped.begin(), d.skipped.end());
        in.sets.push_back({"validation", cfg.data.train, std::move(d.validation)});
    }
    if (!cfg.data.forgetting.empty())
        in.sets.push_back({"forgetting", cfg.data.forgetting, examples(cfg.data.forgetting)});
    for (const auto& f : extra.data) in.sets.push_back({fs::path(f).stem().string(), absoluteFile(f), examples(f)});
    in.choices = questionSets<ChoiceSet>(cfg.data.multiple_choice, extra.choices, readChoiceQuestions);
    in.answers = questionSets<AnswerSet>(cfg.data.exact_match, extra.answers, readAnswerQuestions);
    return in;
}

RunEvaluation evaluateExperiment(const Model& model, const Tokenizer& tok, const ExperimentConfig& cfg,
                                 const EvaluationInputs& inputs, const AttachAdapter& attach,
                                 const ProgressFn& progress, StopToken* stop) {
    EvalOptions options;
    options.batchSize = cfg.train.micro_batch_size;
    options.padId = paddingId(tok);
    options.autocast = autocastFor(cfg.train.precision, model.device());
    // Every kind of set evaluates the same adapter: made once, when the first adapted pass needs
    // it (an AdapterSet copy shares its tensors).
    std::optional<AdapterSet> made;
    const AttachAdapter once = attach ? AttachAdapter([&](const Model& m) {
        if (!made) made = attach(m);
        return *made;
    })
                                      : AttachAdapter{};
    const auto stopped = [&] { return stop && stop->stopRequested(); };
    RunEvaluation r;
    if (!inputs.sets.empty()) r.report = evaluateSets(model, inputs.sets, once, options, progress, stop);
    if (!inputs.choices.empty() && !stopped())
        r.choices = evaluateChoiceSets(model, tok, inputs.choices, once, options.batchSize, progress, stop);
    ExactMatchOptions answerOptions;
    answerOptions.maxNewTokens = cfg.data.max_new_tokens;
    answerOptions.modelDir = cfg.model.path;
    if (!inputs.answers.empty() && !stopped())
        r.answers = evaluateAnswerSets(model, tok, inputs.answers, once, answerOptions, progress, stop);
    r.stopped = stopped();
    return r;
}

std::string writeRunEvaluation(const std::string& runDir, const EvaluationInputs& inputs,
                               const RunEvaluation& evaluation, const std::string& adapter) {
    nlohmann::json j = evalReportToJson(evaluation.report, adapter);
    const fs::path samples = fs::path(runDir) / "eval_samples";
    if (!evaluation.choices.empty()) j["multiple_choice"] = choiceResultsToJson(evaluation.choices);
    for (size_t i = 0; i < evaluation.choices.size(); ++i) {
        fs::create_directories(samples);
        writeChoiceSamples((samples / (inputs.choices[i].name + ".jsonl")).string(), inputs.choices[i],
                           evaluation.choices[i]);
    }
    if (!evaluation.answers.empty()) j["exact_match"] = answerResultsToJson(evaluation.answers);
    for (size_t i = 0; i < evaluation.answers.size(); ++i) {
        fs::create_directories(samples);
        writeAnswerSamples((samples / (inputs.answers[i].name + ".jsonl")).string(), inputs.answers[i],
                           evaluation.answers[i]);
    }
    const std::string out = (fs::path(runDir) / "eval.json").string();
    writeJsonFile(out, j);
    return out;
}

}  // namespace aletheia
