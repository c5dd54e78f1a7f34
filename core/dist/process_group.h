#pragma once
// Joining a data-parallel run on libtorch's c10d: a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT,
// a check that every rank runs the same world size and the same experiment, then a process group
// (ProcessGroupGloo; ProcessGroupNCCL for CUDA where this libtorch was built with it).
#include <memory>
#include <string>

#include "core/common/communicator.h"
#include "core/dist/dist_env.h"

namespace aletheia {

// Null when `env` is one process (no store, no group). `fingerprint` identifies the resolved
// experiment: ranks whose fingerprints or world sizes differ are refused with one message naming
// both ranks. Every wait is bounded by env.timeout_s; a rank that cannot reach the store, a rank
// that never joins, and later a dead peer in a collective all end in an aletheia::Error naming
// this rank, never a hang.
std::shared_ptr<Communicator> joinProcessGroup(const DistEnv& env, const std::string& fingerprint, bool cuda = false);

}  // namespace aletheia
