#include "core/train/forward_pass.h"

#include "core/lora/autocast.h"
#include "core/model/loss.h"
#include "core/model/model.h"
#include "core/train/block_checkpoint.h"
#include "core/train/head_loss.h"

namespace aletheia {

int64_t lossTokens(const Batch& b) {
    if (b.labels.size(1) < 2) return 0;
    return b.labels.narrow(1, 1, b.labels.size(1) - 1).ne(kIgnoreIndex).sum().item<int64_t>();
}

int64_t inputTokens(const Batch& b) {
    return b.attention_mask.defined() ? b.attention_mask.sum().item<int64_t>() : b.input_ids.numel();
}

LossSum forwardLossSum(const Model& model, const Batch& batch, const ForwardOptions& o) {
    LossSum out;
    out.tokens = lossTokens(batch);
    if (out.tokens == 0) return out;

    const auto device = model.device();
    auto ids = batch.input_ids.to(device);  // [B, T]
    auto mask = batch.attention_mask.defined() ? batch.attention_mask.to(device) : torch::Tensor();
    const int64_t B = ids.size(0), T = ids.size(1);
    CudaAutocastGuard autocast(o.autocast);
    const ForwardContext ctx = model.context(B, T, mask, o.hooks);

    const int first = std::max(0, o.first_grad_layer);
    torch::Tensor h;  // [B, T, H]
    if (first == 0) {
        h = model.embed(ids);  // full fine-tuning trains the embedding too
    } else {
        // Below the lowest trained layer nothing needs a gradient: run it as inference.
        torch::NoGradGuard noGrad;
        h = model.embed(ids);
        for (int i = 0; i < first && i < model.numLayers(); ++i) h = model.block(i, h, ctx);
    }

    for (int i = first; i < model.numLayers(); ++i) {
        h = o.activation_checkpointing ? checkpointedBlock(model, i, h, ctx, o.autocast) : model.block(i, h, ctx);
        if (o.backward_blocks && h.requires_grad()) {
            auto* counter = o.backward_blocks;
            h.register_hook([counter](torch::Tensor g) {
                counter->fetch_add(1);
                return g;
            });
        }
    }
    const auto labels = batch.labels.to(device);
    if (o.fused_head_loss) {
        out.sum = fusedHeadLossSum(model, h, labels, ctx, o.autocast);
        if (out.sum.defined()) return out;
    }
    auto logits = model.head(h, ctx);  // [B, T, V]
    const int64_t V = logits.size(2);
    auto shiftLogits = logits.narrow(1, 0, T - 1).to(torch::kFloat).reshape({-1, V});  // [B*(T-1), V]
    auto shiftLabels = labels.narrow(1, 1, T - 1).reshape({-1});                       // [B*(T-1)]
    out.sum = torch::nn::functional::cross_entropy(
        shiftLogits, shiftLabels,
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum));
    return out;
}

}  // namespace aletheia
