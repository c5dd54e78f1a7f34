// Checks that span keys (a policy and the value it needs) and that touch the disk.
#include <filesystem>

#include "core/config/experiment_io.h"

namespace aletheia {

namespace fs = std::filesystem;

namespace {

void checkPlan(const PlanSection& plan, std::vector<ConfigProblem>& out) {
    if (plan.policy == "ranks" && plan.ranks.empty())
        out.push_back({"plan.policy", -1, "policy 'ranks' needs a non-empty plan.ranks table"});
    if (plan.policy == "file" && plan.file.empty())
        out.push_back({"plan.policy", -1, "policy 'file' needs plan.file (a plan.yaml from `aletheia plan`)"});
    if (plan.allocation == "budget" && plan.budget <= 0)
        out.push_back({"plan.budget", -1, "allocation 'budget' needs plan.budget > 0 (trainable parameters)"});
    if (plan.policy == "manual" && plan.include.empty())
        out.push_back({"plan.policy", -1, "policy 'manual' needs plan.include (the modules to adapt)"});
}

void checkFilesExist(const ExperimentConfig& cfg, std::vector<ConfigProblem>& out) {
    if (cfg.model.path.empty()) {
        out.push_back({"model.path", -1, "required: the model checkpoint directory"});
    } else if (!fs::is_directory(cfg.model.path)) {
        out.push_back({"model.path", -1, "model directory not found: " + cfg.model.path});
    } else if (!fs::is_regular_file(fs::path(cfg.model.path) / "config.json")) {
        out.push_back({"model.path", -1, "no config.json in " + cfg.model.path +
                                             " (expected a Hugging Face checkpoint folder)"});
    }
    if (cfg.data.train.empty()) out.push_back({"data.train", -1, "required: the training data file (JSONL)"});
    auto mustExist = [&](const char* key, const std::string& p) {
        if (!p.empty() && !fs::is_regular_file(p)) out.push_back({key, -1, "file not found: " + p});
    };
    mustExist("data.train", cfg.data.train);
    mustExist("data.validation", cfg.data.validation);
    mustExist("data.forgetting", cfg.data.forgetting);
    mustExist("data.multiple_choice", cfg.data.multiple_choice);
    mustExist("data.exact_match", cfg.data.exact_match);
    mustExist("plan.file", cfg.plan.file);
}

}  // namespace

std::vector<ConfigProblem> checkExperiment(const ExperimentConfig& cfg, bool checkFiles) {
    std::vector<ConfigProblem> out;
    checkPlan(cfg.plan, out);
    if (cfg.train.max_steps > 0 && cfg.train.warmup_steps > cfg.train.max_steps)
        out.push_back({"train.warmup_steps", -1,
                       "must not exceed train.max_steps (" + std::to_string(cfg.train.max_steps) + ")"});
    if (!cfg.data.validation.empty() && cfg.data.val_set_size > 0)
        out.push_back({"data.val_set_size", -1, "set either data.validation or data.val_set_size, not both"});
    if (checkFiles) checkFilesExist(cfg, out);
    return out;
}

}  // namespace aletheia
