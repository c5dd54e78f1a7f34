#include "core/lora/peft_export.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/common/test_pause.h"
#include "core/io/atomic_dir.h"
#include "core/common/user_regex.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_writer.h"
#include "core/lora/adapter_set.h"
#include "core/lora/apply_plan.h"
#include "core/lora/peft_names.h"
#include "core/model/model.h"

namespace aletheia {
namespace {

template <class T>
T mostCommon(const std::vector<T>& values) {
    std::map<T, int> count;
    for (const auto& v : values) ++count[v];
    return std::max_element(count.begin(), count.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

std::vector<Linear*> linearsOf(const Model& model, const AdapterCell& c) {
    auto ls = cellLinears(model, c.layer, c.module);
    if (ls.empty())
        fail("the plan adapts layer " + std::to_string(c.layer) + " module '" + c.module +
             "', which this model does not have");
    return ls;
}

// The module paths PEFT would adapt for this target list and layer list.
std::set<std::string> peftSelection(const Model& model, const std::vector<std::string>& targets,
                                    const std::set<int>& layers, const std::string& layersPattern) {
    std::set<std::string> out;
    for (const Linear* l : model.linears()) {
        bool hit = false;
        for (const auto& t : targets) hit = hit || peftTargetMatches(t, l->name);
        if (hit && layers.count(peftLayerIndex(l->name, layersPattern))) out.insert(l->name);
    }
    return out;
}

}  // namespace

std::string baseModelNameFor(const std::string& modelDir) {
    const auto config = std::filesystem::path(modelDir) / "config.json";
    if (std::filesystem::exists(config)) {
        const auto j = readJsonFile(config.string());
        if (j.is_object() && j.contains("_name_or_path") && j["_name_or_path"].is_string() &&
            !j["_name_or_path"].get<std::string>().empty())
            return j["_name_or_path"].get<std::string>();
    }
    return std::filesystem::absolute(modelDir).lexically_normal().string();
}

bool peftTargetMatches(const std::string& target, const std::string& key) {
    if (key == target) return true;
    return key.size() > target.size() && key.compare(key.size() - target.size(), target.size(), target) == 0 &&
           key[key.size() - target.size() - 1] == '.';
}

std::string peftPatternKey(const nlohmann::json& pattern, const std::string& key) {
    if (!pattern.is_object()) return "";
    if (pattern.contains(key)) return key;
    for (const auto& [k, v] : pattern.items()) {
        (void)v;
        // PEFT: re.match(rf"(.*\.)?({key})$", module). A key that does not compile or
        // backtracks without end fails here, as it would in PEFT (there: forever).
        try {
            if (UserRegex("(.*\\.)?(" + k + ")").fullMatch(key)) return k;
        } catch (const Error& e) {
            throw Error(e.problem(), {"", k, -1});
        }
    }
    return "";
}

nlohmann::json peftConfig(const Model& model, const AdapterPlan& plan, const std::string& baseModelName) {
    if (plan.cells.empty()) fail("cannot export an empty adapter plan");
    std::vector<int> ranks;
    std::vector<double> alphas;
    std::vector<std::string> modules;
    std::set<int> layers;
    std::set<std::string> planned;
    std::string layersPattern;
    bool conv1d = false;
    for (const auto& c : plan.cells) {
        for (const Linear* l : linearsOf(model, c)) {
            ranks.push_back(c.rank);
            alphas.push_back(c.alpha);
            if (std::find(modules.begin(), modules.end(), l->module) == modules.end()) modules.push_back(l->module);
            planned.insert(l->name);
            if (layersPattern.empty()) layersPattern = layersPatternOf(l->name, l->layer);
            conv1d = conv1d || l->conv1d;
        }
        layers.insert(c.layer);
    }
    const int r = mostCommon(ranks);
    const double alpha = mostCommon(alphas);

    // Short names read best, but only when PEFT would then pick exactly the planned cells
    // (selective plans and suffix clashes like mlp.gate_proj vs shared_expert.gate_proj).
    std::vector<std::string> targets = modules;
    if (peftSelection(model, targets, layers, layersPattern) != planned)
        targets.assign(planned.begin(), planned.end());
    if (peftSelection(model, targets, layers, layersPattern) != planned)
        fail("cannot express this plan as PEFT target_modules (module paths without a layer index?)");

    nlohmann::json rankPattern = nlohmann::json::object(), alphaPattern = nlohmann::json::object();
    for (const auto& c : plan.cells)
        for (const Linear* l : linearsOf(model, c)) {
            if (c.rank != r) rankPattern[l->name] = c.rank;
            if (c.alpha != alpha) alphaPattern[l->name] = c.alpha;
        }

    nlohmann::json j;
    j["peft_type"] = "LORA";
    j["task_type"] = "CAUSAL_LM";
    j["base_model_name_or_path"] = baseModelName;
    j["r"] = r;
    j["lora_alpha"] = alpha;
    j["lora_dropout"] = plan.dropout;
    j["use_rslora"] = plan.rslora;
    j["target_modules"] = targets;
    j["layers_to_transform"] = std::vector<int>(layers.begin(), layers.end());
    j["layers_pattern"] = layersPattern;
    j["rank_pattern"] = rankPattern;
    j["alpha_pattern"] = alphaPattern;
    j["fan_in_fan_out"] = conv1d;
    j["bias"] = "none";
    j["modules_to_save"] = nullptr;
    j["init_lora_weights"] = true;
    j["inference_mode"] = true;
    j["use_dora"] = false;
    j["revision"] = nullptr;
    return j;
}

void exportPeft(const Model& model, const AdapterSet& adapters, const AdapterPlan& plan, const std::string& dir,
                const std::string& baseModelName) {
    const nlohmann::json config = peftConfig(model, plan, baseModelName);
    NamedTensors tensors;
    for (const auto& c : plan.cells)
        for (const Linear* l : linearsOf(model, c)) {
            const LoraAdapter* a = adapters.find(l->name);
            if (!a || a->spec().rank != c.rank)
                fail("layer " + std::to_string(c.layer) + " '" + cellModule(*l) + "' carries no LoRA adapter of rank " +
                     std::to_string(c.rank) + "; export the plan the model was trained with");
            tensors.emplace_back(peftKey(l->name, 'A'), a->A.detach().to(torch::kCPU, torch::kFloat32).contiguous());  // [r, in]
            tensors.emplace_back(peftKey(l->name, 'B'), a->B.detach().to(torch::kCPU, torch::kFloat32).contiguous());  // [out, r]
        }
    // Over an existing adapter: the old one stays whole until the new one is complete.
    replaceDirectoryAtomically(dir, [&](const std::filesystem::path& tmp) {
        writeSafetensors((tmp / "adapter_model.safetensors").string(), tensors);
        testPauseAt("export");
        writeJsonFile((tmp / "adapter_config.json").string(), config);
    });
}

}  // namespace aletheia
