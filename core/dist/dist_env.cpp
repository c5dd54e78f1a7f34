#include "core/dist/dist_env.h"

#include <cstdlib>

#include "core/common/error.h"

namespace aletheia {
namespace {

std::string env(const char* name, const std::string& fallback = {}) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

int intEnv(const char* name, int fallback, int lowest) {
    const std::string s = env(name);
    if (s.empty()) return fallback;
    try {
        size_t used = 0;
        const int v = std::stoi(s, &used);
        if (used == s.size() && v >= lowest) return v;
    } catch (const std::exception&) {
    }
    fail(std::string(name) + "=" + s + " is not an integer >= " + std::to_string(lowest));
}

}  // namespace

DistEnv distEnvFromEnvironment() {
    DistEnv e;
    e.world_size = intEnv("WORLD_SIZE", 1, 1);
    e.rank = intEnv("RANK", 0, 0);
    e.local_rank = intEnv("LOCAL_RANK", e.rank, 0);
    if (e.rank >= e.world_size)
        fail("RANK=" + std::to_string(e.rank) + " is not below WORLD_SIZE=" + std::to_string(e.world_size));
    e.master_addr = env("MASTER_ADDR", e.master_addr);
    e.master_port = intEnv("MASTER_PORT", e.master_port, 1);
    if (e.master_port > 65535) fail("MASTER_PORT=" + std::to_string(e.master_port) + " is not a TCP port");
    const std::string agent = env("TORCHELASTIC_USE_AGENT_STORE");
    e.agent_store = agent == "True" || agent == "true" || agent == "1";
    e.run_id = env("TORCHELASTIC_RUN_ID", "aletheia") + "/" + env("TORCHELASTIC_RESTART_COUNT", "0");
    e.timeout_s = intEnv("ALETHEIA_DIST_TIMEOUT", e.timeout_s, 1);
    return e;
}

}  // namespace aletheia
