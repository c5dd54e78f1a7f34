#pragma once
// How PEFT names things: tensor keys of adapter_model.safetensors and the layer index it reads
// from a module path. Shared by export and import so the two cannot drift apart.
#include <optional>
#include <string>

namespace aletheia {

// "model.layers.3.self_attn.q_proj" -> "base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight"
std::string peftKey(const std::string& modulePath, char which /* 'A' or 'B' */);
// The inverse of peftKey: "base_model.model.<path>.lora_A.weight" (or older "...lora_A.default.weight")
// -> {path, 'A'}; nullopt for any other name. Plain string checks: linear in the name's length.
struct PeftKey {
    std::string modulePath;
    char which;
};
std::optional<PeftKey> parsePeftKey(const std::string& tensorName);
// The folder name that precedes the layer number in a module path ("layers", "h", "blocks"...),
// for PEFT's layers_pattern; "" if the path has no ".<layer>." component.
std::string layersPatternOf(const std::string& modulePath, int layer);
// PEFT's layer index of a module path under `layersPattern`: the number after
// ".<layersPattern>." (regex .*\.<pattern>\.(\d+)\.), -1 if absent.
int peftLayerIndex(const std::string& modulePath, const std::string& layersPattern);

}  // namespace aletheia
