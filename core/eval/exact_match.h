#pragma once
// Generative exact match as lm-evaluation-harness scores GSM8K (lm-eval 0.4.9, task `gsm8k`,
// zero-shot), so that our exact_match is the harness's on the same data:
//   prompt      "Question: {question}\nAnswer:" (encoded without special tokens; a BOS for gemma)
//   generation  greedy, at most max_gen_toks new tokens (the harness's default 256), ended by
//               the model's EOS or a stop string: "Question:", "</s>", "<|im_end|>" and the
//               tokenizer's EOS token; the text before the first stop string is the response
//   strict      the first match of "#### (\-?[0-9\.\,]+)", its group; else "[invalid]"
//   flexible    the last match of "(-?[$0-9.,]{2,})|(-?[0-9]+)"; else "[invalid]"
//   match       both sides with "," "$" removed, everything up to the last "#### " removed, a
//               final "." removed, lower-cased (ASCII); then equal
// The gold answer is the whole `answer` field, normalised the same way (so "... #### 1,234" is
// "1234").
//
// File format (JSONL, the shape of the Hugging Face `gsm8k` rows):
//   {"question": "...", "answer": "... #### 42"}
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/eval/evaluate_sets.h"

namespace aletheia {

class Model;
class Tokenizer;

struct AnswerQuestion {
    std::string question, answer;
    long line = 0;  // in the file, for messages
};

// Reads and checks a whole file; throws aletheia::Error naming the file, line and key.
std::vector<AnswerQuestion> readAnswerQuestions(const std::string& file);

std::string answerPrompt(const AnswerQuestion& q);
const std::vector<std::string>& answerStopStrings();  // the harness's `until`, without the EOS

// The harness's two filters and its exact_match normalisation, on one response.
std::string strictAnswer(const std::string& response);
std::string flexibleAnswer(const std::string& response);
std::string normalizedForMatch(const std::string& s);

struct AnswerSample {
    std::string response, strict, flexible;
    bool strictCorrect = false, flexibleCorrect = false;
};

struct ExactMatchScore {
    double strict = 0.0, flexible = 0.0;  // exact_match of each filter, in [0, 1]
    std::vector<AnswerSample> samples;   // per question
};

struct AnswerSet {
    std::string name, file;
    std::vector<AnswerQuestion> questions;
};

struct AnswerSetResult {
    std::string name, file;
    int64_t questions = 0;
    ExactMatchScore base;
    std::optional<ExactMatchScore> adapted;  // empty when no adapter was evaluated
};

struct ExactMatchOptions {
    int64_t maxNewTokens = 256;  // the harness's max_gen_toks
    std::string modelDir;        // for the EOS ids (generation_config.json / config.json)
};

// Generates and scores every question. Throws aletheia::Error when a prompt does not fit the
// model's context with maxNewTokens after it. A stop request ends after the current question.
ExactMatchScore scoreAnswerQuestions(const Model& model, const LinearAdapters* adapters, const Tokenizer& tok,
                                     const std::vector<AnswerQuestion>& questions, const ExactMatchOptions& options,
                                     const StopToken* stop = nullptr);

// Base, then (when `attach` is given) adapted, for every set; progress counts set passes, a stop
// request ends early with what is done.
std::vector<AnswerSetResult> evaluateAnswerSets(const Model& model, const Tokenizer& tok,
                                                const std::vector<AnswerSet>& sets, const AttachAdapter& attach,
                                                const ExactMatchOptions& options, const ProgressFn& progress = {},
                                                StopToken* stop = nullptr);

}  // namespace aletheia
