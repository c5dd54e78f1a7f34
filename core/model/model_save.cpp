// Model::save: config.json + model.safetensors, or HF-style shards with an index above a size.
#include <cstdio>
#include <filesystem>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_writer.h"
#include "core/model/model.h"
#include "core/model/model_state.h"

namespace aletheia {

void Model::save(const std::string& dir, int64_t shardBytes) const {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) failIn(dir, "cannot create folder: " + ec.message());
    nlohmann::json cfg = config().toJson();
    cfg["torch_dtype"] = torchDtypeName(dtype());
    writeJsonFile((fs::path(dir) / "config.json").string(), cfg);

    // Greedy split in slot order; a tensor bigger than a shard gets a shard of its own.
    std::vector<NamedTensors> shards(1);
    int64_t current = 0, total = 0;
    for (auto& nt : stateDict()) {
        const int64_t bytes = nt.second.numel() * nt.second.element_size();
        if (current > 0 && current + bytes > shardBytes) {
            shards.emplace_back();
            current = 0;
        }
        current += bytes;
        total += bytes;
        shards.back().push_back(std::move(nt));
    }
    if (shards.size() == 1) {
        writeSafetensors((fs::path(dir) / "model.safetensors").string(), shards[0]);
        fs::remove(fs::path(dir) / "model.safetensors.index.json", ec);  // a stale index would win on load
        return;
    }
    nlohmann::json weightMap = nlohmann::json::object();
    for (size_t i = 0; i < shards.size(); ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
        writeSafetensors((fs::path(dir) / name).string(), shards[i]);
        for (const auto& nt : shards[i]) weightMap[nt.first] = name;
    }
    nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weightMap}};
    writeJsonFile((fs::path(dir) / "model.safetensors.index.json").string(), index);
}

}  // namespace aletheia
