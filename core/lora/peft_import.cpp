#include "core/lora/peft_import.h"

#include <filesystem>
#include <cmath>
#include <map>
#include <type_traits>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_reader.h"
#include "core/lora/lora_adapter.h"
#include "core/lora/peft_export.h"
#include "core/lora/peft_names.h"
#include "core/model/model.h"

namespace aletheia {
namespace fs = std::filesystem;

namespace {
// An alpha from adapter_config.json: a positive finite number.
double alphaValue(const nlohmann::json& v, const std::string& file, const std::string& key) {
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
        failIn(file, "alpha must be a positive number, got " + v.dump(), key);
    return v.get<double>();
}

// An optional flag or number of adapter_config.json, its type checked (value() would throw
// nlohmann's own exception, naming neither the file nor the key).
template <class T>
T optionalField(const nlohmann::json& cfg, const char* key, T fallback, const std::string& file) {
    const auto it = cfg.find(key);
    if (it == cfg.end() || it->is_null()) return fallback;
    if (std::is_same_v<T, bool> ? !it->is_boolean() : !it->is_number())
        failIn(file, std::string("expected ") + (std::is_same_v<T, bool> ? "true or false" : "a number") + ", got " +
                         it->dump().substr(0, 80), key);
    return it->get<T>();
}
}  // namespace

AdapterSet importPeft(const Model& model, const std::string& dir) {
    const std::string configPath = (fs::path(dir) / "adapter_config.json").string();
    const std::string weightsPath = (fs::path(dir) / "adapter_model.safetensors").string();
    if (!fs::exists(configPath)) failIn(dir, "not a PEFT adapter directory (no adapter_config.json)");
    if (!fs::exists(weightsPath)) {
        if (fs::exists(fs::path(dir) / "adapter_model.bin"))
            failIn(dir, "adapter_model.bin (pickle) is not supported; re-save the adapter with safetensors");
        failIn(dir, "adapter_model.safetensors is missing");
    }
    const nlohmann::json cfg = readJsonFile(configPath);
    if (!cfg.is_object()) failIn(configPath, "expected a JSON object");
    if (!cfg.contains("peft_type") || cfg["peft_type"] != "LORA")
        failIn(configPath, "only LoRA adapters can be imported, this is " +
                               (cfg.contains("peft_type") ? cfg["peft_type"].dump().substr(0, 80) : std::string("not said")),
               "peft_type");
    if (optionalField(cfg, "use_dora", false, configPath)) failIn(configPath, "DoRA adapters are not supported", "use_dora");
    const double defaultAlpha = cfg.contains("lora_alpha") ? alphaValue(cfg["lora_alpha"], configPath, "lora_alpha") : 8.0;
    const nlohmann::json alphaPattern = cfg.value("alpha_pattern", nlohmann::json::object());
    if (!alphaPattern.is_object()) failIn(configPath, "expected an object of regex -> alpha", "alpha_pattern");

    std::map<std::string, Linear*> byName;
    for (Linear* l : model.linears()) byName[l->name] = l;

    auto file = SafetensorsFile::open(weightsPath);
    std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> weights;  // path -> (A, B)
    for (const auto& e : file->entries()) {
        const auto key = parsePeftKey(e.name);
        if (!key) failIn(weightsPath, "unsupported adapter tensor (only lora_A/lora_B of linear modules)", e.name);
        if (!byName.count(key->modulePath))
            failIn(weightsPath, "the adapter targets module '" + key->modulePath + "', which this model does not have",
                   e.name);
        auto& slot = weights[key->modulePath];
        (key->which == 'A' ? slot.first : slot.second) = file->tensor(e.name);
    }

    std::map<std::string, LoraSpec> specs;  // path -> spec, all checked before any adapter is made
    for (const auto& [path, ab] : weights) {
        Linear* l = byName[path];
        const auto& [A, B] = ab;
        if (!A.defined() || !B.defined()) failIn(weightsPath, "lora_A and lora_B must both be present", path);
        if (A.dim() != 2 || B.dim() != 2 || A.size(1) != l->inFeatures() || B.size(0) != l->outFeatures() ||
            A.size(0) != B.size(1))
            failIn(weightsPath,
                   "LoRA shapes A " + c10::str(A.sizes()) + ", B " + c10::str(B.sizes()) + " do not fit module [out " +
                       std::to_string(l->outFeatures()) + ", in " + std::to_string(l->inFeatures()) + "]",
                   path);
        std::string alphaKey;
        try {
            alphaKey = peftPatternKey(alphaPattern, path);
        } catch (const Error& e) {
            failIn(configPath, e.problem(), "alpha_pattern." + e.context().item);
        }
        LoraSpec spec;
        spec.rank = int(A.size(0));
        spec.alpha = alphaKey.empty() ? defaultAlpha : alphaValue(alphaPattern[alphaKey], configPath, "alpha_pattern." + alphaKey);
        spec.rslora = optionalField(cfg, "use_rslora", false, configPath);
        spec.dropout = optionalField(cfg, "lora_dropout", 0.0, configPath);
        if (!(spec.dropout >= 0 && spec.dropout < 1))
            failIn(configPath, "must be in [0, 1), got " + std::to_string(spec.dropout), "lora_dropout");
        if (spec.rank < 1) failIn(weightsPath, "rank 0 (lora_A has no rows)", path);
        specs[path] = spec;
    }
    if (specs.empty()) failIn(weightsPath, "the adapter holds no LoRA weights");

    AdapterSet set;
    for (const Linear* l : model.linears()) {  // model order, as applyPlan makes them
        const auto it = specs.find(l->name);
        if (it == specs.end()) continue;
        const auto& [A, B] = weights[l->name];
        set.add(*l, LoraAdapter(A, B, it->second, l->weight.device()));
    }
    return set;
}

void loadPeftValues(const std::vector<TrainableParam>& params, const std::string& dir) {
    const std::string weightsPath = (fs::path(dir) / "adapter_model.safetensors").string();
    if (!fs::exists(weightsPath)) failIn(dir, "adapter_model.safetensors is missing");
    auto file = SafetensorsFile::open(weightsPath);
    torch::NoGradGuard noGrad;
    for (const auto& p : params) {
        // p.name is "<module path>.lora_A" / ".lora_B" (applyPlan's naming).
        const auto at = p.name.rfind(".lora_");
        if (at == std::string::npos || at + 7 != p.name.size()) failIn(dir, "not a LoRA tensor", p.name);
        std::string key = peftKey(p.name.substr(0, at), p.name.back());
        if (!file->contains(key)) key = key.substr(0, key.size() - 7) + ".default.weight";  // older PEFT files
        if (!file->contains(key)) failIn(weightsPath, "no initial value for " + p.name, p.name);
        const torch::Tensor value = file->tensor(key);
        if (value.sizes() != p.tensor.sizes())
            failIn(weightsPath, "shape " + c10::str(value.sizes()) + " where the plan needs " + c10::str(p.tensor.sizes()),
                   key);
        p.tensor.copy_(value);
    }
}

}  // namespace aletheia
