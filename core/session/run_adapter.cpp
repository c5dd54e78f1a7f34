#include "core/session/run_adapter.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/lora/peft_import.h"
#include "core/plan/plan_io.h"
#include "core/train/checkpoint.h"
#include "core/train/checkpoint_adapters.h"

namespace aletheia {

namespace fs = std::filesystem;

std::optional<RunAdapter> checkpointAdapter(const std::string& dir) {
    const std::string planPath = (fs::path(dir) / "plan.yaml").string();
    const std::string ckpt = latestCheckpoint((fs::path(dir) / "checkpoints").string());
    if (!fs::exists(planPath) || ckpt.empty()) return std::nullopt;
    return RunAdapter{ckpt, [planPath, ckpt](const Model& model) { return loadCheckpointAdapters(model, loadPlan(planPath), ckpt); }};
}

RunAdapter peftAdapter(const std::string& adapterDir) {
    // Checked now, not when attached: a typo should not cost a whole base-model evaluation first.
    if (!fs::exists(fs::path(adapterDir) / "adapter_config.json"))
        failIn(adapterDir, "no adapter_config.json here (expected a PEFT adapter directory)");
    return {adapterDir, [adapterDir](const Model& model) { return importPeft(model, adapterDir); }};
}

std::optional<RunAdapter> findRunAdapter(const std::string& dir, const std::string& explicitDir) {
    if (!explicitDir.empty()) return peftAdapter(explicitDir);
    const fs::path exported = fs::path(dir) / "adapter";
    if (fs::exists(exported / "adapter_config.json")) return peftAdapter(exported.string());
    return checkpointAdapter(dir);
}

}  // namespace aletheia
