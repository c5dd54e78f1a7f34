#pragma once
// Where a process stands in a data-parallel run, read from the environment variables that
// torchrun sets and that `aletheia train --nproc N` sets for its children:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, and torchrun's agent-store flag.
#include <string>

namespace aletheia {

struct DistEnv {
    int rank = 0;
    int world_size = 1;            // 1 (or WORLD_SIZE unset): one process, no store, no group
    int local_rank = 0;
    std::string master_addr = "127.0.0.1";
    int master_port = 29500;
    // TORCHELASTIC_USE_AGENT_STORE=True: torchrun's agent already serves the TCPStore on
    // MASTER_PORT, so rank 0 connects to it as a client instead of starting a server.
    bool agent_store = false;
    std::string run_id;            // TORCHELASTIC_RUN_ID + restart count: keys of one attempt
    int timeout_s = 300;           // ALETHEIA_DIST_TIMEOUT: store connect and every collective

    bool distributed() const { return world_size > 1; }
};

// Throws aletheia::Error naming the variable for a malformed or inconsistent value.
DistEnv distEnvFromEnvironment();

}  // namespace aletheia
