#pragma once
// ProbeScores as JSON, the form `aletheia probe --json` prints and probe_scores.json holds:
// {rule, batches, layers, modules, scores [L][M], spread [L][M], layer_scores [L],
//  targets [{layer, module, score}], weight_grad_norms {HF weight name: norm}, experts [...]}.
// Read back so that planning again needs no new probe.
#include <nlohmann/json.hpp>

#include "core/probe/probe_scores.h"

namespace aletheia {

nlohmann::json probeScoresToJson(const ProbeScores& s);

// Scores written by probeScoresToJson, for a model whose modules are `table` (moduleTable(model)).
// Throws aletheia::Error saying what differs when they were probed on another model (other
// layer count, logical modules or target modules) or the JSON is not such a document.
// The per-batch history is not stored: it comes back empty.
ProbeScores probeScoresFromJson(const nlohmann::json& j, const ModuleTable& table);

}  // namespace aletheia
