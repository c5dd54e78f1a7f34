#pragma once
// An EvalReport as eval.json (docs/CLI.md), the stable form the CLI writes and the Studio reads:
// {"adapter": "run/adapter" | null,
//  "sets": [{"name", "file", "examples", "tokens", "base": {"loss", "ppl"}, "adapted": {"loss", "ppl"} | null}]}
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/evaluate_sets.h"

namespace aletheia {

// `adapter`: what was evaluated as the adapted model (a directory); "" writes null.
nlohmann::json evalReportToJson(const EvalReport& report, const std::string& adapter);

}  // namespace aletheia
