#include "core/probe/probe_json.h"

#include <map>
#include <utility>

#include "core/common/error.h"

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
    nlohmann::json timing = nlohmann::json::array();
    for (const auto& t : s.timing)
        timing.push_back({{"rows", t.rows}, {"seq", t.seq}, {"forward_s", t.forwardSeconds}, {"backward_s", t.backwardSeconds}});
    j["timing"] = timing;
    return j;
}

namespace {

// get<int>() on 1e300 would be an unchecked (undefined) cast: integers are checked first.
int intAt(const nlohmann::json& j, const char* key) {
    const nlohmann::json& v = j.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < -1 || v.get<int64_t>() > (1 << 24))
        fail(std::string("'") + key + "' must be an integer in [-1, 2^24], got " + v.dump().substr(0, 80));
    return int(v.get<int64_t>());
}

// The structural checks: same layers, same logical columns, same target modules.
void requireSameModel(const nlohmann::json& j, const ModuleTable& table) {
    const int layers = intAt(j, "layers");
    if (layers != table.numLayers)
        fail("the scores are for " + std::to_string(layers) + " layers, the model has " +
             std::to_string(table.numLayers));
    if (j.at("modules").get<std::vector<std::string>>() != table.roles)
        fail("the scores' logical modules differ from the model's");
    if (j.at("targets").size() != table.modules.size())
        fail("the scores cover " + std::to_string(j.at("targets").size()) + " target modules, the model has " +
             std::to_string(table.modules.size()));
}

}  // namespace

ProbeScores probeScoresFromJson(const nlohmann::json& j, const ModuleTable& table) {
    try {
        requireSameModel(j, table);
        ProbeScores s;
        s.rule = ruleFromName(j.at("rule").get<std::string>());
        s.batches = intAt(j, "batches");
        s.table = table;
        s.modules = table.roles;
        s.scores = j.at("scores").get<Matrix>();
        s.spread = j.value("spread", Matrix{});
        s.layerScores = j.at("layer_scores").get<std::vector<double>>();
        s.weightGradNorms = j.value("weight_grad_norms", std::map<std::string, double>{});
        s.targetScores.assign(table.modules.size(), 0.0);
        std::map<std::pair<int, std::string>, double> byTarget;
        for (const auto& t : j.at("targets"))
            byTarget[{intAt(t, "layer"), t.at("module").get<std::string>()}] = t.at("score").get<double>();
        for (size_t i = 0; i < table.modules.size(); ++i) {
            auto it = byTarget.find({table.modules[i].layer, table.modules[i].module});
            if (it == byTarget.end())
                fail("the scores have no layer " + std::to_string(table.modules[i].layer) + " '" +
                     table.modules[i].module + "', which the model has");
            s.targetScores[i] = it->second;
        }
        if (s.scores.size() != size_t(table.numLayers) || s.layerScores.size() != size_t(table.numLayers))
            fail("the score matrix does not have one row per layer");
        if (!s.spread.empty() && s.spread.size() != s.scores.size()) fail("the spread matrix does not have one row per layer");
        for (const auto& row : s.spread)
            if (row.size() != table.roles.size()) fail("a spread row does not have one column per logical module");
        for (const auto& row : s.scores)  // rows are indexed by the model's logical modules
            if (row.size() != table.roles.size())
                fail("a score row has " + std::to_string(row.size()) + " columns, the model has " +
                     std::to_string(table.roles.size()) + " logical modules");
        for (const auto& e : j.value("experts", nlohmann::json::array()))
            s.experts.push_back({intAt(e, "layer"), intAt(e, "expert"), e.at("role").get<std::string>(),
                                 e.at("score").get<double>()});
        for (const auto& t : j.value("timing", nlohmann::json::array())) {
            ProbeBatchTiming b{t.at("rows").get<int64_t>(), t.at("seq").get<int64_t>(), t.at("forward_s").get<double>(),
                               t.at("backward_s").get<double>()};
            if (b.rows < 1 || b.seq < 1 || !(b.forwardSeconds >= 0) || !(b.backwardSeconds >= 0))
                fail("a timing entry needs rows, seq >= 1 and non-negative seconds, got " + t.dump().substr(0, 80));
            s.timing.push_back(b);
        }
        return s;
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("not a probe scores document: ") + e.what());
    }
}

}  // namespace aletheia
