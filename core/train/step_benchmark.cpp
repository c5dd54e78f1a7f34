#include "core/train/step_benchmark.h"

#include <time.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/lora/apply_plan.h"
#include "core/model/model.h"
#include "core/train/memory_stats.h"
#include "core/train/trainer.h"

namespace aletheia {

double medianOf(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

namespace {

// `timed` steps of one plan after `warmup` untimed ones, appended to `out`.
void timeRun(Model& model, const AdapterPlan& plan, BatchSource& data, const StepBenchOptions& bench, int64_t timed,
             StepTimes& out, StopToken* stop) {
    TrainOptions o = bench.train;
    o.max_steps = bench.warmup + timed;
    o.warmup_steps = 0;
    o.grad_accum = 1;  // one step = one micro-batch, the shape the cost model predicts
    o.eval_every = 0;
    o.checkpoint_every = 0;
    o.output_dir.clear();
    o.full_finetune = false;
    TrainObserver obs;
    double cpuMark = processCpuSeconds();
    obs.onStep = [&](const StepEvent& e) {
        const double now = processCpuSeconds();
        if (e.step > bench.warmup) {
            out.wallSeconds.push_back(e.step_time_s);
            out.cpuSeconds.push_back(now - cpuMark);
        }
        cpuMark = now;
        out.peakMemoryBytes = std::max(out.peakMemoryBytes, e.peak_memory_bytes);
    };
    resetPeakMemory(model.device());
    const TrainResult r = train(model, plan, data, nullptr, o, obs, stop);
    out.trainableParams = 0;
    for (const auto& p : adapterParameters(*r.adapters)) out.trainableParams += p.tensor.numel();
}

}  // namespace

std::vector<StepTimes> timeTrainingSteps(Model& model, const std::vector<AdapterPlan>& plans, BatchSource& data,
                                         const StepBenchOptions& options, const ProgressFn& progress,
                                         StopToken* stop) {
    if (options.steps < 1 || options.warmup < 0 || options.rounds < 1)
        fail("benchmark needs steps >= 1, warmup >= 0 and rounds >= 1");
    const int64_t rounds = std::min(options.rounds, options.steps);
    const long runs = long(rounds * int64_t(plans.size()));
    std::vector<StepTimes> out(plans.size());
    long done = 0;
    for (int64_t r = 0; r < rounds; ++r) {
        // The steps spread as evenly as they go: 7 over 3 rounds -> 3, 2, 2.
        const int64_t timed = options.steps / rounds + (r < options.steps % rounds ? 1 : 0);
        for (size_t p = 0; p < plans.size(); ++p) {
            if (stop && stop->stopRequested()) return out;
            timeRun(model, plans[p], data, options, timed, out[p], stop);
            if (progress) progress(++done, runs, "round " + std::to_string(r + 1) + " of " + std::to_string(rounds));
        }
    }
    return out;
}

}  // namespace aletheia
