#include "core/eval/eval_json.h"

namespace aletheia {

namespace {
nlohmann::json scoreJson(const LossScore& s) { return {{"loss", s.loss}, {"ppl", s.perplexity}}; }
}  // namespace

nlohmann::json evalReportToJson(const EvalReport& report, const std::string& adapter) {
    nlohmann::json sets = nlohmann::json::array();
    for (const auto& s : report.sets)
        sets.push_back({{"name", s.name},
                        {"file", s.file},
                        {"examples", s.examples},
                        {"tokens", s.tokens},
                        {"base", scoreJson(s.base)},
                        {"adapted", s.adapted ? scoreJson(*s.adapted) : nlohmann::json(nullptr)}});
    return {{"adapter", adapter.empty() ? nlohmann::json(nullptr) : nlohmann::json(adapter)}, {"sets", sets}};
}

}  // namespace aletheia
