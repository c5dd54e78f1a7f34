// Benchmark of the gradient probe and the cost model (not a CTest test: timings need a quiet machine).
//
//   bench_probe [--layers 24] [--hidden 128] [--seq 64] [--batch 2] [--batches 4] [--repeats 3] [--threads 1]
//
// 1. Probe cost, side by side on the same batches (medians of --repeats interleaved runs):
//    our one-pass probe; the reference's chunked scheme (full weight gradients, 8 layers per
//    pass) run by our engine; and the same number of full fine-tuning steps (forward, backward,
//    AdamW update of every parameter).
// 2. Cost model: calibrated on this device from two timed steps, then predicted vs measured
//    speedup over uniform LoRA for four plans. A step is a real LoRA step (core/lora adapters,
//    forward + backward + core/train AdamW update of the adapters).
// Prints Markdown for docs/BENCHMARKS.md.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/model/model.h"
#include "core/plan/cost_calibration.h"
#include "core/plan/make_plan.h"
#include "core/plan/plan_table.h"
#include "core/probe/probe.h"

// Real LoRA steps when core/lora is in the tree; the LoRA-free proxy step otherwise.
#if __has_include("core/lora/apply_plan.h")
#include "core/lora/apply_plan.h"
#include "core/train/adamw.h"
#define BENCH_HAVE_LORA 1
#else
#define BENCH_HAVE_LORA 0
#endif

using namespace aletheia;

namespace {

int argInt(int argc, char** argv, const char* name, int def) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
    return def;
}

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
}

double seconds(const std::function<void()>& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Full fine-tuning steps: forward + backward with every parameter's gradient, then (when
// core/train is available) an AdamW update of every parameter on copies, so the benchmark model
// itself stays unchanged between runs.
void fullFineTuneSteps(const Model& model, const std::vector<Batch>& batches) {
    auto params = model.parameters();
#if BENCH_HAVE_LORA
    std::vector<torch::Tensor> saved;
    for (auto& p : params) saved.push_back(p.detach().clone());
    std::vector<AdamW::Param> named;
    for (size_t i = 0; i < params.size(); ++i) named.push_back({"p" + std::to_string(i), params[i], true});
#endif
    for (auto& p : params) p.requires_grad_(true);
    {
#if BENCH_HAVE_LORA
        AdamW opt(named, AdamWOptions{});
#endif
        for (const auto& b : batches) {
            model.forward(b.input_ids, b.attention_mask, b.input_ids).loss.backward();
#if BENCH_HAVE_LORA
            opt.step(1e-5);
#endif
            for (auto& p : params) p.mutable_grad().reset();
        }
    }
    for (auto& p : params) p.requires_grad_(false);
#if BENCH_HAVE_LORA
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    const int layers = argInt(argc, argv, "--layers", 24);
    const int hidden = argInt(argc, argv, "--hidden", 128);
    const int seq = argInt(argc, argv, "--seq", 64);
    const int batchSize = argInt(argc, argv, "--batch", 2);
    const int numBatches = argInt(argc, argv, "--batches", 4);
    const int repeats = argInt(argc, argv, "--repeats", 3);
    // One thread by default: on a shared machine, timings of a multi-threaded run mostly
    // measure the neighbours.
    torch::set_num_threads(std::max(1, argInt(argc, argv, "--threads", 1)));
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured

    const nlohmann::json cfgJson = {{"model_type", "llama"},        {"vocab_size", 2048},
                                    {"hidden_size", hidden},        {"intermediate_size", hidden * 8 / 3},
                                    {"num_hidden_layers", layers},  {"num_attention_heads", hidden / 32},
                                    {"num_key_value_heads", hidden / 64 > 0 ? hidden / 64 : 1},
                                    {"max_position_embeddings", std::max(seq, 256)}, {"rms_norm_eps", 1e-5},
                                    {"torch_dtype", "float32"}};
    const auto cfg = ModelConfig::fromJson(cfgJson);
    auto model = Model::randomInit(cfg, 1234);
    torch::manual_seed(0);
    std::vector<Batch> batches;
    for (int i = 0; i < numBatches; ++i)
        batches.push_back({torch::randint(0, cfg.vocabSize, {batchSize, seq}, torch::kLong), {}, {}});

    std::printf("## Gradient probe (bench_probe)\n\n");
    std::printf("Model: random llama, %d layers, hidden %d, intermediate %lld, vocab %lld; %d batches of %d x %d tokens; "
                "torch threads %d; medians of %d interleaved runs.\n\n",
                layers, hidden, (long long)cfg.intermediateSize, (long long)cfg.vocabSize, numBatches, batchSize, seq,
                torch::get_num_threads(), repeats);

    std::vector<double> tOne, tRef, tFull;
    ProbeStats one, ref;
    for (int r = 0; r < repeats + 1; ++r) {  // run 0 is a warm-up
        const double a = seconds([&] { one = probeStats(model, batches); });
        const double b = seconds([&] { ref = referenceProbeStats(model, batches, 8); });
        const double c = seconds([&] { fullFineTuneSteps(model, batches); });
        std::fprintf(stderr, "run %d: one-pass %.3f s, chunked %.3f s, full FT %.3f s\n", r, a, b, c);
        if (r == 0) continue;
        tOne.push_back(a);
        tRef.push_back(b);
        tFull.push_back(c);
    }
    double maxRel = 0;
    for (size_t i = 0; i < one.parts.size(); ++i)
        for (size_t b = 0; b < one.parts[i].gradSq.size(); ++b) {
            const double x = std::sqrt(one.parts[i].gradSq[b]), y = std::sqrt(ref.parts[i].gradSq[b]);
            maxRel = std::max(maxRel, std::abs(x - y) / std::max(y, 1e-30));
        }
    const double mOne = median(tOne), mRef = median(tRef), mFull = median(tFull);
    std::printf("| method | passes | seconds (median) | vs one-pass |\n|---|---|---|---|\n");
    std::printf("| one-pass probe (ours) | %d fwd+bwd | %.3f | 1.00x |\n", numBatches, mOne);
    std::printf("| reference chunked scheme, 8 layers/chunk | %d fwd+bwd | %.3f | %.2fx |\n",
                numBatches * ((layers + 7) / 8), mRef, mRef / mOne);
    std::printf("| full fine-tuning steps (%s) | %d fwd+bwd | %.3f | %.2fx |\n\n",
                BENCH_HAVE_LORA ? "fwd + bwd + AdamW" : "fwd + bwd, no optimizer", numBatches, mFull,
                mFull / mOne);
    std::printf("Largest relative difference between one-pass and chunked norms: %.2e.\n", maxRel);
    std::printf("Done-when checks: reference/one-pass = %.2fx (need >= 2): %s; one-pass/full-FT = %.2f (need <= 1): %s.\n\n",
                mRef / mOne, mRef / mOne >= 2 ? "PASS" : "FAIL", mOne / mFull, mOne <= mFull ? "PASS" : "FAIL");

    // --- Cost model -------------------------------------------------------------------------
    const auto scores = scoreStats(one, ScoringRule::GradNorm);
    StepShape shape{batchSize, seq, cfg.hiddenSize, cfg.vocabSize, cfg.numHeads * cfg.headDim};
    CostModel cost(scores.table, shape);
    const Batch& step = batches[0];
#if BENCH_HAVE_LORA
    const char* stepKind = "real LoRA step: core/lora adapters on the plan's cells, forward + backward + "
                           "core/train AdamW update of the adapters";
    const StepTimer timer = [&](const AdapterPlan& p) {
        const AdapterSet adapters = applyPlan(model, p, 0);
        ForwardHooks hooks;
        hooks.adapters = &adapters;
        hooks.dropout = true;  // a training step
        std::vector<AdamW::Param> named;
        for (const auto& tp : adapterParameters(adapters)) named.push_back({tp.name, tp.tensor, true});
        AdamW opt(named, AdamWOptions{});
        const double t = medianSeconds(
            [&] {
                model.forward(step.input_ids, {}, step.input_ids, hooks).loss.backward();
                opt.step(1e-4);
                opt.zeroGrad();
            },
            repeats);
        return t;
    };
#else
    const char* stepKind = "LoRA-free proxy: forward of all blocks + backward from the head down to the lowest "
                           "adapted layer (core/plan/cost_calibration.h)";
    const StepTimer timer = [&](const AdapterPlan& p) { return timeProxyStep(model, p, step, repeats); };
#endif
    cost.setCoefficients(calibrateCost(cost, timer));
    const double uniformMeasured = timer(cost.uniformPlan());

    struct Named { std::string name; AdapterPlan plan; };
    std::vector<Named> plans;
    PlanOptions top50;
    top50.selection.topPct = 50;
    plans.push_back({"top_pct 50 (reference rule)", makePlan(scores, top50)});
    PlanOptions top25 = top50;
    top25.selection.topPct = 25;
    plans.push_back({"top_pct 25", makePlan(scores, top25)});
    PlanOptions aware;
    aware.selection.policy = SelectionPolicy::CostAware;
    aware.selection.stepBudget = 0.6;
    plans.push_back({"cost_aware, budget 0.6", makePlan(scores, aware, &cost)});
    PlanOptions upper;
    upper.selection.policy = SelectionPolicy::Manual;
    upper.selection.include = {std::to_string(layers / 3) + "-" + std::to_string(layers - 1) + ":mlp"};
    plans.push_back({"manual: MLP of the upper 2/3", makePlan(scores, upper)});

    std::printf("## Cost model (bench_probe)\n\n");
    std::printf("Step = %s. Calibrated on two plans (uniform, top layer only): %.3g s/GFLOP forward, %.3g s/GFLOP "
                "backward. Uniform LoRA step measured %.4f s, predicted %.4f s.\n\n",
                stepKind, cost.coefficients().forwardSecPerFlop * 1e9, cost.coefficients().backwardSecPerFlop * 1e9,
                uniformMeasured, cost.estimate(cost.uniformPlan()).uniformSeconds);
    std::printf("| plan | backward depth | trainable params | predicted speedup | measured speedup | error |\n"
                "|---|---|---|---|---|---|\n");
    int within = 0;
    for (const auto& n : plans) {
        const auto e = cost.estimate(n.plan);
        const double measured = uniformMeasured / timer(n.plan);
        const double err = std::abs(e.speedup - measured) / measured;
        within += err <= 0.15;
        std::printf("| %s | %d | %lld | %.2fx | %.2fx | %.1f%% |\n", n.name.c_str(), e.backwardDepth,
                    (long long)e.trainableParams, e.speedup, measured, 100 * err);
    }
    std::printf("\nPlans predicted within 15%%: %d of %zu (need >= 3): %s\n", within, plans.size(),
                within >= 3 ? "PASS" : "FAIL");
    return 0;
}
