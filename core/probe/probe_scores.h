#pragma once
// What a probe produces: raw per-weight gradient statistics (rule-independent) and, for one
// scoring rule, the matrices the UI shows and the planner reads. Plain data, no tensors,
// so that re-scoring and re-planning cost microseconds.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/probe/module_table.h"
#include "core/probe/scoring_rule.h"

namespace aletheia {

using Matrix = std::vector<std::vector<double>>;  // [rows][cols]

// Statistics of one logical part (row block) of one weight, e.g. the k rows of a fused
// query_key_value. Unfused weights have exactly one part covering every row.
struct PartStat {
    int target = -1;                  // index into ModuleTable::modules
    std::string weight;               // HF weight name (several parts may share it)
    int expert = -1;                  // MoE expert index, -1 for dense projections
    std::string role;                 // q, k, v, o, gate, up, down, router, shared_gate
    std::int64_t rows = 0;            // rows of the part; columns are the target's `in`
    double weightSq = 0.0;            // ||W_part||_F^2
    std::vector<double> gradSq;       // per batch: ||dL/dW_part||_F^2
};

// Wall time of one probe batch, forward (to the loss) and backward, on the probe's own data,
// shape and device: what the cost model calibrates its seconds per FLOP from (probe_calibration.h).
struct ProbeBatchTiming {
    std::int64_t rows = 0, seq = 0;   // the batch's shape [rows, seq]
    double forwardSeconds = 0.0, backwardSeconds = 0.0;
};

struct ProbeStats {
    ModuleTable table;
    std::vector<PartStat> parts;
    int batches = 0;                  // batches accumulated so far (every gradSq has this size)
    std::vector<ProbeBatchTiming> timing;  // per batch of this process (a distributed probe: its own)
};

// One (layer, expert, role) cell of a MoE layer, so the UI can open an expert breakdown.
struct ExpertScore {
    int layer = -1;
    int expert = -1;
    std::string role;
    double score = 0.0;
};

struct ProbeScores {
    ScoringRule rule = ScoringRule::GradNorm;
    int batches = 0;
    ModuleTable table;                        // the real modules (what a plan can target)
    std::vector<std::string> modules;         // logical columns (= table.roles)

    Matrix scores;                            // [L][M] per logical cell; experts summed per layer
    Matrix spread;                            // [L][M] std/mean of the per-batch cell scores (0: stable)
    std::vector<Matrix> history;              // [B][L][M] per-batch cell scores
    // Score of a weight = the rule applied to the whole weight (all its parts). A target's score
    // is the sum over its weights (experts), a layer's the sum over its targets: for grad_norm
    // exactly the reference's "sum of the gradient norms of every weight in the layer".
    std::vector<double> targetScores;         // [table.modules]: what plans rank
    std::vector<double> layerScores;          // [L] sum of targetScores
    Matrix layerHistory;                      // [B][L] per-batch layer scores
    std::map<std::string, double> weightGradNorms;  // HF weight name -> mean over batches of ||dW||_F
    std::vector<ExpertScore> experts;         // MoE detail (empty for dense models)
    std::vector<ProbeBatchTiming> timing;     // how long each batch took (empty: scores from an old file)

    int numLayers() const { return table.numLayers; }
    // Fraction of batches whose top-`pct` layer set equals the final one (1: ranking stable).
    double topLayerAgreement(double pct) const;
};

// Applies a rule to raw statistics. Cheap: call again to switch rule without re-probing.
ProbeScores scoreStats(const ProbeStats& stats, ScoringRule rule);

// Layers ranked by score, best first; ties broken by lower layer index (deterministic).
std::vector<int> rankLayers(const std::vector<double>& layerScores);
// The reference rule: the ceil(pct% of L) best layers, ascending layer order.
std::vector<int> topLayers(const std::vector<double>& layerScores, double pct);

}  // namespace aletheia
