#include "core/train/block_checkpoint.h"

#include <ATen/core/Generator.h>

#include "core/lora/autocast.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

torch::Tensor runBlock(const Model& model, int layer, const torch::Tensor& h, const ForwardContext& ctx,
                       bool autocast) {
    CudaAutocastGuard guard(autocast);  // autocast is thread-local; backward may run on another thread
    return model.block(layer, h, ctx);
}

at::Generator cudaGenerator() { return at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0)); }

// Everything the recomputation needs is kept in the autograd context (tensors and scalars),
// except the Model and the context's hooks (adapters, probes), which are the caller's objects and
// outlive every backward of its step.
struct CheckpointFn : public torch::autograd::Function<CheckpointFn> {
    // `anchor` requires grad so the output joins the graph even when h does not (the lowest
    // adapted block gets a no-grad input); its gradient is never used.
    static torch::Tensor forward(AutogradContext* c, torch::Tensor h, torch::Tensor anchor, const Model* model,
                                 int64_t layer, ForwardContext ctx, bool autocast) {
        (void)anchor;
        c->save_for_backward({h});
        c->saved_data["model"] = reinterpret_cast<int64_t>(model);
        c->saved_data["layer"] = layer;
        c->saved_data["autocast"] = autocast;
        c->saved_data["h_grad"] = h.requires_grad();
        c->saved_data["cos"] = ctx.cos;
        c->saved_data["sin"] = ctx.sin;
        c->saved_data["cos_local"] = ctx.cosLocal;
        c->saved_data["sin_local"] = ctx.sinLocal;
        c->saved_data["allowed"] = ctx.allowed;
        c->saved_data["offset"] = ctx.positionOffset;
        c->saved_data["adapters"] = reinterpret_cast<int64_t>(ctx.adapters);
        c->saved_data["dropout"] = ctx.dropout;
        c->saved_data["probes"] = reinterpret_cast<int64_t>(ctx.probes);
        c->saved_data["cpu_rng"] = at::detail::getDefaultCPUGenerator().get_state();
        if (h.is_cuda()) c->saved_data["cuda_rng"] = cudaGenerator().get_state();
        return runBlock(*model, int(layer), h, ctx, autocast);  // grad mode is off in here
    }

    static variable_list backward(AutogradContext* c, variable_list grads) {
        const auto* model = reinterpret_cast<const Model*>(c->saved_data["model"].toInt());
        const bool hGrad = c->saved_data["h_grad"].toBool();
        auto h = c->get_saved_variables()[0].detach().requires_grad_(hGrad);
        ForwardContext ctx;
        ctx.cos = c->saved_data["cos"].toTensor();
        ctx.sin = c->saved_data["sin"].toTensor();
        ctx.cosLocal = c->saved_data["cos_local"].toTensor();
        ctx.sinLocal = c->saved_data["sin_local"].toTensor();
        ctx.allowed = c->saved_data["allowed"].toTensor();
        ctx.positionOffset = c->saved_data["offset"].toInt();
        ctx.adapters = reinterpret_cast<const LinearAdapters*>(c->saved_data["adapters"].toInt());
        ctx.dropout = c->saved_data["dropout"].toBool();
        ctx.probes = reinterpret_cast<const LinearProbes*>(c->saved_data["probes"].toInt());

        // Replay dropout exactly: swap in the forward-time generator states, then put them back.
        auto cpuGen = at::detail::getDefaultCPUGenerator();
        auto cpuNow = cpuGen.get_state();
        cpuGen.set_state(c->saved_data["cpu_rng"].toTensor());
        torch::Tensor cudaNow;
        if (c->saved_data.count("cuda_rng")) {
            cudaNow = cudaGenerator().get_state();
            cudaGenerator().set_state(c->saved_data["cuda_rng"].toTensor());
        }
        torch::Tensor out;
        {
            torch::AutoGradMode enable(true);
            out = runBlock(*model, int(c->saved_data["layer"].toInt()), h, ctx, c->saved_data["autocast"].toBool());
        }
        cpuGen.set_state(cpuNow);
        if (cudaNow.defined()) cudaGenerator().set_state(cudaNow);

        if (out.requires_grad()) torch::autograd::backward({out}, {grads[0]});
        return {hGrad ? h.grad() : torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(),
                torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor checkpointedBlock(const Model& model, int i, const torch::Tensor& h, const ForwardContext& ctx,
                                bool autocast) {
    if (!torch::GradMode::is_enabled()) return model.block(i, h, ctx);
    auto anchor = torch::zeros({}, torch::TensorOptions().requires_grad(true));
    return CheckpointFn::apply(h, anchor, &model, int64_t(i), ctx, autocast);
}

}  // namespace aletheia
