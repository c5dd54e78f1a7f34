#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/cli/run_adapter.h"
#include "core/common/error.h"
#include "core/eval/eval_json.h"
#include "core/eval/evaluate_sets.h"
#include "core/eval/exact_match.h"
#include "core/eval/multiple_choice.h"
#include "core/io/json_file.h"
#include "core/train/trainer.h"

namespace aletheia::cli {

namespace fs = std::filesystem;

namespace {

// The run's validation data exactly as `train` holds it out, data.forgetting, then each --data file.
std::vector<EvalSet> evaluationSets(const ExperimentConfig& cfg, const Tokenizer& tok,
                                    const std::vector<std::string>& extraFiles) {
    std::vector<EvalSet> sets;
    if (!cfg.data.validation.empty())
        sets.push_back({"validation", cfg.data.validation, loadExperimentExamples(cfg, tok, cfg.data.validation)});
    else if (cfg.data.val_set_size > 0)  // the same seeded split of data.train
        sets.push_back({"validation", cfg.data.train, loadExperimentData(cfg, tok).validation});
    if (!cfg.data.forgetting.empty())
        sets.push_back({"forgetting", cfg.data.forgetting, loadExperimentExamples(cfg, tok, cfg.data.forgetting)});
    for (const auto& f : extraFiles)
        sets.push_back({fs::path(f).stem().string(), fs::absolute(f).lexically_normal().string(),
                        loadExperimentExamples(cfg, tok, f)});
    return sets;
}

// The configured question file (if any), then each extra file, each read by `read` into a set
// named after its stem: data.multiple_choice + --choices, data.exact_match + --answers.
template <class Set, class ReadFn>
std::vector<Set> questionSets(const std::string& configured, std::vector<std::string> files, const ReadFn& read) {
    if (!configured.empty()) files.insert(files.begin(), configured);
    std::vector<Set> sets;
    for (const auto& f : files)
        sets.push_back({fs::path(f).stem().string(), fs::absolute(f).lexically_normal().string(), read(f)});
    return sets;
}

void printAnswerTable(const std::vector<AnswerSetResult>& results) {
    int width = 11;
    for (const auto& s : results) width = std::max(width, int(s.name.size()) + 2);
    std::printf("\n%-*s %9s %11s %13s %14s %16s %12s\n", width, "exact match", "questions", "base strict",
                "base flexible", "adapted strict", "adapted flexible", "delta strict");
    for (const auto& s : results) {
        std::printf("%-*s %9lld %11.4f %13.4f", width, s.name.c_str(), (long long)s.questions, s.base.strict,
                    s.base.flexible);
        if (s.adapted)
            std::printf(" %14.4f %16.4f %+12.4f\n", s.adapted->strict, s.adapted->flexible,
                        s.adapted->strict - s.base.strict);
        else
            std::printf(" %14s %16s %12s\n", "-", "-", "-");
    }
    std::fflush(stdout);
}

void printChoiceTable(const std::vector<ChoiceSetResult>& results) {
    int width = 4;
    for (const auto& s : results) width = std::max(width, int(s.name.size()) + 2);
    std::printf("\n%-*s %9s %9s %9s %12s %12s %9s\n", width, "multiple choice", "questions", "base acc", "base norm",
                "adapted acc", "adapted norm", "delta acc");
    for (const auto& s : results) {
        std::printf("%-*s %9lld %9.4f %9.4f", width, s.name.c_str(), (long long)s.questions, s.base.acc, s.base.accNorm);
        if (s.adapted)
            std::printf(" %12.4f %12.4f %+9.4f\n", s.adapted->acc, s.adapted->accNorm, s.adapted->acc - s.base.acc);
        else
            std::printf(" %12s %12s %9s\n", "-", "-", "-");
    }
    std::fflush(stdout);
}

void printTable(const EvalReport& r) {
    int width = 4;
    for (const auto& s : r.sets) width = std::max(width, int(s.name.size()) + 2);
    std::printf("%-*s %9s %12s %10s %10s %13s %12s %11s\n", width, "set", "examples", "loss tokens", "base loss",
                "base ppl", "adapted loss", "adapted ppl", "delta loss");
    for (const auto& s : r.sets) {
        std::printf("%-*s %9lld %12lld %10.4f %10.2f", width, s.name.c_str(), (long long)s.examples,
                    (long long)s.tokens, s.base.loss, s.base.perplexity);
        if (s.adapted)
            std::printf(" %13.4f %12.2f %+11.4f\n", s.adapted->loss, s.adapted->perplexity, s.adapted->loss - s.base.loss);
        else
            std::printf(" %13s %12s %11s\n", "-", "-", "-");
    }
    std::fflush(stdout);
}

}  // namespace

CommandSpec evalCommand() {
    CommandSpec c;
    c.name = "eval";
    c.summary = "evaluate the base model and the trained adapter (loss, perplexity, multiple-choice acc, exact match)";
    c.usage = "aletheia eval --config exp.yaml [--adapter DIR] [--data FILE.jsonl ...] [--choices FILE.jsonl ...]\n"
              "                     [--answers FILE.jsonl ...] [--set KEY=VALUE ...]";
    c.description =
        "Mean loss per loss-bearing token (as training counts them) and perplexity of the base model and of\n"
        "the adapted model on each set: the validation data as `train` holds it out (data.validation, or the\n"
        "data.val_set_size split of data.train), data.forgetting, and every --data file (tokenised like the\n"
        "training data). Multiple-choice sets (data.multiple_choice and every --choices file, JSONL of\n"
        "{question, choices, answer}): acc and acc_norm as lm-evaluation-harness scores MMLU zero-shot.\n"
        "Generative sets (data.exact_match and every --answers file, JSONL of {question, answer: \"... #### N\"}):\n"
        "greedy answers of at most data.max_new_tokens, exact_match with the harness's GSM8K strict-match and\n"
        "flexible-extract filters, zero-shot. The adapter: --adapter DIR (PEFT), else the run's exported adapter/,\n"
        "else its newest checkpoint, else none (base model only). Prints a table and writes eval.json (and\n"
        "eval_samples/<set>.jsonl per question) to the run directory.";
    c.options = experimentOptions();
    c.options.push_back({"adapter", "DIR", "a PEFT adapter directory to evaluate instead of the run's"});
    c.options.push_back({"data", "FILE", "one more JSONL set to evaluate", true});
    c.options.push_back({"choices", "FILE", "one more multiple-choice JSONL set {question, choices, answer}", true});
    c.options.push_back({"answers", "FILE", "one more generative JSONL set {question, answer} (GSM8K shape)", true});
    c.run = [](const ParsedArgs& a) {
        const ExperimentConfig cfg = experimentFromArgs(a, "eval");
        const std::string dir = prepareRunDir(cfg);
        // Everything that can be wrong with the inputs is found before the model loads.
        const auto adapter = findRunAdapter(dir, a.value("adapter"));
        const Tokenizer tok = loadExperimentTokenizer(cfg);
        const std::vector<EvalSet> sets = evaluationSets(cfg, tok, a.all("data"));
        const auto choices = questionSets<ChoiceSet>(cfg.data.multiple_choice, a.all("choices"), readChoiceQuestions);
        const auto answers = questionSets<AnswerSet>(cfg.data.exact_match, a.all("answers"), readAnswerQuestions);
        if (sets.empty() && choices.empty() && answers.empty())
            throw Error("nothing to evaluate: set data.validation, data.val_set_size, data.forgetting, "
                        "data.multiple_choice or data.exact_match, or pass --data / --choices / --answers FILE",
                        {"", "data", -1});
        Model model = loadExperimentModel(cfg);
        if (adapter) std::cerr << "eval: adapter " << adapter->path << "\n";
        else std::cerr << "eval: no adapter in " << dir << " (no adapter/, no checkpoint): base model only\n";

        EvalOptions options;
        options.batchSize = cfg.train.micro_batch_size;
        options.padId = paddingId(tok);
        options.autocast = autocastFor(cfg.train.precision, model.device());
        ProgressPrinter progress("eval");
        // Both kinds of set evaluate the same adapter: made once, when the first adapted pass needs it
        // (an AdapterSet copy shares its tensors).
        std::optional<AdapterSet> made;
        const AttachAdapter attach = adapter ? AttachAdapter([&](const Model& m) {
            if (!made) made = adapter->attach(m);
            return *made;
        })
                                             : AttachAdapter{};
        const EvalReport report = sets.empty() ? EvalReport{}
                                               : evaluateSets(model, sets, attach, options, progress.callback(), &interruptToken());
        const auto choiceResults = choices.empty() || interruptToken().stopRequested()
                                       ? std::vector<ChoiceSetResult>{}
                                       : evaluateChoiceSets(model, tok, choices, attach, options.batchSize,
                                                            progress.callback(), &interruptToken());
        ExactMatchOptions answerOptions;
        answerOptions.maxNewTokens = cfg.data.max_new_tokens;
        answerOptions.modelDir = cfg.model.path;
        const auto answerResults = answers.empty() || interruptToken().stopRequested()
                                       ? std::vector<AnswerSetResult>{}
                                       : evaluateAnswerSets(model, tok, answers, attach, answerOptions,
                                                            progress.callback(), &interruptToken());
        progress.finish();
        if (interruptToken().stopRequested()) {
            std::cerr << "eval: stopped before the end; eval.json not written\n";
            return 2;
        }
        if (!report.sets.empty()) printTable(report);
        if (!choiceResults.empty()) printChoiceTable(choiceResults);
        if (!answerResults.empty()) printAnswerTable(answerResults);
        const std::string out = (fs::path(dir) / "eval.json").string();
        nlohmann::json j = evalReportToJson(report, adapter ? adapter->path : "");
        if (!choiceResults.empty()) j["multiple_choice"] = choiceResultsToJson(choiceResults);
        for (size_t i = 0; i < choiceResults.size(); ++i) {
            const fs::path samples = fs::path(dir) / "eval_samples" / (choices[i].name + ".jsonl");
            fs::create_directories(samples.parent_path());
            writeChoiceSamples(samples.string(), choices[i], choiceResults[i]);
        }
        if (!answerResults.empty()) j["exact_match"] = answerResultsToJson(answerResults);
        for (size_t i = 0; i < answerResults.size(); ++i) {
            const fs::path samples = fs::path(dir) / "eval_samples" / (answers[i].name + ".jsonl");
            fs::create_directories(samples.parent_path());
            writeAnswerSamples(samples.string(), answers[i], answerResults[i]);
        }
        writeJsonFile(out, j);
        std::cerr << "eval: " << out << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
