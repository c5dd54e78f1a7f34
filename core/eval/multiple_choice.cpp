#include "core/eval/multiple_choice.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/eval/base_then_adapted.h"
#include "core/lora/adapter_set.h"
#include "core/model/model.h"
#include "core/text/jsonl_reader.h"
#include "core/text/tokenizer.h"

namespace aletheia {

namespace {

constexpr int kMaxChoices = 26;  // one letter each

int answerIndex(const nlohmann::json& a, size_t choices, const std::string& file, long line) {
    int i = -1;
    if (a.is_number_integer()) {
        const auto v = a.get<int64_t>();
        if (v >= 0 && v < int64_t(choices)) i = int(v);
    } else if (a.is_string() && a.get_ref<const std::string&>().size() == 1) {
        const int v = a.get_ref<const std::string&>()[0] - 'A';
        if (v >= 0 && v < int(choices)) i = v;
    }
    if (i < 0)
        failIn(file, "must be an index in [0, " + std::to_string(choices) + ") or its letter A.." +
                         std::string(1, char('A' + choices - 1)) + ", got " + a.dump(),
               "answer", line);
    return i;
}

std::string strip(const std::string& s) {  // Python's str.strip() for ASCII whitespace
    const char* ws = " \t\n\r\f\v";
    const auto b = s.find_first_not_of(ws);
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

std::vector<ChoiceQuestion> readChoiceQuestions(const std::string& file) {
    text::LineReader reader(file);
    std::vector<ChoiceQuestion> out;
    std::string line;
    while (reader.next(line)) {
        const long n = reader.lineNumber();
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const nlohmann::json j = parseJson(line, file, n);
        if (!j.is_object()) failIn(file, "expected a JSON object {question, choices, answer}", "", n);
        ChoiceQuestion q;
        q.line = n;
        const auto question = j.find("question");
        if (question == j.end() || !question->is_string()) failIn(file, "missing or not a string", "question", n);
        q.question = question->get<std::string>();
        const auto choices = j.find("choices");
        if (choices == j.end() || !choices->is_array() || choices->size() < 2 || choices->size() > kMaxChoices)
            failIn(file, "must be a list of 2 to 26 strings", "choices", n);
        for (const auto& c : *choices) {
            if (!c.is_string()) failIn(file, "must be a list of 2 to 26 strings", "choices", n);
            q.choices.push_back(c.get<std::string>());
        }
        const auto answer = j.find("answer");
        if (answer == j.end()) failIn(file, "missing", "answer", n);
        q.answer = answerIndex(*answer, q.choices.size(), file, n);
        out.push_back(std::move(q));
    }
    if (out.empty()) failIn(file, "no questions (expected JSONL lines {question, choices, answer})");
    return out;
}

std::string choiceLabel(int i) { return std::string(1, char('A' + i)); }
std::string choiceContinuation(int i) { return " " + choiceLabel(i); }

std::string choicePrompt(const ChoiceQuestion& q) {
    std::string p = strip(q.question);
    for (size_t i = 0; i < q.choices.size(); ++i) p += "\n" + choiceLabel(int(i)) + ". " + q.choices[i];
    return p + "\nAnswer:";
}

EncodedPair encodeChoicePair(const Tokenizer& tok, const std::string& modelType, const std::string& context,
                             const std::string& continuation) {
    const size_t last = context.find_last_not_of(" \t\n\r\f\v");  // Python's rstrip()
    const size_t keep = last == std::string::npos ? 0 : last + 1;
    const std::string ctx = context.substr(0, keep), cont = context.substr(keep) + continuation;
    const bool bos = modelType.rfind("gemma", 0) == 0;
    std::vector<int32_t> whole = tok.encode(ctx + cont, bos), head = tok.encode(ctx, bos);
    if (head.size() >= whole.size()) fail("the continuation '" + cont + "' adds no token after the prompt");
    EncodedPair p;
    p.context.assign(whole.begin(), whole.begin() + long(head.size()));
    p.continuation.assign(whole.begin() + long(head.size()), whole.end());
    return p;
}

ChoiceScore scoreChoiceQuestions(const Model& model, const LinearAdapters* adapters, const Tokenizer& tok,
                                 const std::vector<ChoiceQuestion>& questions, int64_t batchSize) {
    torch::NoGradGuard noGrad;
    struct Request {
        size_t question, choice;
        std::vector<int32_t> ids;  // context + continuation, the last token only predicted
        size_t continuationLen;
    };
    std::vector<Request> requests;
    const int64_t maxLen = model.config().maxPositions;
    for (size_t qi = 0; qi < questions.size(); ++qi) {
        const std::string prompt = choicePrompt(questions[qi]);
        for (size_t c = 0; c < questions[qi].choices.size(); ++c) {
            EncodedPair p = encodeChoicePair(tok, model.config().modelType, prompt, choiceContinuation(int(c)));
            Request r{qi, c, std::move(p.context), p.continuation.size()};
            r.ids.insert(r.ids.end(), p.continuation.begin(), p.continuation.end());
            if (int64_t(r.ids.size()) - 1 > maxLen)
                fail("question on line " + std::to_string(questions[qi].line) + " is " + std::to_string(r.ids.size()) +
                     " tokens, longer than the model's context (" + std::to_string(maxLen) + ")");
            requests.push_back(std::move(r));
        }
    }

    ChoiceScore score;
    score.loglikelihoods.resize(questions.size());
    for (size_t qi = 0; qi < questions.size(); ++qi) score.loglikelihoods[qi].resize(questions[qi].choices.size());
    ForwardHooks hooks;
    hooks.adapters = adapters;

    for (size_t start = 0; start < requests.size(); start += size_t(batchSize)) {
        const size_t end = std::min(requests.size(), start + size_t(batchSize));
        int64_t T = 0;
        for (size_t i = start; i < end; ++i) T = std::max<int64_t>(T, int64_t(requests[i].ids.size()) - 1);
        // Right padding needs no attention mask: a causal query never sees the keys after it.
        auto ids = torch::zeros({int64_t(end - start), T}, torch::kLong);
        auto a = ids.accessor<int64_t, 2>();
        for (size_t i = start; i < end; ++i)
            for (size_t t = 0; t + 1 < requests[i].ids.size(); ++t) a[int64_t(i - start)][int64_t(t)] = requests[i].ids[t];
        const auto logits = model.forward(ids.to(model.device()), {}, {}, hooks).logits;  // [B, T, V]
        for (size_t i = start; i < end; ++i) {
            const Request& r = requests[i];
            // Only the positions that predict the continuation go through log_softmax: a full
            // [B, T, vocab] fp32 copy would be gigabytes at a real vocabulary and prompt length.
            const int64_t first = int64_t(r.ids.size() - r.continuationLen);  // first continuation token
            const auto logp = logits[int64_t(i - start)].narrow(0, first - 1, int64_t(r.continuationLen))
                                  .to(torch::kFloat).log_softmax(-1).cpu();  // [continuation, V]
            double ll = 0.0;
            for (int64_t t = 0; t < int64_t(r.continuationLen); ++t) ll += logp[t][r.ids[size_t(first + t)]].item<double>();
            score.loglikelihoods[r.question][r.choice] = ll;
        }
    }

    // np.argmax: the first of equal maxima.
    auto argmax = [](const std::vector<double>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); };
    for (size_t qi = 0; qi < questions.size(); ++qi) {
        const auto& ll = score.loglikelihoods[qi];
        std::vector<double> norm(ll.size());
        for (size_t c = 0; c < ll.size(); ++c) norm[c] = ll[c] / double(choiceLabel(int(c)).size());
        score.acc += argmax(ll) == questions[qi].answer;
        score.accNorm += argmax(norm) == questions[qi].answer;
    }
    score.acc /= double(questions.size());
    score.accNorm /= double(questions.size());
    return score;
}

std::vector<ChoiceSetResult> evaluateChoiceSets(const Model& model, const Tokenizer& tok,
                                                const std::vector<ChoiceSet>& sets, const AttachAdapter& attach,
                                                int64_t batchSize, const ProgressFn& progress, StopToken* stop) {
    return evaluateBaseThenAdapted<ChoiceSetResult>(
        model, sets, attach,
        [&](const ChoiceSet& s, const LinearAdapters* a) { return scoreChoiceQuestions(model, a, tok, s.questions, batchSize); },
        progress, stop);
}

}  // namespace aletheia
