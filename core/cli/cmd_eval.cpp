#include <cstdio>
#include <iostream>
#include <optional>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/experiment_session.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/session/run_adapter.h"
#include "core/session/run_evaluation.h"
#include "core/common/error.h"
#include "core/eval/evaluate_sets.h"
#include "core/eval/exact_match.h"
#include "core/eval/multiple_choice.h"

namespace aletheia::cli {

namespace {

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
        std::vector<text::BadLine> skipped;
        const EvaluationInputs inputs = experimentEvaluationInputs(
            cfg, tok, {a.all("data"), a.all("choices"), a.all("answers")}, &skipped, &interruptToken());
        reportSkipped(skipped);
        if (inputs.empty())
            throw Error("nothing to evaluate: set data.validation, data.val_set_size, data.forgetting, "
                        "data.multiple_choice or data.exact_match, or pass --data / --choices / --answers FILE",
                        {"", "data", -1});
        Model model = loadExperimentModel(cfg);
        if (adapter) std::cerr << "eval: adapter " << adapter->path << "\n";
        else std::cerr << "eval: no adapter in " << dir << " (no adapter/, no checkpoint): base model only\n";

        ProgressPrinter progress("eval");
        const RunEvaluation r = evaluateExperiment(model, tok, cfg, inputs, adapter ? adapter->attach : AttachAdapter{},
                                                   progress.callback(), &interruptToken());
        progress.finish();
        if (r.stopped) {
            std::cerr << "eval: stopped before the end; eval.json not written\n";
            return 2;
        }
        if (!r.report.sets.empty()) printTable(r.report);
        if (!r.choices.empty()) printChoiceTable(r.choices);
        if (!r.answers.empty()) printAnswerTable(r.answers);
        std::cerr << "eval: " << writeRunEvaluation(dir, inputs, r, adapter ? adapter->path : "") << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
