// Training step time with the LM head and loss fused and chunked over loss-bearing positions
// (core/train/head_loss.h) versus the full [B, T, vocab] logits, side by side in one process
// (the runs alternate, full / fused / full / fused ...), on a random model of Qwen2.5-0.5B's widths
// (hidden 896, GQA 14/2, SwiGLU 4864, vocabulary 151936, tied embeddings) with fewer layers, LoRA r 16
// on all 7 projections of every layer. Two label masks: every position carries loss (pretraining
// text), and the first half of each row masked (a prompt, as train_on_inputs: false masks it).
// Not a test: prints a Markdown table of medians (docs/BENCHMARKS.md).
//
//   bench_head_loss [--layers 2] [--seq 512] [--batch 1] [--steps 2] [--rounds 3] [--threads 0]
#include <torch/torch.h>

#include <cstdio>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "core/lora/apply_plan.h"
#include "core/model/cell_name.h"
#include "core/model/model.h"
#include "core/train/step_benchmark.h"

using namespace aletheia;

namespace {

struct Args {
    int layers = 2, seq = 512, batch = 1, steps = 2, rounds = 3, threads = 0;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const int v = std::stoi(argv[i + 1]);
        if (k == "--layers") a.layers = v;
        else if (k == "--seq") a.seq = v;
        else if (k == "--batch") a.batch = v;
        else if (k == "--steps") a.steps = v;
        else if (k == "--rounds") a.rounds = v;
        else if (k == "--threads") a.threads = v;
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    return a;
}

ModelConfig qwenShape(const Args& a) {
    const nlohmann::json j = {{"model_type", "qwen2"}, {"architectures", {"Qwen2ForCausalLM"}},
                              {"hidden_size", 896}, {"num_hidden_layers", a.layers}, {"num_attention_heads", 14},
                              {"num_key_value_heads", 2}, {"intermediate_size", 4864}, {"vocab_size", 151936},
                              {"tie_word_embeddings", true}, {"rope_theta", 1000000.0}, {"rms_norm_eps", 1e-6},
                              {"max_position_embeddings", 32768}, {"hidden_act", "silu"}, {"torch_dtype", "float32"}};
    return ModelConfig::fromJson(j);
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    if (a.threads > 0) torch::set_num_threads(a.threads);
    const ModelConfig cfg = qwenShape(a);
    Model m = Model::randomInit(cfg, 1);
    AdapterPlan plan;
    for (const Linear* l : m.linears()) plan.cells.push_back({l->layer, cellModule(*l), 16, 32.0});
    std::printf("CPU, %d threads; Qwen2.5-0.5B widths, %d layers, batch %d x seq %d, LoRA r 16 on all projections; "
                "%d rounds x %d timed steps per configuration, alternating (medians)\n\n",
                torch::get_num_threads(), a.layers, a.batch, a.seq, a.rounds, a.steps);
    std::printf("| labels | full logits ms/step (CPU) | fused ms/step (CPU) | speedup (CPU) | speedup (wall) |\n"
                "|---|---:|---:|---:|---:|\n");
    for (const double masked : {0.0, 0.5}) {
        FunctionBatchSource data(1000, [&](int64_t e, int64_t i) {
            auto gen = at::detail::createCPUGenerator(uint64_t(e * 100003 + i));
            auto ids = torch::randint(0, cfg.vocabSize, {a.batch, a.seq}, gen);
            auto labels = ids.clone();
            labels.narrow(1, 0, int64_t(masked * a.seq)).fill_(-100);
            return Batch{ids, labels, torch::ones_like(ids)};
        });
        std::vector<double> cpu[2], wall[2];
        for (int r = 0; r < a.rounds; ++r)
            for (int fused = 0; fused < 2; ++fused) {
                StepBenchOptions o;
                o.train.lr = 1e-4;
                o.train.seed = 7;
                o.train.fused_head_loss = fused == 1;
                o.steps = a.steps;
                o.rounds = 1;
                o.warmup = 1;
                const StepTimes t = timeTrainingSteps(m, {plan}, data, o)[0];
                cpu[fused].insert(cpu[fused].end(), t.cpuSeconds.begin(), t.cpuSeconds.end());
                wall[fused].insert(wall[fused].end(), t.wallSeconds.begin(), t.wallSeconds.end());
            }
        const double c0 = medianOf(cpu[0]), c1 = medianOf(cpu[1]), w0 = medianOf(wall[0]), w1 = medianOf(wall[1]);
        std::printf("| %s | %.0f | %.0f | %.2fx | %.2fx |\n", masked > 0 ? "first half masked" : "all positions",
                    c0 * 1e3, c1 * 1e3, c0 / c1, w0 / w1);
        std::fflush(stdout);
    }
    return 0;
}
