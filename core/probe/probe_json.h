#pragma once
// ProbeScores as JSON, the form `aletheia probe --json` prints and the GUI can save:
// {rule, batches, layers, modules, scores [L][M], spread [L][M], layer_scores [L],
//  targets [{layer, module, score}], weight_grad_norms {HF weight name: norm}, experts [...]}.
#include <nlohmann/json.hpp>

#include "core/probe/probe_scores.h"

namespace aletheia {

nlohmann::json probeScoresToJson(const ProbeScores& s);

}  // namespace aletheia
