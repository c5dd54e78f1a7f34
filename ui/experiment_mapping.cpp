#include "ui/experiment_mapping.h"

#include "core/config/train_options_for.h"

namespace aletheia::ui {

PlanOptions planOptionsFrom(const ExperimentConfig& cfg) {
    PlanOptions o;
    const auto& p = cfg.plan;
    if (p.policy == "threshold") o.selection.policy = SelectionPolicy::Threshold;
    else if (p.policy == "manual") o.selection.policy = SelectionPolicy::Manual;
    else o.selection.policy = SelectionPolicy::TopPct;
    o.selection.topPct = p.top_pct;
    o.selection.threshold = p.threshold;
    o.selection.include = p.include;
    o.selection.exclude = p.exclude;
    o.ranks.rank = cfg.lora.lora_r;
    if (p.allocation == "budget") {
        o.ranks.policy = RankPolicy::Budget;
        o.ranks.budget = p.budget;
    } else if (p.allocation == "asymmetric") {
        o.ranks.policy = RankPolicy::Asymmetric;
        o.ranks.attentionRank = cfg.lora.lora_r;
        o.ranks.mlpRank = cfg.lora.lora_r * 4;  // the reference's 16/64 shape scaled from lora_r
    } else {
        o.ranks.policy = RankPolicy::Uniform;
    }
    o.ranks.alphaRatio = cfg.lora.lora_r > 0 ? cfg.lora.lora_alpha / cfg.lora.lora_r : 2.0;
    o.ranks.alphaRule = cfg.lora.use_rslora ? AlphaRule::RsLora : AlphaRule::Ratio;
    o.dropout = cfg.lora.lora_dropout;
    return o;
}

void storePlanOptions(const PlanOptions& o, ExperimentConfig& cfg) {
    auto& p = cfg.plan;
    switch (o.selection.policy) {
    case SelectionPolicy::Threshold: p.policy = "threshold"; break;
    case SelectionPolicy::Manual: p.policy = "manual"; break;
    case SelectionPolicy::Uniform: p.policy = "top_pct"; p.top_pct = 100; break;
    default: p.policy = "top_pct";
    }
    if (o.selection.policy != SelectionPolicy::Uniform) p.top_pct = o.selection.topPct;
    p.threshold = o.selection.threshold;
    p.include = o.selection.include;
    p.exclude = o.selection.exclude;
    switch (o.ranks.policy) {
    case RankPolicy::Budget: p.allocation = "budget"; p.budget = o.ranks.budget; break;
    case RankPolicy::Asymmetric: p.allocation = "asymmetric"; cfg.lora.lora_r = o.ranks.attentionRank; break;
    default: p.allocation = "uniform"; cfg.lora.lora_r = o.ranks.rank;
    }
    cfg.lora.lora_alpha = o.ranks.alphaRatio * cfg.lora.lora_r;
    cfg.lora.use_rslora = o.ranks.alphaRule == AlphaRule::RsLora;
    cfg.lora.lora_dropout = o.dropout;
}

TrainOptions trainOptionsFrom(const ExperimentConfig& cfg) { return trainOptionsFor(cfg, cfg.output.dir); }

void storeTrainOptions(const TrainOptions& o, ExperimentConfig& cfg) {
    auto& t = cfg.train;
    t.learning_rate = o.lr;
    t.lr_scheduler = o.schedule;
    t.warmup_steps = int(o.warmup_steps);
    t.max_steps = int(o.max_steps);
    t.num_epochs = int(o.epochs);
    t.micro_batch_size = int(o.micro_batch);
    t.gradient_accumulation_steps = int(o.grad_accum);
    t.max_grad_norm = o.max_grad_norm;
    t.weight_decay = o.weight_decay;
    t.eval_steps = int(o.eval_every);
    t.eval_batches = int(o.eval_batches);
    t.save_steps = int(o.checkpoint_every);
    t.save_total_limit = int(o.keep_last);
    t.precision = o.precision;
    t.gradient_checkpointing = o.activation_checkpointing;
    t.seed = int64_t(o.seed);
    if (o.max_seq_len > 0) cfg.data.sequence_len = int(o.max_seq_len);
    cfg.output.dir = o.output_dir;
}

}  // namespace aletheia::ui
