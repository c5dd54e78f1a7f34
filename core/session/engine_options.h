#pragma once
// Turning the user's words for dtype and device ("bf16", "cuda:1", "auto") into torch values.
#include <optional>
#include <string>

#include <torch/types.h>

namespace aletheia::cli {

// "auto" -> nullopt (the checkpoint's own dtype); "fp32" | "bf16" | "fp16". Throws Error otherwise.
std::optional<torch::Dtype> parseDtype(const std::string& name);
// "auto" -> cuda when available, else cpu; "cpu" | "cuda" | "cuda:N". Throws Error otherwise,
// and when CUDA is asked for but absent.
torch::Device parseDevice(const std::string& name);

}  // namespace aletheia::cli
