#include "core/session/engine_options.h"

#include <torch/cuda.h>

#include <regex>

#include "core/common/error.h"

namespace aletheia {

std::optional<torch::Dtype> parseDtype(const std::string& name) {
    if (name == "auto") return std::nullopt;
    if (name == "fp32" || name == "float32") return torch::kFloat32;
    if (name == "bf16" || name == "bfloat16") return torch::kBFloat16;
    if (name == "fp16" || name == "float16") return torch::kFloat16;
    throw Error("unknown dtype '" + name + "' (expected auto, fp32, bf16 or fp16)");
}

torch::Device parseDevice(const std::string& name) {
    if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    static const std::regex pattern("cpu|cuda(:[0-9]+)?");
    if (!std::regex_match(name, pattern)) throw Error("unknown device '" + name + "' (expected auto, cpu, cuda or cuda:N)");
    const torch::Device d(name);
    if (d.is_cuda() && !torch::cuda::is_available()) throw Error("device '" + name + "': CUDA is not available here");
    return d;
}

LoadOptions loadOptionsFor(const ModelSection& model) {
    LoadOptions options;
    options.dtype = parseDtype(model.dtype);
    options.device = parseDevice(model.device);
    return options;
}

}  // namespace aletheia
