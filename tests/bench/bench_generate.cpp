// Decode cost per new token with the KV cache vs recomputing the whole sequence, at several prompt
// lengths, on a demo-sized llama-architecture model (random weights; CPU, fp32). Each round runs
// both modes back to back (interleaved, so drift in machine load hits both); a token's time is
// measured between the streaming callbacks of consecutive tokens, so the prefill is excluded.
// Not a test: prints a Markdown table of medians (docs/BENCHMARKS.md).
//
//   bench_generate [--layers 6] [--hidden 96] [--new 32] [--rounds 5] [--prompts 16,64,256] [--threads 0]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "core/generate/generate.h"
#include "core/model/model.h"

using namespace aletheia;

namespace {

struct Args {
    int layers = 6, hidden = 96, newTokens = 32, rounds = 5, threads = 0;
    std::vector<int> prompts = {16, 64, 256};
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--layers") a.layers = std::stoi(v);
        else if (k == "--hidden") a.hidden = std::stoi(v);
        else if (k == "--new") a.newTokens = std::stoi(v);
        else if (k == "--rounds") a.rounds = std::stoi(v);
        else if (k == "--threads") a.threads = std::stoi(v);
        else if (k == "--prompts") {
            a.prompts.clear();
            std::stringstream ss(v);
            for (std::string p; std::getline(ss, p, ',');) a.prompts.push_back(std::stoi(p));
        } else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    return a;
}

// A llama config at the demo's size (core/demo: 6 layers, hidden 96).
ModelConfig benchConfig(const Args& a) {
    const nlohmann::json j = {{"model_type", "llama"},         {"vocab_size", 512},
                              {"hidden_size", a.hidden},       {"intermediate_size", a.hidden * 8 / 3},
                              {"num_hidden_layers", a.layers}, {"num_attention_heads", a.hidden / 32},
                              {"num_key_value_heads", a.hidden / 32}, {"max_position_embeddings", 2048},
                              {"rms_norm_eps", 1e-6},          {"torch_dtype", "float32"}};
    return ModelConfig::fromJson(j, "bench config");
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// ms per decoded token (after the first new token) of one generation.
double decodeMsPerToken(const Model& m, const std::vector<int32_t>& prompt, int newTokens, bool cache) {
    GenerateOptions o;
    o.maxNewTokens = newTokens;
    o.useCache = cache;
    std::chrono::steady_clock::time_point first, last;
    generate(m, prompt, o, {}, nullptr, [&](const GeneratedToken& t) {
        (t.index == 0 ? first : last) = std::chrono::steady_clock::now();
    });
    return std::chrono::duration<double, std::milli>(last - first).count() / (newTokens - 1);
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    if (a.threads > 0) torch::set_num_threads(a.threads);
    const Model m = Model::randomInit(benchConfig(a), 1234);
    std::printf("llama-architecture, %d layers, hidden %d, vocab 512, fp32 CPU, %d threads; %d new tokens, "
                "median of %d interleaved rounds\n\n",
                a.layers, a.hidden, torch::get_num_threads(), a.newTokens, a.rounds);
    std::printf("| prompt tokens | with KV cache, ms/token | full recompute, ms/token | recompute / cache |\n");
    std::printf("|---:|---:|---:|---:|\n");
    for (int p : a.prompts) {
        std::vector<int32_t> prompt;
        for (int i = 0; i < p; ++i) prompt.push_back(int32_t((i * 131 + 7) % 512));
        decodeMsPerToken(m, prompt, 4, true);  // warm-up
        std::vector<double> cached, recomputed;
        for (int r = 0; r < a.rounds; ++r) {
            cached.push_back(decodeMsPerToken(m, prompt, a.newTokens, true));
            recomputed.push_back(decodeMsPerToken(m, prompt, a.newTokens, false));
        }
        const double c = median(cached), f = median(recomputed);
        std::printf("| %d | %.3f | %.3f | %.1fx |\n", p, c, f, f / c);
        std::fflush(stdout);
    }
    return 0;
}
