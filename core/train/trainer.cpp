#include "core/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "core/common/communicator.h"
#include "core/common/error.h"
#include "core/lora/apply_plan.h"
#include "core/lora/peft_import.h"
#include "core/model/model.h"
#include "core/train/adamw.h"
#include "core/train/checkpoint.h"
#include "core/train/forward_pass.h"
#include "core/train/lr_schedule.h"
#include "core/train/memory_stats.h"
#include "core/train/out_of_memory.h"

#ifdef ALETHEIA_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace aletheia {
namespace {

using Clock = std::chrono::steady_clock;

void log(TrainObserver& obs, const std::string& msg) {
    if (obs.onLog) obs.onLog(msg);
}

bool useAutocast(const TrainOptions& o, const torch::Device& device, TrainObserver& obs) {
    const bool on = autocastFor(o.precision, device);
    if (o.precision == "bf16" && !on) log(obs, "precision bf16 applies to CUDA only; training in the model's dtype on CPU");
    return on;
}

void validate(const TrainOptions& o) {
    if (o.lr <= 0 || !std::isfinite(o.lr)) fail("learning rate must be positive, got " + std::to_string(o.lr));
    if (o.grad_accum < 1) fail("grad_accum must be at least 1");
    if (o.micro_batch < 0 || o.max_seq_len < 0 || o.max_steps < 0 || o.epochs < 0 || o.warmup_steps < 0)
        fail("micro_batch, max_seq_len, max_steps, epochs and warmup_steps must not be negative");
    if (o.max_steps == 0 && o.epochs == 0) fail("nothing to train: max_steps and epochs are both 0");
    if (o.max_seq_len == 1) fail("max_seq_len 1 leaves no next token to predict");
    parseLrSchedule(o.schedule);
}

// Full fine-tuning makes the model's weights trainable for the run only: frozen again however it
// ends, as every other run (LoRA, probe) expects the base weights.
class UnfrozenWeights {
public:
    explicit UnfrozenWeights(const Model& model) : params_(model.parameters()) {}
    ~UnfrozenWeights() {
        for (auto& p : params_) p.set_requires_grad(false);
    }
    UnfrozenWeights(const UnfrozenWeights&) = delete;
    UnfrozenWeights& operator=(const UnfrozenWeights&) = delete;

private:
    std::vector<torch::Tensor> params_;
};

// Trainable tensors with their layer (for per-layer update norms).
std::vector<TrainableParam> fullParameters(Model& model) {
    std::map<const void*, int> layerOf;
    for (Linear* l : model.linears()) {
        layerOf[l->weight.unsafeGetTensorImpl()] = l->layer;
        if (l->bias.defined()) layerOf[l->bias.unsafeGetTensorImpl()] = l->layer;
    }
    std::vector<TrainableParam> out;
    auto all = model.parameters();
    for (size_t i = 0; i < all.size(); ++i) {
        auto it = layerOf.find(all[i].unsafeGetTensorImpl());
        all[i].set_requires_grad(true);
        out.push_back({"param" + std::to_string(i), it == layerOf.end() ? -1 : it->second, all[i]});
    }
    return out;
}

// The micro-batches of one optimizer step: `grad_accum` source batches, truncated to
// max_seq_len and split into rows of at most micro_batch.
std::vector<Batch> stepBatches(BatchSource& src, int64_t microIndex, const TrainOptions& o) {
    const int64_t n = src.batchesPerEpoch();
    std::vector<Batch> out;
    for (int64_t j = 0; j < o.grad_accum; ++j) {
        const int64_t g = microIndex + j;
        Batch b = src.batch(g / n, g % n);
        if (!b.input_ids.defined() || b.input_ids.dim() != 2 || !b.labels.defined() ||
            b.labels.sizes() != b.input_ids.sizes())
            fail("batch " + std::to_string(g % n) + " of epoch " + std::to_string(g / n) +
                 " is malformed: input_ids and labels must both be [B, T]");
        if (o.max_seq_len > 0 && b.input_ids.size(1) > o.max_seq_len) {
            b.input_ids = b.input_ids.narrow(1, 0, o.max_seq_len);
            b.labels = b.labels.narrow(1, 0, o.max_seq_len);
            if (b.attention_mask.defined()) b.attention_mask = b.attention_mask.narrow(1, 0, o.max_seq_len);
        }
        const int64_t rows = b.input_ids.size(0);
        const int64_t chunk = o.micro_batch > 0 ? o.micro_batch : rows;
        for (int64_t r = 0; r < rows; r += chunk) {
            const int64_t len = std::min(chunk, rows - r);
            Batch part{b.input_ids.narrow(0, r, len), b.labels.narrow(0, r, len),
                       b.attention_mask.defined() ? b.attention_mask.narrow(0, r, len) : torch::Tensor()};
            out.push_back(std::move(part));
        }
    }
    return out;
}

// The widest and longest micro-batch of a step, for the out-of-memory message.
std::pair<int64_t, int64_t> largestShape(const std::vector<Batch>& batches) {
    int64_t rows = 0, len = 0;
    for (const auto& b : batches) {
        rows = std::max(rows, b.input_ids.size(0));
        len = std::max(len, b.input_ids.size(1));
    }
    return {rows, len};
}

// This rank's rows of a micro-batch: every rank takes a slice of each global batch, so the ranks
// together see exactly the batches of one process.
Batch rankShard(const Batch& b, const Communicator& comm) {
    const auto [begin, end] = rankRows(b.input_ids.size(0), comm.rank(), comm.worldSize());
    const int64_t n = end - begin;
    return {b.input_ids.narrow(0, begin, n), b.labels.narrow(0, begin, n),
            b.attention_mask.defined() ? b.attention_mask.narrow(0, begin, n) : torch::Tensor()};
}

// What the ranks agree on in a step's all-reduce, besides the gradients.
struct StepAgreement {
    bool stop = false;   // some rank asked to stop
    bool pause = false;  // some rank asked to pause
    std::vector<double> rankTokensPerS;  // each rank's input tokens / its own forward+backward time
};

// One bucket per step (LoRA gradients are small): every parameter's gradient, a has-gradient flag
// per parameter, the loss sum, this rank's stop and pause requests and its throughput in its own
// slot, summed over ranks in one all-reduce. Each rank divided by the GLOBAL token count before
// backward, so the sum is the 1-process gradient. Afterwards every rank holds the same gradients.
StepAgreement reduceStep(Communicator& comm, std::vector<TrainableParam>& params, torch::Tensor& lossSum,
                         const StopToken* stop, double tokensPerS, int64_t step) {
    torch::NoGradGuard noGrad;
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64).device(lossSum.device());
    std::vector<torch::Tensor> parts;
    std::vector<double> flags;
    for (const auto& p : params) {
        const torch::Tensor& g = p.tensor.grad();
        parts.push_back(g.defined() ? g.reshape({-1}).to(f64) : torch::zeros({p.tensor.numel()}, f64));
        flags.push_back(g.defined() ? 1.0 : 0.0);
    }
    const size_t lossAt = flags.size();
    flags.push_back(0.0);  // the loss sum's slot
    flags.push_back(stop && stop->stopRequested() ? 1.0 : 0.0);
    flags.push_back(stop && stop->paused() ? 1.0 : 0.0);
    const size_t ranksAt = flags.size();
    flags.resize(ranksAt + size_t(comm.worldSize()), 0.0);
    flags[ranksAt + size_t(comm.rank())] = tokensPerS;
    parts.push_back(torch::tensor(flags, torch::kFloat64).to(lossSum.device()));
    torch::Tensor bucket = torch::cat(parts);
    const int64_t tail = bucket.numel() - int64_t(flags.size());
    bucket[tail + int64_t(lossAt)].copy_(lossSum);
    comm.allReduceSum(bucket, "gradient all-reduce of step " + std::to_string(step));
    const torch::Tensor metaT = bucket.narrow(0, tail, int64_t(flags.size())).cpu().contiguous();
    const double* meta = metaT.data_ptr<double>();
    int64_t at = 0;
    for (size_t i = 0; i < params.size(); ++i) {
        auto& t = params[i].tensor;
        const torch::Tensor summed = bucket.narrow(0, at, t.numel()).view(t.sizes()).to(t.dtype());
        at += t.numel();
        if (meta[i] == 0) continue;  // no rank had a gradient: left undefined
        if (t.grad().defined()) t.mutable_grad().copy_(summed);
        else t.mutable_grad() = summed;
    }
    lossSum = bucket[tail + int64_t(lossAt)].clone();
    StepAgreement agreed;
    agreed.stop = meta[lossAt + 1] > 0;
    agreed.pause = meta[lossAt + 2] > 0;
    agreed.rankTokensPerS.assign(meta + ranksAt, meta + ranksAt + comm.worldSize());
    return agreed;
}

// A paused distributed run: the ranks wait together, exchanging their pause and stop requests
// every 200 ms (so no collective reaches its timeout however long the pause), until no rank is
// paused any more. Returns whether some rank asked to stop meanwhile.
bool waitPausedTogether(Communicator& comm, const StopToken* stop, int64_t step) {
    while (true) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        torch::Tensor flags = torch::tensor({stop && stop->paused() ? 1.0 : 0.0, stop && stop->stopRequested() ? 1.0 : 0.0},
                                            torch::kFloat64);
        comm.allReduceSum(flags, "pause heartbeat after step " + std::to_string(step));
        if (flags[1].item<double>() > 0) return true;
        if (flags[0].item<double>() == 0) return false;
    }
}

// Rank 0's values on every rank: the same adapters everywhere however they were initialised.
void broadcastParams(Communicator& comm, std::vector<TrainableParam>& params) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> flat;
    for (const auto& p : params) flat.push_back(p.tensor.detach().reshape({-1}).to(torch::kFloat64));
    torch::Tensor bucket = torch::cat(flat);
    comm.broadcast(bucket, 0, "broadcast of the initial parameters");
    int64_t at = 0;
    for (auto& p : params) {
        p.tensor.copy_(bucket.narrow(0, at, p.tensor.numel()).view(p.tensor.sizes()));
        at += p.tensor.numel();
    }
}

void releaseCachedMemory() {
#ifdef ALETHEIA_TORCH_CUDA
    c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

}  // namespace

bool autocastFor(const std::string& precision, const torch::Device& device) {
    if (precision == "fp32") return false;
    if (precision == "auto" || precision == "bf16") return device.is_cuda();
    fail("unknown precision '" + precision + "' (expected auto, fp32 or bf16)");
}

int64_t plannedSteps(const TrainOptions& o, const BatchSource& data) {
    if (o.max_steps > 0) return o.max_steps;
    const int64_t micro = o.epochs * data.batchesPerEpoch();
    return std::max<int64_t>(1, (micro + o.grad_accum - 1) / o.grad_accum);
}

EvalEvent evaluate(const Model& model, const AdapterSet* adapters, BatchSource& data, int64_t maxBatches,
                   bool autocast, Communicator* comm) {
    torch::NoGradGuard noGrad;
    comm = distributed(comm);
    const int64_t n = maxBatches > 0 ? std::min(maxBatches, data.batchesPerEpoch()) : data.batchesPerEpoch();
    ForwardOptions fo;
    fo.autocast = autocast;
    fo.hooks.adapters = adapters;
    torch::Tensor sum = torch::zeros({}, torch::kFloat64);
    int64_t tokens = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (comm && i % comm->worldSize() != comm->rank()) continue;  // ranks share the batches
        auto r = forwardLossSum(model, data.batch(0, i), fo);
        if (r.tokens == 0) continue;
        sum += r.sum.to(torch::kCPU, torch::kFloat64);
        tokens += r.tokens;
    }
    if (comm) {
        torch::Tensor both = torch::stack({sum, torch::tensor(double(tokens), torch::kFloat64)});
        comm->allReduceSum(both, "evaluation all-reduce");
        sum = both[0];
        tokens = int64_t(both[1].item<double>());
    }
    EvalEvent e;
    e.tokens = tokens;
    e.loss = tokens > 0 ? sum.item<double>() / double(tokens) : std::nan("");
    e.perplexity = std::exp(e.loss);
    return e;
}

TrainResult train(Model& model, const AdapterPlan& plan, BatchSource& data, BatchSource* val,
                  const TrainOptions& o, TrainObserver& obs, StopToken* stop, const std::string& resumeFrom) {
    validate(o);
    if (data.batchesPerEpoch() <= 0) fail("the training data yields no batches");
    if (!o.full_finetune && plan.cells.empty()) fail("the adapter plan is empty: nothing to train");
    const torch::Device device = model.device();
    Communicator* const comm = distributed(o.comm);
    const bool lead = !comm || comm->rank() == 0;  // the rank that writes checkpoints
    const bool autocast = useAutocast(o, device, obs);
    const std::string ckptRoot = o.output_dir.empty() ? "" : (std::filesystem::path(o.output_dir) / "checkpoints").string();

    torch::manual_seed(o.seed);  // dropout draws from the default generators
    // The run's own adapters, beside the model (null in full fine-tuning).
    const std::shared_ptr<const AdapterSet> adapters =
        o.full_finetune ? nullptr : std::make_shared<const AdapterSet>(applyPlan(model, plan, o.seed));
    std::optional<UnfrozenWeights> unfrozen;
    if (o.full_finetune) unfrozen.emplace(model);
    std::vector<TrainableParam> params = o.full_finetune ? fullParameters(model) : adapterParameters(*adapters);
    if (!o.init_adapter.empty() && !o.full_finetune) loadPeftValues(params, o.init_adapter);
    if (o.full_finetune) {
        if (model.dtype() != torch::kFloat32)
            log(obs, "full fine-tuning updates the model's " + std::string(c10::toString(model.dtype())) +
                         " weights directly (no fp32 master copy); load the model as fp32 for exact updates");
    }
    std::vector<AdamW::Param> optParams;
    for (const auto& p : params) optParams.push_back({p.name, p.tensor, !o.full_finetune || p.tensor.dim() >= 2});
    AdamW optimizer(optParams, AdamWOptions{0.9, 0.999, 1e-8, o.weight_decay});

    LrScheduler schedule{o.lr, parseLrSchedule(o.schedule), o.warmup_steps, plannedSteps(o, data)};
    const int64_t total = schedule.total_steps;
    ForwardOptions fo;
    fo.first_grad_layer = o.full_finetune ? 0 : plan.lowestLayer();
    fo.activation_checkpointing = o.activation_checkpointing;
    fo.fused_head_loss = o.fused_head_loss;
    fo.autocast = autocast;
    fo.hooks.adapters = adapters.get();
    fo.hooks.dropout = true;

    TrainResult result;
    result.adapters = adapters;
    int64_t step = 0, microIndex = 0;
    std::vector<double> allLosses;

    // Resume: same plan and seed gave the same tensors; overwrite them with the saved ones.
    std::string resumeDir = resumeFrom == "latest" ? latestCheckpoint(ckptRoot) : resumeFrom;
    if (resumeFrom == "latest" && resumeDir.empty()) log(obs, "no checkpoint to resume from; starting fresh");
    if (!resumeDir.empty()) {
        CheckpointState s = readCheckpoint(resumeDir);
        std::map<std::string, torch::Tensor> saved(s.params.begin(), s.params.end());
        torch::NoGradGuard noGrad;
        for (auto& p : params) {
            auto it = saved.find(p.name);
            if (it == saved.end() || it->second.sizes() != p.tensor.sizes())
                failIn(resumeDir, "checkpoint does not match this run's plan (missing or misshapen)", p.name);
            p.tensor.copy_(it->second);
        }
        optimizer.loadState(s.optimizer, s.optimizer_step);
        restoreRng(s);
        step = s.step;
        microIndex = s.micro_index;
        allLosses = s.losses;
        result.last_checkpoint = resumeDir;
        log(obs, "resumed from " + resumeDir + " at step " + std::to_string(step));
    }
    if (comm) {
        broadcastParams(*comm, params);
        // Ranks > 0 draw their own dropout masks (their rows differ); rank 0 keeps the seeded and
        // checkpointed generator of a 1-process run.
        if (comm->rank() > 0) torch::manual_seed(o.seed + uint64_t(comm->rank()) + uint64_t(step) * 1000003u);
    }

    int64_t lastCheckpointStep = resumeDir.empty() ? -1 : step;
    auto saveCheckpoint = [&]() {
        if (ckptRoot.empty() || !lead) return;
        CheckpointState s;
        s.step = step;
        s.micro_index = microIndex;
        s.optimizer_step = optimizer.stepCount();
        for (const auto& p : params) s.params.emplace_back(p.name, p.tensor);
        s.optimizer = optimizer.state();
        captureRng(s);
        s.losses = allLosses;
        s.extra["full_finetune"] = o.full_finetune;
        s.extra["seed"] = o.seed;
        result.last_checkpoint = writeCheckpoint(ckptRoot, s, o.keep_last);
        lastCheckpointStep = step;
        log(obs, "checkpoint written: " + result.last_checkpoint);
    };
    auto runEval = [&]() {
        if (!val) return;
        EvalEvent e = evaluate(model, adapters.get(), *val, o.eval_batches, autocast, comm);
        e.step = step;
        result.evals.push_back(e);
        if (obs.onEval) obs.onEval(e);
    };

    const int numLayers = model.numLayers();
    const auto started = Clock::now();
    double pausedSeconds = 0;  // time spent paused is not part of the ETA's rate
    const int64_t firstStep = step;
    int64_t lastEvalStep = -1;
    result.outcome = TrainOutcome::Completed;

    // Distributed: a stop or pause is agreed in the step's all-reduce instead, so that every rank
    // stops or pauses after the same step.
    StepAgreement agreed;
    while (step < total) {
        const auto pauseStart = Clock::now();
        bool go = comm || !stop || (!stop->stopRequested() && stop->waitWhilePaused());
        if (comm && agreed.pause) {
            log(obs, "paused after step " + std::to_string(step) + " on all " + std::to_string(comm->worldSize()) +
                         " ranks");
            go = !waitPausedTogether(*comm, stop, step);
            if (go) log(obs, "resumed at step " + std::to_string(step + 1));
            agreed.pause = false;
        }
        pausedSeconds += std::chrono::duration<double>(Clock::now() - pauseStart).count();
        if (!go) {
            result.outcome = TrainOutcome::Stopped;
            result.message = "stopped by request after step " + std::to_string(step);
            break;
        }
        const auto t0 = Clock::now();
        std::vector<Batch> batches = stepBatches(data, microIndex, o);
        int64_t tokens = 0, globalInputTokens = 0;  // of the global batch: the same on every rank
        for (const auto& b : batches) {
            tokens += lossTokens(b);
            globalInputTokens += inputTokens(b);
        }
        int64_t localInputTokens = 0;  // this rank's share, for its own throughput
        if (comm)
            for (auto& b : batches) {
                b = rankShard(b, *comm);
                localInputTokens += inputTokens(b);
            }
        std::vector<int64_t> counts;
        for (const auto& b : batches) counts.push_back(lossTokens(b));

        torch::Tensor lossSum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
        torch::Tensor gradNormT;
        try {
            // One optimizer step = mean token loss over all its micro-batches (the same gradient
            // as one big batch, however it is split).
            for (size_t k = 0; k < batches.size(); ++k) {
                if (counts[k] == 0) continue;
                LossSum r = forwardLossSum(model, batches[k], fo);
                (r.sum / double(tokens)).backward();
                lossSum += r.sum.detach().to(torch::kFloat64);
            }
            if (comm) {
                const double own = std::chrono::duration<double>(Clock::now() - t0).count();
                agreed = reduceStep(*comm, params, lossSum, stop, own > 0 ? double(localInputTokens) / own : 0.0, step + 1);
            }
            std::vector<torch::Tensor> sq;
            for (const auto& p : params)
                if (p.tensor.grad().defined()) sq.push_back(p.tensor.grad().to(torch::kFloat64).pow(2).sum());
            gradNormT = sq.empty() ? torch::zeros({}, torch::kFloat64) : torch::stack(sq).sum().sqrt();
        } catch (const c10::Error& e) {
            if (!isOutOfMemoryMessage(e.what_without_backtrace())) throw;
            // Drop everything the failed step holds, so the process (and the GUI) carries on.
            const auto [rows, len] = largestShape(batches);
            optimizer.zeroGrad();
            batches.clear();
            lossSum = torch::Tensor();
            releaseCachedMemory();
            result.outcome = TrainOutcome::OutOfMemory;
            result.message = outOfMemoryAdvice(step + 1, rows, len, o, e.what_without_backtrace());
            log(obs, result.message);
            break;
        }
        if (tokens == 0) fail("step " + std::to_string(step + 1) + ": its batches have no loss-bearing tokens");
        const double loss = lossSum.item<double>() / double(tokens);
        const double gradNorm = gradNormT.item<double>();
        if (!std::isfinite(loss) || !std::isfinite(gradNorm)) {
            optimizer.zeroGrad();
            result.outcome = TrainOutcome::NonFinite;
            result.message = std::string(std::isfinite(loss) ? "gradients" : "the loss") + " became NaN/Inf at step " +
                             std::to_string(step + 1) + " (lr " + std::to_string(schedule.at(step)) +
                             "); training stopped. Lower the learning rate or check the data. " +
                             (result.last_checkpoint.empty() ? "No checkpoint was written before it."
                                                             : "Last good checkpoint: " + result.last_checkpoint);
            log(obs, result.message);
            result.steps = step;
            return result;  // the weights of the bad step were never applied
        }
        if (o.max_grad_norm > 0 && gradNorm > o.max_grad_norm) {
            torch::NoGradGuard noGrad;
            const double scale = o.max_grad_norm / (gradNorm + 1e-6);
            for (auto& p : params)
                if (p.tensor.grad().defined()) p.tensor.mutable_grad().mul_(scale);
        }
        const double lr = schedule.at(step);
        const std::vector<double> updates = optimizer.step(lr);
        optimizer.zeroGrad();
        ++step;
        microIndex += o.grad_accum;
        allLosses.push_back(loss);
        result.losses.push_back(loss);

        StepEvent ev;
        ev.step = step;
        ev.total_steps = total;
        ev.epoch = double(microIndex) / double(data.batchesPerEpoch());
        ev.loss = loss;
        ev.lr = lr;
        ev.grad_norm = gradNorm;
        ev.step_time_s = std::chrono::duration<double>(Clock::now() - t0).count();
        ev.tokens_per_s = ev.step_time_s > 0 ? double(globalInputTokens) / ev.step_time_s : 0.0;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count() - pausedSeconds;
        ev.eta_s = elapsed / double(step - firstStep) * double(total - step);
        ev.peak_memory_bytes = peakMemoryBytes(device);
        ev.rank_tokens_per_s = agreed.rankTokensPerS;
        ev.layer_update_norms.assign(size_t(numLayers), 0.0);
        for (size_t i = 0; i < params.size(); ++i)
            if (params[i].layer >= 0 && params[i].layer < numLayers)
                ev.layer_update_norms[size_t(params[i].layer)] += updates[i] * updates[i];
        for (auto& v : ev.layer_update_norms) v = std::sqrt(v);
        if (!o.full_finetune) ev.layer_delta_norms = layerDeltaNorms(*adapters, numLayers);
        if (obs.onStep) obs.onStep(ev);

        if (o.eval_every > 0 && step % o.eval_every == 0) {
            runEval();
            lastEvalStep = step;
        }
        if (o.checkpoint_every > 0 && step % o.checkpoint_every == 0) saveCheckpoint();
        if (agreed.stop) {
            result.outcome = TrainOutcome::Stopped;
            result.message = "stopped by request after step " + std::to_string(step);
            break;
        }
    }
    result.steps = step;
    if (result.outcome == TrainOutcome::Completed) {
        result.message = "completed " + std::to_string(step) + " steps";
        if (lastEvalStep != step) runEval();
    }
    // At the end and at a stop, unless this very step was just saved.
    if (result.outcome != TrainOutcome::OutOfMemory && lastCheckpointStep != step) saveCheckpoint();
    return result;
}

}  // namespace aletheia
