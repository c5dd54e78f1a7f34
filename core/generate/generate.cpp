#include "core/generate/generate.h"

#include <algorithm>
#include <optional>

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/generate/text_stream.h"
#include "core/model/kv_cache.h"
#include "core/model/model.h"
#include "core/model/rope.h"
#include "core/text/tokenizer.h"

namespace aletheia {

namespace {

// Logits [V] (fp32, CPU) of the token after `seq`. With a cache, only the tokens it lacks run
// (the whole prompt at first, then the newest token); without one, all of `seq`.
std::vector<float> nextLogits(const Model& model, const std::vector<int32_t>& seq, KvCache* cache,
                              const ForwardHooks& hooks) {
    int64_t from = cache ? cache->length() : 0;
    if (cache && ropeRescalesAll(model.config(), from, int64_t(seq.size()))) {
        cache->clear();  // its keys were rotated with RoPE tables the new length replaces
        from = 0;
    }
    const std::vector<int64_t> ids(seq.begin() + from, seq.end());
    const auto input = torch::tensor(ids, torch::kLong).view({1, -1}).to(model.device());
    const auto logits = model.forwardCached(input, cache, hooks, 1).reshape({-1}).to(torch::kCPU, torch::kFloat).contiguous();
    return std::vector<float>(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
}

}  // namespace

void checkGenerateOptions(const GenerateOptions& o) {
    checkSamplingOptions(o);
    if (o.maxNewTokens < 1) fail("max_new_tokens must be >= 1, got " + std::to_string(o.maxNewTokens));
    for (const auto& s : o.stopStrings)
        if (s.empty()) fail("a stop string must not be empty");
}

std::string stopReasonName(StopReason r) {
    switch (r) {
    case StopReason::MaxTokens: return "max_new_tokens";
    case StopReason::Eos: return "eos";
    case StopReason::StopString: return "stop_string";
    case StopReason::Stopped: return "stopped";
    }
    return "?";
}

GenerateResult generate(const Model& model, const std::vector<int32_t>& prompt, const GenerateOptions& options,
                        const ForwardHooks& hooks, const Tokenizer* tokenizer, const TokenFn& onToken,
                        const StopToken* stop) {
    checkGenerateOptions(options);
    if (prompt.empty()) fail("the prompt has no tokens (generation needs at least one)");
    const int64_t vocab = model.config().vocabSize;
    for (int32_t id : prompt)
        if (id < 0 || id >= vocab)
            fail("prompt token id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(vocab) + ")");
    if (!options.stopStrings.empty() && !tokenizer) fail("stop strings need a tokenizer to decode the text");

    c10::InferenceMode inference;  // no autograd graph, no version counters
    Sampler sampler(options);
    std::optional<TextStream> text;
    if (tokenizer) text.emplace(*tokenizer, prompt, options.stopStrings);
    KvCache cache(model.numLayers());
    KvCache* kv = options.useCache ? &cache : nullptr;

    GenerateResult r;
    if (stop && stop->stopRequested()) {
        r.reason = StopReason::Stopped;
        return r;
    }
    std::vector<int32_t> seq = prompt;
    std::vector<float> logits = nextLogits(model, seq, kv, hooks);  // prefill
    for (int64_t i = 0; i < options.maxNewTokens; ++i) {
        const int32_t id = sampler.next(std::move(logits), seq);
        seq.push_back(id);
        r.tokens.push_back(id);
        GeneratedToken t{i, id, text ? text->push(id) : std::string()};
        bool ended = true;
        if (std::find(options.eosIds.begin(), options.eosIds.end(), int64_t(id)) != options.eosIds.end()) r.reason = StopReason::Eos;
        else if (text && text->stopStringSeen()) r.reason = StopReason::StopString;
        else if (i + 1 == options.maxNewTokens) r.reason = StopReason::MaxTokens;
        else if (stop && stop->stopRequested()) r.reason = StopReason::Stopped;
        else ended = false;
        if (ended && text) t.text += text->finish();
        if (onToken) onToken(t);
        if (ended) break;
        logits = nextLogits(model, seq, kv, hooks);
    }
    if (text) r.text = text->text();
    return r;
}

}  // namespace aletheia
