#include "core/eval/eval_json.h"

#include "core/io/json_file.h"

namespace aletheia {

namespace {
nlohmann::json scoreJson(const LossScore& s) { return {{"loss", s.loss}, {"ppl", s.perplexity}}; }
}  // namespace

nlohmann::json choiceScoreJson(const ChoiceScore& s) { return {{"acc", s.acc}, {"acc_norm", s.accNorm}}; }

nlohmann::json choiceResultsToJson(const std::vector<ChoiceSetResult>& results) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results)
        out.push_back({{"name", r.name},
                       {"file", r.file},
                       {"questions", r.questions},
                       {"base", choiceScoreJson(r.base)},
                       {"adapted", r.adapted ? choiceScoreJson(*r.adapted) : nlohmann::json(nullptr)}});
    return out;
}

void writeChoiceSamples(const std::string& path, const ChoiceSet& set, const ChoiceSetResult& result) {
    writeFileAtomically(path, [&](std::ostream& out) {
        for (size_t i = 0; i < set.questions.size(); ++i) {
            const nlohmann::json line = {
                {"line", set.questions[i].line},
                {"answer", set.questions[i].answer},
                {"base", result.base.loglikelihoods.at(i)},
                {"adapted", result.adapted ? nlohmann::json(result.adapted->loglikelihoods.at(i)) : nlohmann::json(nullptr)}};
            out << line.dump() << "\n";
        }
    });
}

namespace {
nlohmann::json answerScoreJson(const ExactMatchScore& s) { return {{"strict", s.strict}, {"flexible", s.flexible}}; }
nlohmann::json answerSampleJson(const AnswerSample& s) {
    return {{"response", s.response}, {"strict", s.strict}, {"flexible", s.flexible},
            {"strict_correct", s.strictCorrect}, {"flexible_correct", s.flexibleCorrect}};
}
}  // namespace

nlohmann::json answerResultsToJson(const std::vector<AnswerSetResult>& results) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results)
        out.push_back({{"name", r.name},
                       {"file", r.file},
                       {"questions", r.questions},
                       {"base", answerScoreJson(r.base)},
                       {"adapted", r.adapted ? answerScoreJson(*r.adapted) : nlohmann::json(nullptr)}});
    return out;
}

void writeAnswerSamples(const std::string& path, const AnswerSet& set, const AnswerSetResult& result) {
    writeFileAtomically(path, [&](std::ostream& out) {
        for (size_t i = 0; i < set.questions.size(); ++i) {
            const nlohmann::json line = {
                {"line", set.questions[i].line},
                {"answer", set.questions[i].answer},
                {"base", answerSampleJson(result.base.samples.at(i))},
                {"adapted", result.adapted ? answerSampleJson(result.adapted->samples.at(i)) : nlohmann::json(nullptr)}};
            out << line.dump() << "\n";
        }
    });
}

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
