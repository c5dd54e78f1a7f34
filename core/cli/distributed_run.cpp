#include "core/cli/distributed_run.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "core/cli/usage_error.h"
#include "core/config/experiment_io.h"
#include "core/dist/dist_env.h"
#include "core/dist/local_launcher.h"
#include "core/dist/process_group.h"

namespace aletheia::cli {
namespace {

// FNV-1a: a fingerprint that is the same in every build, unlike std::hash.
std::string fingerprintOf(const std::string& text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

}  // namespace

OptionSpec nprocOption() {
    return {"nproc", "N", "run N data-parallel processes on this host (docs/DISTRIBUTED.md)"};
}

std::optional<int> launchRanksIfAsked(const ParsedArgs& a, const std::string& command) {
    if (!a.has("nproc") || std::getenv("RANK")) return std::nullopt;
    const std::string v = a.value("nproc");
    int n = 0;
    try {
        size_t used = 0;
        n = std::stoi(v, &used);
        if (used != v.size()) n = 0;
    } catch (const std::exception&) {
    }
    if (n < 1) throw UsageError(command, "--nproc takes a positive integer, got '" + v + "'");
    if (n == 1) return std::nullopt;
    std::vector<std::string> args;
    const auto own = ownArguments();
    for (size_t i = 0; i < own.size(); ++i) {
        if (own[i] == "--nproc") {
            ++i;  // and its value
            continue;
        }
        if (own[i].rfind("--nproc=", 0) == 0) continue;
        args.push_back(own[i]);
    }
    return launchLocalRanks(n, args, distEnvFromEnvironment().timeout_s);
}

std::shared_ptr<Communicator> joinRun(ExperimentConfig& cfg) {
    const DistEnv env = distEnvFromEnvironment();
    if (!env.distributed()) return nullptr;
    const std::string fingerprint = fingerprintOf(experimentToYaml(cfg));
    std::string& device = cfg.model.device;
    const bool cuda = device == "cuda" || device.rfind("cuda:", 0) == 0 || (device == "auto" && torch::cuda::is_available());
    if (cuda) device = "cuda:" + std::to_string(env.local_rank);
    return joinProcessGroup(env, fingerprint, cuda);
}

std::string textFromRankZero(Communicator& comm, const std::string& text, const std::string& what) {
    torch::Tensor size = torch::tensor({static_cast<int64_t>(text.size())}, torch::kInt64);
    comm.broadcast(size, 0, what + " (its size)");
    const int64_t n = size.item<int64_t>();
    torch::Tensor bytes = torch::empty({n}, torch::kUInt8);
    if (comm.rank() == 0) std::copy(text.begin(), text.end(), bytes.data_ptr<uint8_t>());
    if (n > 0) comm.broadcast(bytes, 0, what);
    return {reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>()), static_cast<size_t>(n)};
}

}  // namespace aletheia::cli
