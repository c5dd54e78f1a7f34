// Per-step time and peak memory of selective LoRA (all projections of the top 50% of layers)
// versus uniform LoRA (all projections of every layer), same model, data and seed, measured side
// by side in one process on CPU (core/train/step_benchmark.h: the runs alternate), for three
// family shapes (dense llama-like, gpt-neox-like, MoE).
// Not a test: prints a Markdown table of medians (docs/BENCHMARKS.md).
//
//   bench_lora_speed [--layers 12] [--hidden 128] [--seq 64] [--batch 4] [--steps 6] [--rounds 3]
//                    [--rank 16] [--threads 0] [--families llama,gpt_neox,mixtral]
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "core/io/json_file.h"
#include "core/lora/apply_plan.h"
#include "core/model/model.h"
#include "core/train/step_benchmark.h"

using namespace aletheia;

namespace {

struct Args {
    int layers = 12, hidden = 128, seq = 64, batch = 4, steps = 6, rounds = 3, rank = 16, threads = 0;
    std::vector<std::string> families = {"llama", "gpt_neox", "mixtral"};
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--layers") a.layers = std::stoi(v);
        else if (k == "--hidden") a.hidden = std::stoi(v);
        else if (k == "--seq") a.seq = std::stoi(v);
        else if (k == "--batch") a.batch = std::stoi(v);
        else if (k == "--steps") a.steps = std::stoi(v);
        else if (k == "--rounds") a.rounds = std::stoi(v);
        else if (k == "--rank") a.rank = std::stoi(v);
        else if (k == "--threads") a.threads = std::stoi(v);
        else if (k == "--families") {
            a.families.clear();
            std::stringstream ss(v);
            for (std::string f; std::getline(ss, f, ',');) a.families.push_back(f);
        } else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    return a;
}

// The fixture's config scaled up: same family options, benchmark dimensions.
ModelConfig benchConfig(const std::string& family, const Args& a) {
    auto j = readJsonFile(std::string(ALETHEIA_SOURCE_DIR) + "/tests/fixtures/models/" + family + "/config.json");
    j["num_hidden_layers"] = a.layers;
    j["hidden_size"] = a.hidden;
    j["num_attention_heads"] = a.hidden / 32;
    j["num_key_value_heads"] = family == "gpt_neox" ? a.hidden / 32 : a.hidden / 64;
    j["intermediate_size"] = family == "gpt_neox" ? 4 * a.hidden : a.hidden * 8 / 3;
    j["vocab_size"] = 2048;
    j["max_position_embeddings"] = std::max(2048, a.seq);
    j.erase("head_dim");
    return ModelConfig::fromJson(j);
}

// LoRA of rank `rank` on every projection of the layers from `fromLayer` up.
AdapterPlan loraFrom(const Model& m, int fromLayer, int rank) {
    AdapterPlan plan;
    for (const Linear* l : m.linears())
        if (l->layer >= fromLayer) plan.cells.push_back({l->layer, cellModule(*l), rank, 2.0 * rank});
    return plan;
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    if (a.threads > 0) torch::set_num_threads(a.threads);
    std::printf("CPU, %d threads; %d layers, hidden %d, batch %d x seq %d, rank %d, %d rounds x %d steps "
                "(medians; runs alternate uniform/selective)\n\n",
                torch::get_num_threads(), a.layers, a.hidden, a.batch, a.seq, a.rank, a.rounds, a.steps);
    std::printf("| model | uniform CPU ms/step | top-50%% CPU ms/step | speedup (CPU) | speedup (wall) "
                "| uniform peak MiB | top-50%% peak MiB | trainable uniform / top-50%% |\n"
                "|---|---|---|---|---|---|---|---|\n");
    std::vector<double> speedups;
    for (const auto& fam : a.families) {
        const ModelConfig cfg = benchConfig(fam, a);
        Model m = Model::randomInit(cfg, 1);
        FunctionBatchSource data(1000, [&](int64_t e, int64_t i) {
            auto gen = at::detail::createCPUGenerator(uint64_t(e * 100003 + i));
            auto ids = torch::randint(0, cfg.vocabSize, {a.batch, a.seq}, gen);
            return Batch{ids, ids.clone(), torch::ones_like(ids)};
        });
        StepBenchOptions o;
        o.train.lr = 1e-4;
        o.train.seed = 7;
        o.steps = int64_t(a.steps) * a.rounds;
        o.rounds = a.rounds;
        o.warmup = 1;  // the first step of a run warms caches and allocators
        const auto t = timeTrainingSteps(m, {loraFrom(m, 0, a.rank), loraFrom(m, a.layers / 2, a.rank)}, data, o);
        const StepTimes& uni = t[0];
        const StepTimes& sel = t[1];
        const double tu = medianOf(uni.cpuSeconds) * 1e3, ts = medianOf(sel.cpuSeconds) * 1e3;
        const double sp = 100.0 * (tu - ts) / tu;
        const double wu = medianOf(uni.wallSeconds), ws = medianOf(sel.wallSeconds);
        speedups.push_back(sp);
        std::printf("| %s-like%s | %.1f | %.1f | %.1f%% | %.1f%% | %.0f | %.0f | %lld / %lld |\n", fam.c_str(),
                    cfg.numExperts ? " (MoE)" : "", tu, ts, sp, 100.0 * (wu - ws) / wu, double(uni.peakMemoryBytes) / 1048576.0,
                    double(sel.peakMemoryBytes) / 1048576.0, static_cast<long long>(uni.trainableParams),
                    static_cast<long long>(sel.trainableParams));
        std::fflush(stdout);
    }
    double mean = 0;
    for (double s : speedups) mean += s / double(speedups.size());
    std::printf("\nmean speedup (CPU time) of top-50%% over uniform: %.1f%% (paper: 23.1%%, range 15-28%%)\n", mean);
    return 0;
}
