#include "core/plan/cost_calibration.h"

#include <algorithm>
#include <chrono>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/loss.h"

namespace aletheia {

double medianSeconds(const std::function<void()>& fn, int repeats) {
    fn();  // warm-up: allocator, thread pool, first-touch of mmapped weights
    std::vector<double> t;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(t.begin(), t.begin() + long(t.size() / 2), t.end());
    return t[t.size() / 2];
}

double timeProxyStep(const Model& model, const AdapterPlan& plan, const Batch& batch, int repeats) {
    const int depth = plan.lowestLayer();
    const auto dev = model.device();
    const auto ids = batch.input_ids.to(dev);
    const auto labels = batch.labels.defined() ? batch.labels.to(dev) : ids;
    const auto mask = batch.attention_mask.defined() ? batch.attention_mask.to(dev) : torch::Tensor();
    return medianSeconds(
        [&] {
            torch::AutoGradMode grad(true);
            const auto ctx = model.context(ids.size(0), ids.size(1), mask);
            auto h = model.embed(ids);  // [B, T, H]
            for (int i = 0; i < model.numLayers(); ++i) {
                if (i == depth) h = h.detach().requires_grad_(true);  // backward stops here
                h = model.block(i, h, ctx);
            }
            auto loss = causalLmLoss(model.head(h, ctx), labels);
            if (loss.requires_grad()) loss.backward();
            if (dev.is_cuda()) torch::cuda::synchronize();
        },
        repeats);
}

CostCoefficients calibrateCost(const CostModel& cost, const StepTimer& timeStep) {
    const AdapterPlan uniform = cost.uniformPlan();
    AdapterPlan top;
    for (const auto& c : uniform.cells)
        if (c.layer == cost.table().numLayers - 1) top.cells.push_back(c);
    if (top.cells.empty() || cost.table().numLayers < 2) fail("cost calibration needs a model with at least two layers");
    std::vector<CostSample> samples;
    for (const AdapterPlan* plan : {&uniform, static_cast<const AdapterPlan*>(&top)}) {
        CostSample s;
        cost.flops(*plan, s.forwardFlops, s.backwardFlops);
        s.seconds = timeStep(*plan);
        samples.push_back(s);
    }
    return fitCoefficients(samples);
}

}  // namespace aletheia
