#include "core/probe/probe_json.h"

namespace aletheia {

nlohmann::json probeScoresToJson(const ProbeScores& s) {
    nlohmann::json j;
    j["rule"] = ruleName(s.rule);
    j["batches"] = s.batches;
    j["layers"] = s.numLayers();
    j["modules"] = s.modules;
    j["scores"] = s.scores;
    j["spread"] = s.spread;
    j["layer_scores"] = s.layerScores;
    nlohmann::json targets = nlohmann::json::array();
    for (size_t i = 0; i < s.table.modules.size(); ++i) {
        const auto& m = s.table.modules[i];
        targets.push_back({{"layer", m.layer}, {"module", m.module}, {"roles", m.roles}, {"count", m.count},
                           {"in", m.in}, {"out", m.out}, {"score", s.targetScores[i]}});
    }
    j["targets"] = targets;
    j["weight_grad_norms"] = s.weightGradNorms;
    nlohmann::json experts = nlohmann::json::array();
    for (const auto& e : s.experts)
        experts.push_back({{"layer", e.layer}, {"expert", e.expert}, {"role", e.role}, {"score", e.score}});
    j["experts"] = experts;
    return j;
}

}  // namespace aletheia
