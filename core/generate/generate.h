#pragma once
// Text generation: one prefill of the prompt, then one position per new token with the KV cache
// (core/model/kv_cache.h), for every family through the one decoder. Greedy or sampled
// (sampling.h), ended by max_new_tokens, an EOS id, a stop string or a stop request. Base model
// or base + a run's adapters (ForwardHooks, never merged). Synchronous, under inference mode;
// the Studio streams from a worker through `onToken`.
//
//   GenerateOptions o;  o.maxNewTokens = 32;  o.eosIds = eosTokenIds(dir, model.config(), &tok);
//   GenerateResult r = generate(model, promptIds(tok, "Hello", false), o, hooks, &tok,
//                               [](const GeneratedToken& t) { std::cout << t.text << std::flush; });
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/generate/sampling.h"
#include "core/model/forward_context.h"

namespace aletheia {

class Model;
class Tokenizer;

struct GenerateOptions : SamplingOptions {
    int64_t maxNewTokens = 64;
    std::vector<int64_t> eosIds;           // any of them ends generation (and is the last token)
    std::vector<std::string> stopStrings;  // matched on the decoded completion; needs a tokenizer
    bool useCache = true;                  // false: recompute the whole sequence for every token
};

// Throws aletheia::Error naming the option when one is out of range.
void checkGenerateOptions(const GenerateOptions& o);

struct GeneratedToken {
    int64_t index = 0;  // 0 for the first new token
    int32_t id = 0;
    std::string text;   // the completion's text that became final with this token (may be empty)
};
using TokenFn = std::function<void(const GeneratedToken&)>;

enum class StopReason { MaxTokens, Eos, StopString, Stopped };
std::string stopReasonName(StopReason r);  // "max_new_tokens", "eos", "stop_string", "stopped"

struct GenerateResult {
    std::vector<int32_t> tokens;  // the new tokens; an EOS or stop-string token included
    std::string text;             // their text, special tokens skipped, cut before a stop string ("" without tokenizer)
    StopReason reason = StopReason::MaxTokens;
};

// `prompt`: token ids (at least one, inside the vocabulary). `tokenizer` (optional) decodes the
// text and is needed for stop strings. `stop`: a stop request ends after the current token.
// The model and the adapters are only read. Throws aletheia::Error on bad options or prompt.
GenerateResult generate(const Model& model, const std::vector<int32_t>& prompt, const GenerateOptions& options,
                        const ForwardHooks& hooks = {}, const Tokenizer* tokenizer = nullptr,
                        const TokenFn& onToken = {}, const StopToken* stop = nullptr);

}  // namespace aletheia
