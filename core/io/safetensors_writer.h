#pragma once
// Writes .safetensors files readable by the official library and by older transformers.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace aletheia {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Tensors are laid out in the given order; the header is space-padded to a multiple of 8 and always
// carries __metadata__ {"format": "pt"} (older transformers refuse files without it) plus `metadata`.
// Written atomically (temp file + rename). Tensors may live on any device and need not be contiguous.
void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace aletheia
