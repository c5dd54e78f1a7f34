#pragma once
// `aletheia <command> --nproc N`: this same executable started N times on this host, as torchrun
// would start it: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free
// MASTER_PORT set for each child, and OMP_NUM_THREADS = cores / N unless it is set already.
#include <string>
#include <vector>

namespace aletheia {

// Runs `args` (argv[1..], without --nproc) as `nproc` ranks and waits for them. When a rank fails
// (non-zero exit or a signal) it says which on stderr; the others are given their collective
// timeout (+30 s) to fail on their own, then killed. Returns 0 when every rank exited 0, else the
// first failure's exit code (1 for a signal). The ranks run in their own process group: SIGINT and
// SIGTERM sent to the launcher (a terminal's Ctrl-C, the Studio) are forwarded to every rank once,
// SIGUSR1 (pause) to rank 0; a launcher killed outright sends its ranks SIGTERM (they stop with a
// checkpoint).
int launchLocalRanks(int nproc, const std::vector<std::string>& args, int timeoutS);

// Argument list of this process (from /proc/self/cmdline), without argv[0].
std::vector<std::string> ownArguments();

}  // namespace aletheia
