#pragma once
// Multiple-choice evaluation as lm-evaluation-harness scores MMLU (lm-eval 0.4.9, task `mmlu`,
// zero-shot), so that our acc is the harness's acc on the same data:
//   prompt        "{question.strip()}\nA. {choices[0]}\nB. {choices[1]}\n...\nAnswer:"
//   continuations " A", " B", ... (target_delimiter " " + the letter)
//   loglikelihood sum of log p(continuation tokens | prompt), tokenised as the harness does
//                 (whole = enc(prompt + continuation), continuation = whole[len(enc(prompt)):])
//   acc           argmax of the loglikelihoods == answer
//   acc_norm      argmax of loglikelihood / len(choice text) == answer (the letter: equal to acc
//                 for MMLU's one-letter choices, kept because the harness reports it)
//
// File format (JSONL, one question per line, the shape of the Hugging Face `cais/mmlu` rows):
//   {"question": "...", "choices": ["...", "...", "...", "..."], "answer": 2}
// `answer` is the 0-based index or its letter ("C"). 2 to 26 choices.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/eval/evaluate_sets.h"

namespace aletheia {

class Model;
class Tokenizer;

struct ChoiceQuestion {
    std::string question;
    std::vector<std::string> choices;
    int answer = 0;  // index into choices
    long line = 0;   // in the file, for messages
};

// Reads and checks a whole file; throws aletheia::Error naming the file, line and key.
std::vector<ChoiceQuestion> readChoiceQuestions(const std::string& file);

// The harness's MMLU prompt, the label of choice `i` ("A") and its continuation (" A").
std::string choicePrompt(const ChoiceQuestion& q);
std::string choiceLabel(int i);
std::string choiceContinuation(int i);

// Token ids of (prompt, continuation) as lm-eval's HFLM._encode_pair makes them: trailing spaces of
// the prompt move to the continuation, and the continuation's ids are the tail of the whole text's
// ids. Special tokens: none, except a BOS for the gemma families (HFLM sets add_bos_token there).
struct EncodedPair {
    std::vector<int32_t> context, continuation;
};
EncodedPair encodeChoicePair(const Tokenizer& tok, const std::string& modelType, const std::string& context,
                             const std::string& continuation);

struct ChoiceScore {
    double acc = 0.0, accNorm = 0.0;
    std::vector<std::vector<double>> loglikelihoods;  // per question, per choice
};

struct ChoiceSet {
    std::string name, file;
    std::vector<ChoiceQuestion> questions;
};

struct ChoiceSetResult {
    std::string name, file;
    int64_t questions = 0;
    ChoiceScore base;
    std::optional<ChoiceScore> adapted;  // empty when no adapter was evaluated
};

// Scores every question with the model (and `adapters` when given). Throws aletheia::Error when a
// prompt is longer than the model's context.
ChoiceScore scoreChoiceQuestions(const Model& model, const LinearAdapters* adapters, const Tokenizer& tok,
                                 const std::vector<ChoiceQuestion>& questions, int64_t batchSize);

// Base, then (when `attach` is given) adapted, for every set; progress counts set passes, a stop
// request ends early with what is done.
std::vector<ChoiceSetResult> evaluateChoiceSets(const Model& model, const Tokenizer& tok,
                                                const std::vector<ChoiceSet>& sets, const AttachAdapter& attach,
                                                int64_t batchSize, const ProgressFn& progress = {},
                                                StopToken* stop = nullptr);

}  // namespace aletheia
