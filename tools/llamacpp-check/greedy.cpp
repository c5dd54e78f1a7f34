// Greedy generation in llama.cpp from token ids (no tokenizer needed, so test fixtures with a
// "none" vocabulary run too): the llama.cpp side of tools/llamacpp-check.sh.
//   greedy <model.gguf> <lora.gguf or -> <n_new> <id> [<id> ...]
// prints the n_new generated ids on one line, then the smallest top-1/top-2 logit margin seen.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "llama.h"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: greedy <model.gguf> <lora.gguf|-> <n_new> <id>...\n");
        return 2;
    }
    llama_backend_init();
    llama_model* model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (!model) return std::fprintf(stderr, "cannot load %s\n", argv[1]), 1;
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 256;
    cp.n_batch = 256;
    cp.n_threads = cp.n_threads_batch = 1;
    llama_context* ctx = llama_init_from_model(model, cp);
    if (!ctx) return std::fprintf(stderr, "cannot create a context\n"), 1;
    if (std::string_view(argv[2]) != "-") {
        llama_adapter_lora* lora = llama_adapter_lora_init(model, argv[2]);
        if (!lora) return std::fprintf(stderr, "cannot load the LoRA %s\n", argv[2]), 1;
        float scale = 1.0f;
        if (llama_set_adapters_lora(ctx, &lora, 1, &scale) != 0) return std::fprintf(stderr, "cannot set the LoRA\n"), 1;
    }
    const int nNew = std::atoi(argv[3]);
    std::vector<llama_token> ids;
    for (int i = 4; i < argc; ++i) ids.push_back(std::atoi(argv[i]));
    const int nVocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    std::vector<llama_token> out;
    float minMargin = 1e30f;
    llama_batch batch = llama_batch_get_one(ids.data(), int32_t(ids.size()));
    for (int step = 0; step < nNew; ++step) {
        if (llama_decode(ctx, batch) != 0) return std::fprintf(stderr, "llama_decode failed\n"), 1;
        const float* logits = llama_get_logits_ith(ctx, -1);
        const int best = int(std::max_element(logits, logits + nVocab) - logits);
        float second = -1e30f;
        for (int v = 0; v < nVocab; ++v)
            if (v != best) second = std::max(second, logits[v]);
        minMargin = std::min(minMargin, logits[best] - second);
        out.push_back(best);
        batch = llama_batch_get_one(&out.back(), 1);
    }
    for (size_t i = 0; i < out.size(); ++i) std::printf("%s%d", i ? " " : "", out[i]);
    std::printf("\nmin top-2 margin %.4g\n", minMargin);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
