#include "core/session/experiment_plan.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/user_regex.h"
#include "core/model/cell_name.h"
#include "core/plan/plan_io.h"
#include "core/plan/plan_table.h"
#include "core/plan/probe_calibration.h"

namespace aletheia {

RankOptions rankOptionsFor(const ExperimentConfig& cfg) {
    RankOptions r;
    r.policy = rankPolicyFromName(cfg.plan.allocation);
    r.rank = cfg.lora.lora_r;
    r.attentionRank = cfg.plan.attention_r;
    r.mlpRank = cfg.plan.mlp_r;
    r.budget = cfg.plan.budget;
    if (cfg.lora.use_rslora) {
        r.alphaRule = AlphaRule::RsLora;
        r.alpha = cfg.lora.lora_alpha;
    } else if (cfg.lora.alpha_rule == "fixed") {
        r.alphaRule = AlphaRule::Fixed;
        r.alpha = cfg.lora.lora_alpha;
    } else {
        r.alphaRule = AlphaRule::Ratio;
        r.alphaRatio = cfg.lora.alpha_ratio;
    }
    return r;
}

namespace {

// policy: ranks — the explicit table, keyed by HF module path ("model.layers.3.mlp.down_proj").
// A path naming one expert ("...experts.3.w1") plans that expert alone; a pattern matching every
// expert ("...experts.\\d+.w1") plans all of them.
AdapterPlan planFromRankTable(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                              const RankOptions& r) {
    AdapterPlan plan;
    for (const auto& entry : cfg.plan.ranks) {
        // Named copies: C++17 lambdas cannot capture structured bindings (clang refuses).
        const std::string& path = entry.first;
        const auto rank = entry.second;
        const auto linears = model.linears();
        const auto exact = std::find_if(linears.begin(), linears.end(), [&](const Linear* l) { return l->name == path; });
        if (exact != linears.end()) {
            plan.cells.push_back({(*exact)->layer, cellModule(**exact), rank, alphaFor(rank, r)});
            continue;
        }
        auto it = std::find_if(table.modules.begin(), table.modules.end(), [&](const TargetModule& m) {
            return m.weight == path + ".weight" || UserRegex(m.pathPattern).fullMatch(path);
        });
        if (it == table.modules.end())
            throw Error("no projection named '" + path + "' in " + cfg.model.path + " (e.g. " +
                            (table.modules.empty() ? "" : table.modules[0].weight.substr(0, table.modules[0].weight.size() - 7)) +
                            "; `aletheia inspect` lists them)",
                        {"", "plan.ranks", -1});
        plan.cells.push_back({it->layer, it->module, rank, alphaFor(rank, r)});
    }
    return plan;
}

// lora_target_modules / layers_to_transform narrow whatever the policy chose.
void restrictCells(const ExperimentConfig& cfg, AdapterPlan& plan) {
    const auto& mods = cfg.lora.lora_target_modules;
    const auto& layers = cfg.lora.layers_to_transform;
    std::vector<AdapterCell> kept;
    for (const auto& c : plan.cells) {
        // PEFT names: "w1" keeps every expert's w1 cell ("experts.*.w1", "experts.3.w1").
        if (!mods.empty() && std::find(mods.begin(), mods.end(), c.module) == mods.end() &&
            std::find(mods.begin(), mods.end(), peftModuleOfCell(c.module)) == mods.end())
            continue;
        if (!layers.empty() && std::find(layers.begin(), layers.end(), c.layer) == layers.end()) continue;
        kept.push_back(c);
    }
    plan.cells = std::move(kept);
}

}  // namespace

StepShape stepShapeFor(const ExperimentConfig& cfg, const Model& model) {
    const ModelSummary sum = model.summary();
    StepShape shape;
    shape.batch = cfg.train.micro_batch_size;
    shape.seq = cfg.data.sequence_len;
    shape.hidden = sum.hiddenSize;
    shape.vocab = sum.vocabSize;
    shape.attnDim = sum.heads * sum.headDim;
    return shape;
}

std::unique_ptr<CostModel> costModelFor(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                                        const ProbeScores* timedProbe) {
    const StepShape shape = stepShapeFor(cfg, model);
    const CostCoefficients coeff =
        timedProbe ? coefficientsFromProbe(table, shape, timedProbe->timing) : CostCoefficients{};
    return std::make_unique<CostModel>(table, shape, coeff, cfg.lora.lora_r);
}

ExperimentConfig uniformExperiment(const ExperimentConfig& cfg) {
    ExperimentConfig uniform = cfg;
    uniform.plan.policy = "uniform";
    uniform.plan.allocation = "uniform";
    uniform.plan.include.clear();
    uniform.plan.exclude.clear();
    uniform.lora.layers_to_transform.clear();
    return uniform;
}

AdapterPlan uniformPlanFor(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table) {
    return planExperiment(uniformExperiment(cfg), model, table,
                          []() -> ProbeScores { throw std::logic_error("uniform needs no scores"); });
}

AdapterPlan planExperiment(const ExperimentConfig& cfg, const Model& model, const ModuleTable& table,
                           const std::function<ProbeScores()>& probe) {
    const RankOptions ranks = rankOptionsFor(cfg);
    AdapterPlan plan;
    if (cfg.plan.policy == "file") {
        plan = loadPlan(cfg.plan.file);
    } else if (cfg.plan.policy == "ranks") {
        plan = planFromRankTable(cfg, model, table, ranks);
    } else {
        PlanOptions o;
        o.selection.policy = selectionPolicyFromName(cfg.plan.policy);
        o.selection.topPct = cfg.plan.top_pct;
        o.selection.threshold = cfg.plan.threshold;
        o.selection.stepBudget = cfg.plan.step_budget;
        o.selection.include = cfg.plan.include;
        o.selection.exclude = cfg.plan.exclude;
        o.ranks = ranks;
        o.dropout = cfg.lora.lora_dropout;
        const bool needsScores = o.selection.policy != SelectionPolicy::Uniform &&
                                 o.selection.policy != SelectionPolicy::Manual;
        const ProbeScores scores = needsScores ? probe() : unscored(table);
        const auto cost = costModelFor(cfg, model, table);
        plan = makePlan(scores, o, cost.get());
    }
    if (cfg.plan.policy != "file") {
        plan.dropout = cfg.lora.lora_dropout;
        plan.rslora = cfg.lora.use_rslora;
    }
    restrictCells(cfg, plan);
    if (plan.cells.empty())
        throw Error("the plan adapts no module (check plan.policy, include/exclude, lora_target_modules, "
                    "layers_to_transform)",
                    {"", "plan", -1});
    validatePlan(plan, table);
    return plan;
}

}  // namespace aletheia
