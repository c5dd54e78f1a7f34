// The engine side of the reference tests (tests/reference/*.py): small, scriptable entry points
// into core/ for what the `aletheia` CLI does not expose on its own (an adapter with random B on a
// given plan; a few training steps from a given adapter on given ids). The Python scripts then run
// the same thing through real transformers + peft and compare.
//
//   aletheia_ref export <model-dir> <plan.yaml> <ids.json> <out-dir> [seed]
//       applies the plan (PEFT init, then B ~ N(0, 0.05) so the adapter changes the logits),
//       writes <out-dir>/adapter (PEFT), <out-dir>/merged (merged checkpoint) and
//       <out-dir>/logits.safetensors (logits and loss of the adapted model on the ids).
//   aletheia_ref gguf <model-dir> <plan.yaml> <out-dir> <f32|f16|bf16|q8_0> [seed]
//       the same adapter as export, written as <out-dir>/adapter (PEFT), <out-dir>/gguf
//       (adapter.gguf, base.gguf, Modelfile) and <out-dir>/gguf-merged (model.gguf, Modelfile),
//       as `aletheia export --format peft,gguf,gguf-merged` writes them.
//   aletheia_ref train <model-dir> <adapter-dir> <ids.json> <out.json> <steps> <lr> <weight-decay> <max-grad-norm>
//       trains the adapter's cells from the adapter's values (constant lr, no warm-up, no
//       dropout), one batch = all rows of ids.json every step; writes {"losses": [...]}.
//   aletheia_ref steps <model-dir> <plan.yaml> <ids.json> <steps> <warmup> <fp32|bf16> <cpu|cuda>
//       times real training steps of the plan (the trainer's step: forward, backward, AdamW) on the
//       ids as one batch; prints {"step_s": [...], "peak_memory_bytes", "trainable_params"}
//       (tests/bench/bench_vs_peft.py runs it beside peft).
#include <torch/torch.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/cli/token_ids_file.h"
#include "core/common/error.h"
#include "core/io/safetensors_writer.h"
#include "core/io/gguf_writer.h"
#include "core/lora/apply_plan.h"
#include "core/lora/gguf_export.h"
#include "core/lora/lora_adapter.h"
#include "core/lora/merge.h"
#include "core/lora/peft_export.h"
#include "core/lora/peft_import.h"
#include "core/model/family_spec.h"
#include "core/model/model.h"
#include "core/plan/plan_io.h"
#include "core/train/batch_source.h"
#include "core/train/step_benchmark.h"
#include "core/train/trainer.h"

using namespace aletheia;
using aletheia::cli::readTokenIds;
namespace fs = std::filesystem;

namespace {

Model loadFp32(const std::string& dir) {
    LoadOptions o;
    o.dtype = torch::kFloat32;
    return Model::load(dir, o);
}

// The plan's adapters, PEFT init, then B ~ N(0, 0.05) so that they change the logits.
AdapterSet randomAdapters(Model& model, const AdapterPlan& plan, uint64_t seed) {
    AdapterSet adapters = applyPlan(model, plan, seed);
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed + 1);
    for (auto& [linear, adapter] : loraLinears(model, adapters)) adapter->B.normal_(0.0, 0.05, gen);
    return adapters;
}

int ggufCommand(const std::vector<std::string>& a) {
    if (a.size() < 4) throw std::runtime_error("gguf needs <model-dir> <plan.yaml> <out-dir> <type> [seed]");
    const uint64_t seed = a.size() > 4 ? std::stoull(a[4]) : 7;
    Model model = loadFp32(a[0]);
    const AdapterPlan plan = loadPlan(a[1]);
    const AdapterSet adapters = randomAdapters(model, plan, seed);
    const fs::path out = a[2];
    const GgufType type = ggufTypeFromName(a[3]);
    exportPeft(model, adapters, plan, (out / "adapter").string(), fs::absolute(a[0]).string());
    exportGgufAdapterDir(model, adapters, a[0], type, (out / "gguf").string());
    if (familySpec(model.config().modelType).ggufModel)  // else refused: the LoRA alone is checked
        exportGgufMergedDir(model, adapters, a[0], type, (out / "gguf-merged").string());
    return 0;
}

int exportCommand(const std::vector<std::string>& a) {
    if (a.size() < 4) throw std::runtime_error("export needs <model-dir> <plan.yaml> <ids.json> <out-dir> [seed]");
    const uint64_t seed = a.size() > 4 ? std::stoull(a[4]) : 7;
    Model model = loadFp32(a[0]);
    const AdapterPlan plan = loadPlan(a[1]);
    const AdapterSet adapters = randomAdapters(model, plan, seed);
    const fs::path out = a[3];
    fs::create_directories(out);
    exportPeft(model, adapters, plan, (out / "adapter").string(), fs::absolute(a[0]).string());
    const torch::Tensor ids = readTokenIds(a[2]);
    {
        torch::NoGradGuard noGrad;
        ForwardHooks hooks;  // dropout off: the reference compares inference logits
        hooks.adapters = &adapters;
        const ForwardOutput f = model.forward(ids, {}, ids, hooks);
        writeSafetensors((out / "logits.safetensors").string(),
                         {{"logits", f.logits.to(torch::kFloat32).contiguous()}, {"loss", f.loss.reshape({})}});
    }
    saveMerged(model, adapters, (out / "merged").string());
    return 0;
}

int trainCommand(const std::vector<std::string>& a) {
    if (a.size() < 8)
        throw std::runtime_error(
            "train needs <model-dir> <adapter-dir> <ids.json> <out.json> <steps> <lr> <weight-decay> <max-grad-norm>");
    Model model = loadFp32(a[0]);
    AdapterPlan plan = planOfAdapters(importPeft(model, a[1]));
    plan.dropout = 0.0;
    const torch::Tensor ids = readTokenIds(a[2]);
    FunctionBatchSource data(1, [&](int64_t, int64_t) { return Batch{ids, ids, {}}; });
    TrainOptions o;
    o.max_steps = std::stoll(a[4]);
    o.lr = std::stod(a[5]);
    o.weight_decay = std::stod(a[6]);
    o.max_grad_norm = std::stod(a[7]);
    o.schedule = "constant";
    o.warmup_steps = 0;
    o.precision = "fp32";
    o.init_adapter = a[1];
    TrainObserver observer;
    const TrainResult r = train(model, plan, data, nullptr, o, observer);
    if (r.outcome != TrainOutcome::Completed) throw std::runtime_error("training ended early: " + r.message);
    std::ofstream(a[3]) << nlohmann::json{{"losses", r.losses}}.dump() << "\n";
    return 0;
}

int stepsCommand(const std::vector<std::string>& a) {
    if (a.size() < 7)
        throw std::runtime_error("steps needs <model-dir> <plan.yaml> <ids.json> <steps> <warmup> <fp32|bf16> <cpu|cuda>");
    LoadOptions lo;
    lo.dtype = a[5] == "bf16" ? torch::kBFloat16 : torch::kFloat32;
    lo.device = torch::Device(a[6]);
    Model model = Model::load(a[0], lo);
    const AdapterPlan plan = loadPlan(a[1]);
    const torch::Tensor ids = readTokenIds(a[2]).to(model.device());
    FunctionBatchSource data(1, [&](int64_t, int64_t) { return Batch{ids, ids, {}}; });
    StepBenchOptions o;
    o.steps = std::stoll(a[3]);
    o.warmup = std::stoll(a[4]);
    o.rounds = 1;
    o.train.max_grad_norm = 1.0;
    o.train.precision = a[5] == "bf16" ? "bf16" : "fp32";
    const StepTimes t = timeTrainingSteps(model, {plan}, data, o).at(0);
    std::cout << nlohmann::json{{"step_s", t.wallSeconds},
                                {"peak_memory_bytes", t.peakMemoryBytes},
                                {"trainable_params", t.trainableParams}}
                     .dump()
              << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: aletheia_ref export|gguf|train|steps ...\n";
        return 1;
    }
    const std::string cmd = argv[1];
    if (cmd != "steps") torch::set_num_threads(1);  // bitwise-stable reductions between runs
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (cmd == "export") return exportCommand(args);
        if (cmd == "gguf") return ggufCommand(args);
        if (cmd == "train") return trainCommand(args);
        if (cmd == "steps") return stepsCommand(args);
        std::cerr << "aletheia_ref: unknown command '" << cmd << "'\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "aletheia_ref " << cmd << ": " << e.what() << "\n";
        return 2;
    }
}
