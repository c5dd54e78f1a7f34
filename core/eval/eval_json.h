#pragma once
// An EvalReport as eval.json (docs/CLI.md), the stable form the CLI writes and the Studio reads:
// {"adapter": "run/adapter" | null,
//  "sets": [{"name", "file", "examples", "tokens", "base": {"loss", "ppl"}, "adapted": {"loss", "ppl"} | null}],
//  "multiple_choice": [{"name", "file", "questions", "base": {"acc", "acc_norm"}, "adapted": {...} | null}],
//  "exact_match": [{"name", "file", "questions", "base": {"strict", "flexible"}, "adapted": {...} | null}]}
// ("multiple_choice" / "exact_match" only when such sets were evaluated.)
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/evaluate_sets.h"
#include "core/eval/exact_match.h"
#include "core/eval/multiple_choice.h"

namespace aletheia {

// `adapter`: what was evaluated as the adapted model (a directory); "" writes null.
nlohmann::json evalReportToJson(const EvalReport& report, const std::string& adapter);
// The "multiple_choice" array.
nlohmann::json choiceResultsToJson(const std::vector<ChoiceSetResult>& results);
// Per question of one set, one JSON line: {"line", "answer", "base": [loglikelihood per choice],
// "adapted": [...] | null}, to see which questions an adapter changed (lm-eval's samples).
void writeChoiceSamples(const std::string& path, const ChoiceSet& set, const ChoiceSetResult& result);

// The "exact_match" array.
nlohmann::json answerResultsToJson(const std::vector<AnswerSetResult>& results);
// Per question, one JSON line: {"line", "answer", "base": {"response", "strict", "flexible",
// "strict_correct", "flexible_correct"}, "adapted": {...} | null}.
void writeAnswerSamples(const std::string& path, const AnswerSet& set, const AnswerSetResult& result);

}  // namespace aletheia
