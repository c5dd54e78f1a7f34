#include "core/train/checkpoint.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <ATen/core/Generator.h>
#include <unistd.h>

#include "core/common/error.h"
#include "core/common/test_pause.h"
#include "core/io/atomic_dir.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_reader.h"
#include "core/io/safetensors_writer.h"

namespace aletheia {
namespace fs = std::filesystem;
namespace {

const char* kPrefix = "step-";

std::string stepDirName(int64_t step) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%08lld", kPrefix, static_cast<long long>(step));
    return buf;
}

std::map<std::string, torch::Tensor> readTensors(const fs::path& path) {
    if (!fs::exists(path)) failIn(path.string(), "checkpoint file missing");
    auto file = SafetensorsFile::open(path.string());
    std::map<std::string, torch::Tensor> out;
    // clone: own the bytes, so the checkpoint can be deleted while training goes on.
    for (const auto& e : file->entries()) out[e.name] = file->tensor(e.name).clone();
    return out;
}

NamedTensors withPrefix(const std::map<std::string, torch::Tensor>& all, const std::string& prefix) {
    NamedTensors out;
    for (const auto& [k, t] : all)
        if (k.rfind(prefix, 0) == 0) out.emplace_back(k.substr(prefix.size()), t);
    return out;
}

// state.json is ours, but a hand edit or a damaged disk must end in a message naming the key.
std::string shown(const nlohmann::json& v) {
    const std::string s = v.dump();
    return s.size() > 80 ? s.substr(0, 80) + "..." : s;
}

int64_t countAt(const nlohmann::json& j, const char* key, const std::string& file) {
    const auto it = j.find(key);
    const bool ok = it != j.end() && ((it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t(INT64_MAX)) ||
                                      (it->is_number_integer() && !it->is_number_unsigned() && it->get<int64_t>() >= 0));
    if (!ok) failIn(file, "must be a non-negative integer, got " + (it == j.end() ? std::string("nothing") : shown(*it)), key);
    return it->get<int64_t>();
}

std::vector<double> lossesAt(const nlohmann::json& j, const std::string& file) {
    std::vector<double> out;
    const auto it = j.find("losses");
    if (it == j.end()) return out;
    if (!it->is_array()) failIn(file, "must be an array of numbers, got " + shown(*it), "losses");
    for (const auto& v : *it) {
        if (!v.is_number()) failIn(file, "must be an array of numbers, has " + shown(v), "losses");
        out.push_back(v.get<double>());
    }
    return out;
}

}  // namespace

std::vector<std::string> listCheckpoints(const std::string& root) {
    std::vector<std::string> dirs;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return dirs;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        // Complete = final name (no ".tmp") and both files present.
        if (!e.is_directory() || name.rfind(kPrefix, 0) != 0 || name.find('.') != std::string::npos) continue;
        if (fs::exists(e.path() / "state.json") && fs::exists(e.path() / "tensors.safetensors"))
            dirs.push_back(e.path().string());
    }
    std::sort(dirs.begin(), dirs.end());  // zero-padded step numbers sort by step
    return dirs;
}

std::string latestCheckpoint(const std::string& root) {
    auto all = listCheckpoints(root);
    return all.empty() ? std::string() : all.back();
}

std::string writeCheckpoint(const std::string& root, const CheckpointState& s, int64_t keepLast) {
    const fs::path final = fs::path(root) / stepDirName(s.step);
    NamedTensors tensors;
    for (const auto& [k, t] : s.params) tensors.emplace_back("param." + k, t);
    for (const auto& [k, t] : s.optimizer) tensors.emplace_back("optim." + k, t);
    if (s.cpu_rng.defined()) tensors.emplace_back("rng.cpu", s.cpu_rng);
    if (s.cuda_rng.defined()) tensors.emplace_back("rng.cuda", s.cuda_rng);

    nlohmann::json j;
    j["format"] = "aletheia-checkpoint";
    j["version"] = 1;
    j["step"] = s.step;
    j["micro_index"] = s.micro_index;
    j["optimizer_step"] = s.optimizer_step;
    j["losses"] = s.losses;
    j["extra"] = s.extra;
    // A kill or a full disk mid-write leaves only a step-N.tmp<pid> folder, which listCheckpoints
    // never picks and the next write of step N removes.
    try {
        replaceDirectoryAtomically(final.string(), [&](const fs::path& tmp) {
            writeSafetensors((tmp / "tensors.safetensors").string(), tensors);
            testPauseAt("checkpoint");
            writeJsonFile((tmp / "state.json").string(), j);
        });
    } catch (const Error& e) {
        failIn(final.string(), std::string("checkpoint not written (the earlier ones are kept): ") + e.what());
    }

    if (keepLast > 0) {
        auto all = listCheckpoints(root);
        for (size_t i = 0; i + size_t(keepLast) < all.size(); ++i)
            if (all[i] != final.string()) fs::remove_all(all[i]);
    }
    return final.string();
}

CheckpointState readCheckpoint(const std::string& dir) {
    const fs::path d(dir);
    const std::string file = (d / "state.json").string();
    const nlohmann::json j = readJsonFile(file);
    if (!j.is_object() || !j.contains("format") || j["format"] != "aletheia-checkpoint")
        failIn(file, "not an Aletheia training checkpoint");
    CheckpointState s;
    s.step = countAt(j, "step", file);
    s.micro_index = countAt(j, "micro_index", file);
    s.optimizer_step = countAt(j, "optimizer_step", file);
    s.losses = lossesAt(j, file);
    s.extra = j.contains("extra") ? j["extra"] : nlohmann::json::object();

    const auto all = readTensors(d / "tensors.safetensors");
    s.params = withPrefix(all, "param.");
    s.optimizer = withPrefix(all, "optim.");
    if (auto it = all.find("rng.cpu"); it != all.end()) s.cpu_rng = it->second;
    if (auto it = all.find("rng.cuda"); it != all.end()) s.cuda_rng = it->second;
    return s;
}

void captureRng(CheckpointState& s) {
    s.cpu_rng = at::detail::getDefaultCPUGenerator().get_state();
    if (torch::cuda::is_available())
        s.cuda_rng = at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0)).get_state();
}

void restoreRng(const CheckpointState& s) {
    if (s.cpu_rng.defined()) {
        at::Generator cpu = at::detail::getDefaultCPUGenerator();  // a handle on the global generator
        cpu.set_state(s.cpu_rng);
    }
    if (s.cuda_rng.defined() && torch::cuda::is_available()) {
        at::Generator cuda = at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0));
        cuda.set_state(s.cuda_rng);
    }
}

}  // namespace aletheia
