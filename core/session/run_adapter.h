#pragma once
// The trained adapter of a run directory, found where `export` and `eval` look for it, as a
// function that makes it beside a model.
#include <optional>
#include <string>

#include "core/eval/evaluate_sets.h"

namespace aletheia {

struct RunAdapter {
    std::string path;      // what gets attached: a PEFT adapter or a checkpoint directory
    AttachAdapter attach;  // makes its adapter set for a model
};

// The newest checkpoint under <dir>/checkpoints, following <dir>/plan.yaml; nullopt if either is missing.
std::optional<RunAdapter> checkpointAdapter(const std::string& dir);
// A PEFT adapter directory (adapter_config.json + adapter_model.safetensors); throws
// aletheia::Error at once when it has no adapter_config.json, the rest is checked when attached.
RunAdapter peftAdapter(const std::string& adapterDir);
// eval's choice: `explicitDir` (--adapter) if given, else <dir>/adapter/ (from `export`), else the
// newest checkpoint; nullopt when the run has none of them.
std::optional<RunAdapter> findRunAdapter(const std::string& dir, const std::string& explicitDir);

}  // namespace aletheia
