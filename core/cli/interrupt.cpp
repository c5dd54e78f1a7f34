#include "core/cli/interrupt.h"

#include <unistd.h>

#include <csignal>

namespace aletheia::cli {

namespace {
StopToken token;
volatile std::sig_atomic_t interrupts = 0;

// Only async-signal-safe calls here: an atomic store, write(2), _exit(2).
void onInterrupt(int) {
    if (++interrupts > 1) _exit(130);
    token.requestStopFromSignalHandler();
    static const char note[] = "\naletheia: stopping after the current step (Ctrl-C again to quit now)\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, note, sizeof note - 1);
}

// SIGUSR1 (`kill -USR1 <pid>`, or the Studio): pause after the current step, or resume.
void onPauseToggle(int) {
    token.togglePauseFromSignalHandler();
    static const char paused[] = "\naletheia: pausing after the current step (SIGUSR1 again resumes)\n";
    static const char resumed[] = "\naletheia: resuming\n";
    [[maybe_unused]] auto n = token.paused() ? write(STDERR_FILENO, paused, sizeof paused - 1)
                                             : write(STDERR_FILENO, resumed, sizeof resumed - 1);
}
}  // namespace

StopToken& interruptToken() { return token; }

void installInterruptHandler() {
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = onPauseToggle;
    sigaction(SIGUSR1, &sa, nullptr);
}

}  // namespace aletheia::cli
