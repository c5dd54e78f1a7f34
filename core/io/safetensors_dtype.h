#pragma once
// The dtype names of the safetensors format and their torch counterparts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/ScalarType.h>

namespace aletheia {

// Bytes per element of a safetensors dtype name; nullopt for a name the format does not define.
std::optional<int64_t> safetensorsDtypeSize(const std::string& name);
// The torch type for a name, nullopt when this libtorch has none (U16..U64, F8 before torch 2.1).
std::optional<c10::ScalarType> torchTypeOf(const std::string& name);
// The safetensors name of a torch type; throws for types the format cannot store.
std::string safetensorsDtypeName(c10::ScalarType t);
// Every name the format defines, for error messages.
const std::vector<std::string>& safetensorsDtypeNames();

}  // namespace aletheia
