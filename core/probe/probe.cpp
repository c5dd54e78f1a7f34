#include "core/probe/probe.h"

#include <chrono>
#include <map>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "core/common/communicator.h"
#include "core/common/error.h"
#include "core/model/cell_name.h"
#include "core/probe/gradient_norm_linear.h"

namespace aletheia {

namespace {

std::string regexEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::string(".^$|()[]{}*+?\\").find(c) != std::string::npos) out += '\\';
        out += c;
    }
    return out;
}

// One PEFT-style regex for every expert's copy of a projection: experts.3.w1 -> experts.\d+.w1.
std::string pathPatternOf(const Linear& l) {
    std::string p = regexEscape(l.name);
    if (l.expert < 0) return p;
    const std::string e = "\\." + std::to_string(l.expert) + "\\.";
    const auto at = p.rfind(e);
    if (at != std::string::npos) p.replace(at, e.size(), "\\.\\d+\\.");
    return p;
}

std::vector<LogicalPart> partsOf(const Linear& l) {
    if (!l.parts.empty()) return l.parts;
    return {LogicalPart{l.module, {{0, l.outFeatures()}}}};  // defensive: unlabelled = one part
}

// The probe's view of the model: which table entry each linear feeds, and its parts' statistics.
struct Layout {
    std::vector<Linear*> linears;
    ProbeStats stats;
    std::vector<size_t> firstPart;  // per linear: index of its first PartStat
};

Layout layoutOf(const Model& model) {
    Layout lay;
    lay.linears = model.linears();
    lay.stats.table = moduleTable(model);
    torch::NoGradGuard noGrad;
    for (Linear* l : lay.linears) {
        const int target = lay.stats.table.find(l->layer, pooledCellModule(*l));
        lay.firstPart.push_back(lay.stats.parts.size());
        const auto rowSq = l->weight.to(torch::kDouble).square().sum(1);  // [out]
        for (const auto& p : partsOf(*l))
            lay.stats.parts.push_back({target, l->name + ".weight", l->expert, p.role, p.size(),
                                       selectPart(rowSq, p).sum().item<double>(), {}});
    }
    return lay;
}

torch::Tensor lossOf(const Model& model, const Batch& b, const ForwardHooks& hooks = {}) {
    const auto dev = model.device();
    const auto ids = b.input_ids.to(dev);
    const auto labels = b.labels.defined() ? b.labels.to(dev) : ids;
    const auto mask = b.attention_mask.defined() ? b.attention_mask.to(dev) : torch::Tensor();
    auto loss = model.forward(ids, mask, labels, hooks).loss;
    if (!loss.defined() || !loss.requires_grad()) fail("gradient probe: the model's loss does not depend on the probed weights");
    return loss;
}

// Wall clock that waits for the device: CUDA kernels run asynchronously. Two syncs per batch.
double deviceSeconds(const torch::Device& dev) {
    if (dev.is_cuda()) torch::cuda::synchronize();
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool keepGoing(const StopToken* stop) { return !stop || (!stop->stopRequested() && stop->waitWhilePaused()); }

// Distributed probe: each rank filled the rows of its batches in `table` ([batches, parts + 1],
// the last column marks a row done); the all-reduced table, read in batch order, is what one
// process would have collected. Rows no rank finished (a stop) are left out.
void gatherBatches(Communicator& comm, torch::Tensor& table, ProbeStats& stats) {
    comm.allReduceSum(table, "probe all-reduce");
    const int64_t P = table.size(1) - 1;
    for (auto& part : stats.parts) part.gradSq.clear();
    stats.batches = 0;
    const auto rows = table.accessor<double, 2>();
    for (int64_t b = 0; b < table.size(0); ++b) {
        if (rows[b][P] == 0) continue;
        for (int64_t p = 0; p < P; ++p) stats.parts[size_t(p)].gradSq.push_back(rows[b][p]);
        ++stats.batches;
    }
}

// The reference's chunks toggle requires_grad on base weights; always switch them back off.
class TrainableChunk {
public:
    explicit TrainableChunk(std::vector<Linear*> ls) : ls_(std::move(ls)) {
        for (Linear* l : ls_) l->weight.requires_grad_(true);
    }
    ~TrainableChunk() {
        for (Linear* l : ls_) {
            l->weight.mutable_grad().reset();
            l->weight.requires_grad_(false);
        }
    }
    TrainableChunk(const TrainableChunk&) = delete;
    TrainableChunk& operator=(const TrainableChunk&) = delete;

private:
    std::vector<Linear*> ls_;
};

}  // namespace

ModuleTable moduleTable(const Model& model) {
    ModuleTable t;
    t.numLayers = model.numLayers();
    const auto& cfg = model.config();
    const double expertShare =
        cfg.numExperts > 0 ? static_cast<double>(cfg.numExpertsPerTok) / static_cast<double>(cfg.numExperts) : 1.0;
    std::map<std::pair<int, std::string>, size_t> index;
    for (const Linear* l : model.linears()) {
        const auto [it, fresh] = index.emplace(std::make_pair(l->layer, pooledCellModule(*l)), t.modules.size());
        if (!fresh) {
            // Only MoE experts pool under one name; anything else would merge two different
            // projections into one cell (and one of their roles would have no column).
            TargetModule& m = t.modules[it->second];
            std::vector<std::string> roles;
            for (const auto& p : partsOf(*l)) roles.push_back(p.role);
            if (l->expert < 0 || m.in != l->inFeatures() || m.out != l->outFeatures() || m.roles != roles)
                throw Error("gradient probe: two different projections of layer " + std::to_string(l->layer) +
                                " share the module name '" + l->module + "'",
                            {"", l->name, -1});
            ++m.count;
            continue;
        }
        TargetModule m;
        m.layer = l->layer;
        m.module = pooledCellModule(*l);
        m.weight = l->name + ".weight";
        m.pathPattern = pathPatternOf(*l);
        m.in = l->inFeatures();
        m.out = l->outFeatures();
        for (const auto& p : partsOf(*l)) m.roles.push_back(p.role);
        m.kind = kindOfRole(m.roles.front());
        m.tokenFraction = l->expert >= 0 ? expertShare : 1.0;
        t.modules.push_back(std::move(m));
    }
    t.collectRoles();
    return t;
}

ProbeStats probeStats(const Model& model, const std::vector<Batch>& batches,
                      const std::function<void(const ProbeStats&)>& afterBatch, const StopToken* stop,
                      Communicator* comm) {
    comm = distributed(comm);
    Layout lay = layoutOf(model);
    torch::Tensor table;  // distributed only: [batches, parts + 1]
    if (comm) table = torch::zeros({int64_t(batches.size()), int64_t(lay.stats.parts.size()) + 1}, torch::kFloat64);
    std::vector<GradNormSink> sinks(lay.linears.size());
    for (size_t i = 0; i < sinks.size(); ++i) sinks[i].parts = partsOf(*lay.linears[i]);
    // A scalar leaf that requires grad: makes every probed output require grad, so one backward
    // reaches all linears while embeddings and weights stay frozen.
    const auto anchor = torch::zeros({}, torch::TensorOptions().dtype(model.dtype()).device(model.device()))
                            .requires_grad_(true);
    GradNormProbes probes(anchor);
    for (size_t i = 0; i < sinks.size(); ++i) probes.add(*lay.linears[i], &sinks[i]);
    ForwardHooks hooks;
    hooks.probes = &probes;
    for (size_t b = 0; b < batches.size(); ++b) {
        if (comm && int(b % size_t(comm->worldSize())) != comm->rank()) continue;
        const Batch& batch = batches[b];
        if (!keepGoing(stop)) break;
        for (size_t i = 0; i < sinks.size(); ++i) sinks[i].reset(lay.linears[i]->weight);
        {
            torch::AutoGradMode grad(true);
            const double start = deviceSeconds(model.device());
            const auto loss = lossOf(model, batch, hooks);
            const double forwardEnd = deviceSeconds(model.device());
            loss.backward();
            lay.stats.timing.push_back({batch.input_ids.size(0), batch.input_ids.size(1), forwardEnd - start,
                                        deviceSeconds(model.device()) - forwardEnd});
        }
        for (size_t i = 0; i < sinks.size(); ++i) {
            if (sinks[i].calls > 1)
                throw Error("gradient probe: projection used more than once per forward (norms would not add up)",
                            {"", lay.linears[i]->name, -1});
            const auto sq = sinks[i].gradSq.cpu();
            for (size_t p = 0; p < sinks[i].parts.size(); ++p) {
                const double v = sq[static_cast<int64_t>(p)].item<double>();
                lay.stats.parts[lay.firstPart[i] + p].gradSq.push_back(v);
                if (comm) table[int64_t(b)][int64_t(lay.firstPart[i] + p)] = v;
            }
        }
        if (comm) table[int64_t(b)][table.size(1) - 1] = 1.0;
        ++lay.stats.batches;
        if (afterBatch) afterBatch(lay.stats);
    }
    if (comm) gatherBatches(*comm, table, lay.stats);
    return lay.stats;
}

ProbeScores runProbe(const Model& model, const std::vector<Batch>& batches, const ProbeOptions& options,
                     const ProbeObserver& observer, const StopToken* stop) {
    const int total = static_cast<int>(batches.size());
    auto stats = probeStats(
        model, batches,
        [&](const ProbeStats& running) {
            if (observer) observer(scoreStats(running, options.rule), running.batches, total);
        },
        stop, options.comm);
    return scoreStats(stats, options.rule);
}

ProbeStats referenceProbeStats(const Model& model, const std::vector<Batch>& batches, int chunkLayers,
                               const StopToken* stop) {
    if (chunkLayers <= 0) fail("reference probe: chunk size must be positive");
    Layout lay = layoutOf(model);
    const int L = model.numLayers();
    for (const auto& batch : batches) {
        if (!keepGoing(stop)) break;
        for (int c = 0; c < L; c += chunkLayers) {
            std::vector<size_t> chunk;
            std::vector<Linear*> ls;
            for (size_t i = 0; i < lay.linears.size(); ++i)
                if (lay.linears[i]->layer >= c && lay.linears[i]->layer < c + chunkLayers) {
                    chunk.push_back(i);
                    ls.push_back(lay.linears[i]);
                }
            TrainableChunk trainable(ls);
            {
                torch::AutoGradMode grad(true);
                lossOf(model, batch).backward();
            }
            torch::NoGradGuard noGrad;
            for (size_t i : chunk) {
                const auto& g = lay.linears[i]->weight.grad();  // [out, in], the full gradient
                const auto rowSq = g.defined() ? g.to(torch::kDouble).square().sum(1)
                                               : torch::zeros({lay.linears[i]->outFeatures()}, torch::kDouble);
                const auto parts = partsOf(*lay.linears[i]);
                for (size_t p = 0; p < parts.size(); ++p)
                    lay.stats.parts[lay.firstPart[i] + p].gradSq.push_back(selectPart(rowSq, parts[p]).sum().item<double>());
            }
        }
        ++lay.stats.batches;
    }
    return lay.stats;
}

}  // namespace aletheia
