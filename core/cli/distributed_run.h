#pragma once
// Data parallelism for the experiment commands (train, probe): `--nproc N` launches N local ranks
// of the same command; a rank (from --nproc, torchrun or by hand) joins its process group here.
#include <memory>
#include <optional>
#include <string>

#include "core/cli/args.h"
#include "core/common/communicator.h"
#include "core/config/experiment.h"

namespace aletheia::cli {

OptionSpec nprocOption();

// With --nproc N > 1 in a process that is not already a rank (RANK unset): runs N ranks of this
// very command line and returns their exit code. Otherwise nullopt: carry on in this process.
std::optional<int> launchRanksIfAsked(const ParsedArgs& a, const std::string& command);

// This process's communicator (null when WORLD_SIZE is unset or 1: nothing is created). Ranks
// must agree on the resolved experiment (checked through the store). A CUDA rank gets
// cuda:LOCAL_RANK in `cfg`, one device per process.
std::shared_ptr<Communicator> joinRun(ExperimentConfig& cfg);

// Rank 0's `text` on every rank of `comm` (what the others pass is ignored): what rank 0 alone
// decided or read from the run directory, which the others must not read while it is written.
std::string textFromRankZero(Communicator& comm, const std::string& text, const std::string& what);

}  // namespace aletheia::cli
