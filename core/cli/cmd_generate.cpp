#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>

#include <torch/torch.h>

#include "core/cli/commands.h"
#include "core/cli/interrupt.h"
#include "core/session/run_adapter.h"
#include "core/cli/usage_error.h"
#include "core/common/error.h"
#include "core/generate/eos_ids.h"
#include "core/generate/generate.h"
#include "core/generate/prompt.h"
#include "core/model/model.h"
#include "core/session/engine_options.h"
#include "core/text/tokenizer.h"

namespace aletheia::cli {

namespace {

namespace fs = std::filesystem;

double numberOption(const ParsedArgs& a, const std::string& name, double fallback) {
    const std::string v = a.value(name);
    if (v.empty()) return fallback;
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0') throw UsageError("generate", "--" + name + " needs a number, got '" + v + "'");
    return x;
}

int64_t integerOption(const ParsedArgs& a, const std::string& name, int64_t fallback) {
    const std::string v = a.value(name);
    if (v.empty()) return fallback;
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || errno == ERANGE)
        throw UsageError("generate", "--" + name + " needs an integer, got '" + v + "'");
    return n;
}

// --ids: "1 5 9" or "1,5,9".
std::vector<int32_t> idList(const std::string& text) {
    std::string s = text;
    for (char& c : s)
        if (c == ',') c = ' ';
    std::istringstream in(s);
    std::vector<int32_t> ids;
    std::string word;
    while (in >> word) {
        char* end = nullptr;
        const long long id = std::strtoll(word.c_str(), &end, 10);
        if (end == word.c_str() || *end != '\0' || id < 0 || id > std::numeric_limits<int32_t>::max())
            throw UsageError("generate", "--prompt with --ids takes token ids separated by spaces or commas, got '" + word + "'");
        ids.push_back(int32_t(id));
    }
    return ids;
}

bool hasTokenizer(const std::string& dir) {
    return fs::exists(fs::path(dir) / "tokenizer.json") || fs::exists(fs::path(dir) / "tokenizer.json.gz");
}

}  // namespace

CommandSpec generateCommand() {
    CommandSpec c;
    c.name = "generate";
    c.summary = "continue a prompt with the model (greedy or sampled), streaming to stdout";
    c.usage = "aletheia generate <model-dir> --prompt TEXT [--adapter DIR] [--chat] [--max-new-tokens N] "
              "[--instruction] [--temperature T] [--top-k K] [--top-p P] [--repetition-penalty R] [--seed S] [--stop STR]... [--ids]";
    c.description =
        "Prints the completion as it is generated (one prefill of the prompt, then one position per token with\n"
        "a KV cache). Greedy by default; --temperature > 0 samples, after --top-k and --top-p, from a generator\n"
        "seeded with --seed (same seed, same text). --repetition-penalty is transformers' (seen tokens' logits\n"
        "divided by R when positive, multiplied when negative). Generation ends after --max-new-tokens, at an EOS\n"
        "id (generation_config.json, else config.json, else the tokenizer; with --chat also the template's\n"
        "end-of-turn token) or once the text contains a --stop string (not printed). With --adapter the model\n"
        "carries that PEFT LoRA adapter, unmerged. --chat wraps the prompt as one user message in the model's\n"
        "chat template; --instruction as an instruction row of training data renders it (the chat template if the\n"
        "tokenizer has one, else the Alpaca prompt). --ids: the prompt is token ids (\"1 5 9\") and the new ids are printed instead of text;\n"
        "no tokenizer needed. A summary (tokens, why it ended, tokens/s) goes to stderr.";
    c.options = {{"prompt", "TEXT", "the prompt (token ids with --ids)"},
                 {"adapter", "DIR", "a PEFT LoRA adapter directory to apply"},
                 {"chat", "", "wrap the prompt in the model's chat template (one user turn)"},
                 {"instruction", "", "format the prompt as instruction-shaped training data (data.format: instruction)"},
                 {"max-new-tokens", "N", "tokens to generate at most (default 64)"},
                 {"temperature", "T", "0 = greedy (default); > 0 samples"},
                 {"top-k", "K", "sample from the K most likely tokens (0 = all, default)"},
                 {"top-p", "P", "sample from the most likely tokens up to probability P, in (0, 1] (default 1)"},
                 {"repetition-penalty", "R", "> 0, 1 = off (default)"},
                 {"seed", "S", "seed of the sampling draws (default 0)"},
                 {"stop", "STR", "end when the text contains STR", true},
                 {"ids", "", "prompt and output as token ids"},
                 {"dtype", "DTYPE", "fp32 (default), bf16 or fp16"},
                 {"device", "DEVICE", "cpu (default), cuda or cuda:N"}};
    c.minPositionals = c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        if (!a.has("prompt")) throw UsageError("generate", "--prompt TEXT is required");
        const bool ids = a.has("ids"), chat = a.has("chat"), instruction = a.has("instruction");
        if (ids && (chat || instruction))
            throw UsageError("generate", std::string(chat ? "--chat" : "--instruction") + " needs a text prompt, not --ids");
        if (chat && instruction) throw UsageError("generate", "--chat and --instruction are two prompt formats: give one");
        const PromptFormat format = chat ? PromptFormat::ChatTemplate
                                         : instruction ? PromptFormat::Instruction : PromptFormat::Plain;
        GenerateOptions o;
        o.maxNewTokens = integerOption(a, "max-new-tokens", o.maxNewTokens);
        o.temperature = numberOption(a, "temperature", o.temperature);
        o.topK = integerOption(a, "top-k", o.topK);
        o.topP = numberOption(a, "top-p", o.topP);
        o.repetitionPenalty = numberOption(a, "repetition-penalty", o.repetitionPenalty);
        const int64_t seed = integerOption(a, "seed", 0);
        if (seed < 0) throw UsageError("generate", "--seed needs an integer >= 0, got '" + a.value("seed") + "'");
        o.seed = uint64_t(seed);
        o.stopStrings = a.all("stop");
        checkGenerateOptions(o);  // before the model loads: a typo costs nothing

        const std::string dir = a.positionals[0];
        std::optional<RunAdapter> adapter;
        if (a.has("adapter")) adapter = peftAdapter(a.value("adapter"));  // fails now on a wrong folder
        std::optional<Tokenizer> tok;
        if (!ids || hasTokenizer(dir)) tok = Tokenizer::fromDirectory(dir);  // names the missing file
        if (!tok && !o.stopStrings.empty()) failIn(dir, "--stop needs the model's tokenizer.json to decode the text");

        LoadOptions options;
        options.dtype = parseDtype(a.value("dtype", "fp32"));
        options.device = parseDevice(a.value("device", "cpu"));
        options.stop = &interruptToken();
        const Model model = Model::load(dir, options);
        AdapterSet adapters;
        if (adapter) adapters = adapter->attach(model);
        ForwardHooks hooks;
        hooks.adapters = &adapters;  // no dropout: this is inference

        const std::vector<int32_t> prompt = ids ? idList(a.value("prompt")) : promptIds(*tok, a.value("prompt"), format);
        o.eosIds = eosTokenIds(dir, model.config(), tok ? &*tok : nullptr);
        if (!ids && usesChatTemplate(*tok, format))
            if (const auto end = chatTurnEndId(*tok)) o.eosIds.push_back(*end);

        const auto start = std::chrono::steady_clock::now();
        const GenerateResult r = generate(model, prompt, o, hooks, tok ? &*tok : nullptr,
                                          [&](const GeneratedToken& t) {
                                              if (ids) std::cout << (t.index ? " " : "") << t.id;
                                              else std::cout << t.text;
                                              std::cout.flush();
                                          },
                                          &interruptToken());
        std::cout << std::endl;  // flushed before the summary on stderr
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "%zu prompt tokens, %zu new tokens (%s), %.1f tokens/s\n", prompt.size(), r.tokens.size(),
                     stopReasonName(r.reason).c_str(), seconds > 0 ? double(r.tokens.size()) / seconds : 0.0);
        return r.reason == StopReason::Stopped ? 2 : 0;  // as probe: stopped by Ctrl-C
    };
    return c;
}

}  // namespace aletheia::cli
