#pragma once
// Ctrl-C: the first one asks the running operation to stop cleanly (it checkpoints and
// returns); the second one exits at once (code 130). SIGUSR1 pauses after the current step (or
// probe batch) and resumes on the next SIGUSR1; a distributed train pauses all its ranks together
// (a distributed probe does not: its other ranks wait for rank 0 within the collective timeout).
#include "core/common/progress.h"

namespace aletheia::cli {

// The token every CLI command hands to the engine.
StopToken& interruptToken();
// Installs the SIGINT/SIGTERM/SIGUSR1 handlers (idempotent).
void installInterruptHandler();

}  // namespace aletheia::cli
