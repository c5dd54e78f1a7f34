#pragma once
// Ctrl-C: the first one asks the running operation to stop cleanly (it checkpoints and
// returns); the second one exits at once (code 130).
#include "core/common/progress.h"

namespace aletheia::cli {

// The token every CLI command hands to the engine.
StopToken& interruptToken();
// Installs the SIGINT/SIGTERM handler (idempotent).
void installInterruptHandler();

}  // namespace aletheia::cli
