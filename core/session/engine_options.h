#pragma once
// Turning the user's words for dtype and device ("bf16", "cuda:1", "auto") into torch values,
// and the experiment's `model:` section into the loader's options: one mapping for CLI and Studio.
#include <optional>
#include <string>

#include <torch/types.h>

#include "core/config/experiment.h"
#include "core/model/model.h"

namespace aletheia {

// "auto" -> nullopt (the checkpoint's own dtype); "fp32" | "bf16" | "fp16". Throws Error otherwise.
std::optional<torch::Dtype> parseDtype(const std::string& name);
// "auto" -> cuda when available, else cpu; "cpu" | "cuda" | "cuda:N". Throws Error otherwise,
// and when CUDA is asked for but absent.
torch::Device parseDevice(const std::string& name);

// dtype and device of config.model (progress and stop are the caller's).
LoadOptions loadOptionsFor(const ModelSection& model);

}  // namespace aletheia
