#include "core/io/safetensors_dtype.h"

#include <torch/version.h>

#include "core/common/error.h"

namespace aletheia {
namespace {

struct DtypeRow {
    const char* name;
    int64_t size;
    std::optional<c10::ScalarType> torch;
};

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define ALETHEIA_HAS_FLOAT8 1
#endif

const std::vector<DtypeRow>& rows() {
    static const std::vector<DtypeRow> r = {
        {"BOOL", 1, c10::ScalarType::Bool},     {"U8", 1, c10::ScalarType::Byte},
        {"I8", 1, c10::ScalarType::Char},       {"I16", 2, c10::ScalarType::Short},
        {"U16", 2, std::nullopt},               {"F16", 2, c10::ScalarType::Half},
        {"BF16", 2, c10::ScalarType::BFloat16}, {"I32", 4, c10::ScalarType::Int},
        {"U32", 4, std::nullopt},               {"F32", 4, c10::ScalarType::Float},
        {"F64", 8, c10::ScalarType::Double},    {"I64", 8, c10::ScalarType::Long},
        {"U64", 8, std::nullopt},
#ifdef ALETHEIA_HAS_FLOAT8
        {"F8_E4M3", 1, c10::ScalarType::Float8_e4m3fn}, {"F8_E5M2", 1, c10::ScalarType::Float8_e5m2},
#else
        {"F8_E4M3", 1, std::nullopt},           {"F8_E5M2", 1, std::nullopt},
#endif
    };
    return r;
}

}  // namespace

std::optional<int64_t> safetensorsDtypeSize(const std::string& name) {
    for (const auto& r : rows())
        if (name == r.name) return r.size;
    return std::nullopt;
}

std::optional<c10::ScalarType> torchTypeOf(const std::string& name) {
    for (const auto& r : rows())
        if (name == r.name) return r.torch;
    return std::nullopt;
}

std::string safetensorsDtypeName(c10::ScalarType t) {
    for (const auto& r : rows())
        if (r.torch && *r.torch == t) return r.name;
    fail(std::string("dtype ") + c10::toString(t) + " cannot be stored in safetensors");
}

const std::vector<std::string>& safetensorsDtypeNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& r : rows()) n.push_back(r.name);
        return n;
    }();
    return names;
}

}  // namespace aletheia
