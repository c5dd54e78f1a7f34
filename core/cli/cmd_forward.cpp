#include <torch/torch.h>

#include "core/cli/commands.h"
#include "core/session/engine_options.h"
#include "core/cli/interrupt.h"
#include "core/cli/token_ids_file.h"
#include "core/cli/usage_error.h"
#include "core/common/error.h"
#include "core/io/safetensors_writer.h"
#include "core/lora/peft_import.h"
#include "core/model/model.h"

namespace aletheia::cli {

CommandSpec forwardCommand() {
    CommandSpec c;
    c.name = "forward";
    c.summary = "run the model on token ids and save logits and loss (safetensors)";
    c.usage = "aletheia forward <model-dir> --ids ids.json --out out.safetensors [--adapter DIR] [--dtype fp32|bf16] [--device cpu|cuda]";
    c.description =
        "ids.json is a JSON array of equal-length arrays of token ids. Writes `logits` float32 [B,T,V]\n"
        "and `loss` float32 scalar: the mean causal-LM loss with labels = ids. With --adapter, the model\n"
        "carries that PEFT LoRA adapter (ours or Hugging Face's), unmerged, without dropout.";
    c.options = {{"ids", "FILE", "JSON array of equal-length arrays of token ids"},
                 {"out", "FILE", "output .safetensors"},
                 {"adapter", "DIR", "a PEFT LoRA adapter directory to apply"},
                 {"dtype", "DTYPE", "fp32 (default) or bf16"},
                 {"device", "DEVICE", "cpu (default), cuda or cuda:N"}};
    c.minPositionals = c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        if (!a.has("ids") || !a.has("out")) throw UsageError("forward", "--ids FILE and --out FILE are required");
        const torch::Tensor ids = readTokenIds(a.value("ids"));
        LoadOptions options;
        options.dtype = parseDtype(a.value("dtype", "fp32"));
        options.device = parseDevice(a.value("device", "cpu"));
        options.stop = &interruptToken();
        Model model = Model::load(a.positionals[0], options);
        AdapterSet adapters;
        if (a.has("adapter")) adapters = importPeft(model, a.value("adapter"));
        const int64_t vocab = model.config().vocabSize;
        if (ids.max().item<int64_t>() >= vocab)
            failIn(a.value("ids"), "token id " + std::to_string(ids.max().item<int64_t>()) +
                                       " is outside the vocabulary (" + std::to_string(vocab) + ")");
        torch::NoGradGuard noGrad;
        const torch::Tensor onDevice = ids.to(model.device());
        ForwardHooks hooks;
        hooks.adapters = &adapters;  // dropout stays off: this is inference
        const ForwardOutput out = model.forward(onDevice, {}, onDevice, hooks);
        writeSafetensors(a.value("out"), {{"logits", out.logits.to(torch::kCPU, torch::kFloat32).contiguous()},
                                          {"loss", out.loss.to(torch::kCPU, torch::kFloat32).reshape({})}});
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
