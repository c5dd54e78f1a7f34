#include "core/eval/exact_match.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/eval/base_then_adapted.h"
#include "core/generate/eos_ids.h"
#include "core/generate/generate.h"
#include "core/model/model.h"
#include "core/text/jsonl_reader.h"
#include "core/text/regex.h"
#include "core/text/tokenizer.h"

namespace aletheia {

namespace {

const char* kInvalid = "[invalid]";  // the harness's RegexFilter fallback

// Python's re.sub(pattern, "", s): every non-overlapping match removed.
std::string removeMatches(const text::Regex& re, const std::string& s) {
    std::string out;
    size_t at = 0;
    for (const auto& [b, e] : re.findAll(s)) {
        out.append(s, at, b - at);
        at = e;
    }
    return out.append(s, at, std::string::npos);
}

const std::string& stringField(const nlohmann::json& j, const char* key, const std::string& file, long line) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) failIn(file, "missing or not a string", key, line);
    return it->get_ref<const std::string&>();
}

}  // namespace

std::vector<AnswerQuestion> readAnswerQuestions(const std::string& file) {
    text::LineReader reader(file);
    std::vector<AnswerQuestion> out;
    std::string line;
    while (reader.next(line)) {
        const long n = reader.lineNumber();
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const nlohmann::json j = parseJson(line, file, n);
        if (!j.is_object()) failIn(file, "expected a JSON object {question, answer}", "", n);
        AnswerQuestion q{stringField(j, "question", file, n), stringField(j, "answer", file, n), n};
        if (normalizedForMatch(q.answer).empty())
            failIn(file, "has no final answer (GSM8K style: \"... #### 42\")", "answer", n);
        out.push_back(std::move(q));
    }
    if (out.empty()) failIn(file, "no questions (expected JSONL lines {question, answer})");
    return out;
}

std::string answerPrompt(const AnswerQuestion& q) { return "Question: " + q.question + "\nAnswer:"; }

const std::vector<std::string>& answerStopStrings() {
    static const std::vector<std::string> until{"Question:", "</s>", "<|im_end|>"};
    return until;
}

std::string strictAnswer(const std::string& response) {
    static const text::Regex re(R"(#### (\-?[0-9\.\,]+))");
    const auto m = re.findAll(response);
    if (m.empty()) return kInvalid;
    const size_t group = m.front().first + 5;  // after "#### "
    return response.substr(group, m.front().second - group);
}

std::string flexibleAnswer(const std::string& response) {
    // Either alternative is the whole match, so the match is the non-empty group.
    static const text::Regex re("(-?[$0-9.,]{2,})|(-?[0-9]+)");
    const auto m = re.findAll(response);
    if (m.empty()) return kInvalid;
    return response.substr(m.back().first, m.back().second - m.back().first);
}

std::string normalizedForMatch(const std::string& s) {
    static const text::Regex comma(","), dollar(R"(\$)"), upToAnswer("(?s).*#### "), finalDot(R"(\.$)");
    std::string out = s;
    for (const text::Regex* re : {&comma, &dollar, &upToAnswer, &finalDot}) out = removeMatches(*re, out);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

ExactMatchScore scoreAnswerQuestions(const Model& model, const LinearAdapters* adapters, const Tokenizer& tok,
                                     const std::vector<AnswerQuestion>& questions, const ExactMatchOptions& options,
                                     const StopToken* stop) {
    GenerateOptions g;  // greedy: the harness's do_sample false, temperature 0
    g.maxNewTokens = options.maxNewTokens;
    g.eosIds = eosTokenIds(options.modelDir, model.config(), &tok);
    if (const auto eos = tok.eosId()) g.eosIds.push_back(*eos);  // the harness adds it to `until`
    for (const std::string& s : answerStopStrings()) {
        // A special token never shows in the decoded text (specials are skipped), so it stops by id.
        const auto id = tok.tokenToId(s);
        if (id && tok.isSpecial(*id)) g.eosIds.push_back(*id);
        else g.stopStrings.push_back(s);
    }
    checkGenerateOptions(g);
    ForwardHooks hooks;
    hooks.adapters = adapters;
    const bool bos = model.config().modelType.rfind("gemma", 0) == 0;  // HFLM's add_bos_token
    ExactMatchScore score;
    for (const AnswerQuestion& q : questions) {
        if (stop && stop->stopRequested()) break;
        const std::vector<int32_t> prompt = tok.encode(answerPrompt(q), bos);
        if (int64_t(prompt.size()) + g.maxNewTokens > model.config().maxPositions)
            fail("question on line " + std::to_string(q.line) + ": " + std::to_string(prompt.size()) +
                 " prompt tokens + " + std::to_string(g.maxNewTokens) + " new ones exceed the model's " +
                 std::to_string(model.config().maxPositions) + " positions");
        AnswerSample s;
        s.response = generate(model, prompt, g, hooks, &tok).text;
        s.strict = strictAnswer(s.response);
        s.flexible = flexibleAnswer(s.response);
        const std::string gold = normalizedForMatch(q.answer);
        s.strictCorrect = normalizedForMatch(s.strict) == gold;
        s.flexibleCorrect = normalizedForMatch(s.flexible) == gold;
        score.strict += s.strictCorrect;
        score.flexible += s.flexibleCorrect;
        score.samples.push_back(std::move(s));
    }
    if (!score.samples.empty()) {
        score.strict /= double(score.samples.size());
        score.flexible /= double(score.samples.size());
    }
    return score;
}

std::vector<AnswerSetResult> evaluateAnswerSets(const Model& model, const Tokenizer& tok,
                                                const std::vector<AnswerSet>& sets, const AttachAdapter& attach,
                                                const ExactMatchOptions& options, const ProgressFn& progress,
                                                StopToken* stop) {
    return evaluateBaseThenAdapted<AnswerSetResult>(
        model, sets, attach,
        [&](const AnswerSet& s, const LinearAdapters* a) {
            return scoreAnswerQuestions(model, a, tok, s.questions, options, stop);
        },
        progress, stop);
}

}  // namespace aletheia
