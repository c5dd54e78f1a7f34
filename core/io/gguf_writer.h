#pragma once
// Writes GGUF v3 files, the format llama.cpp and Ollama load: header, typed key/value metadata,
// tensor infos, then the tensor data, every tensor aligned to general.alignment (32).
// Only what our exports need: scalar/string/array metadata, f32/f16/bf16/q8_0 tensors.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <torch/types.h>

namespace aletheia {

// ggml_type ids as stored in the file.
enum class GgufType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30 };

// "f32" | "f16" | "bf16" | "q8_0" (as `--gguf-type` spells them); throws aletheia::Error otherwise.
GgufType ggufTypeFromName(const std::string& name);
std::string ggufTypeName(GgufType t);
// general.file_type (llama_ftype) of a file whose big tensors are of type `t`.
uint32_t ggufFileType(GgufType t);

using GgufValue = std::variant<std::string, uint32_t, int32_t, float, bool, std::vector<std::string>,
                               std::vector<int32_t>, std::vector<float>>;

struct GgufTensor {
    std::string name;
    torch::Tensor data;  // torch order [..., ne1, ne0]: the file stores the shape reversed (ne order)
    GgufType type;       // q8_0 needs the last dimension (ne0) a multiple of 32
};

struct GgufFile {
    std::vector<std::pair<std::string, GgufValue>> metadata;  // general.alignment is added by the writer
    std::vector<GgufTensor> tensors;
};

constexpr uint64_t kGgufAlignment = 32;
constexpr int64_t kQ8Block = 32;  // values per block_q8_0

// The type a tensor of `wanted` type is stored as, as llama.cpp's converters choose it: 1-D tensors
// (norms, biases) stay f32; q8_0 falls back to f16 when rows are not a multiple of 32.
GgufType storedGgufType(GgufType wanted, const torch::Tensor& t);

// Writes `file` to `path` atomically (temp file + rename): an existing file is replaced whole or
// not at all. Tensors are converted one at a time on the CPU. Errors name `path` and the tensor.
void writeGguf(const std::string& path, const GgufFile& file);

// ggml's block_q8_0 of each run of 32 values of `x` (any float dtype, numel % 32 == 0):
// fp16 scale d = amax / 127, then int8 q = round(x / d) (half away from zero, as ggml's roundf),
// 34 bytes per block -> uint8 tensor [numel / 32 * 34].
torch::Tensor quantizeQ8_0(const torch::Tensor& x);

}  // namespace aletheia
