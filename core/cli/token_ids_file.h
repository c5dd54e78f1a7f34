#pragma once
// ids.json for `forward` and `probe --ids`: a JSON array of equal-length arrays of token ids.
#include <string>

#include <torch/types.h>

namespace aletheia::cli {

// int64 [B, T]; throws aletheia::Error naming the file and what is wrong with it.
torch::Tensor readTokenIds(const std::string& path);

}  // namespace aletheia::cli
