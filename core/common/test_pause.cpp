#include "core/common/test_pause.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <unistd.h>

namespace aletheia {

void testPauseAt(const char* point) {
    const char* at = std::getenv("ALETHEIA_TEST_PAUSE_AT");
    if (!at) return;
    const std::string want = at, name = want.substr(0, want.find(':'));
    if (name != point) return;
    static std::map<std::string, long> seen;  // checkpoints and exports are written from one thread
    const long n = ++seen[name];
    if (want.size() > name.size() && std::atol(want.c_str() + name.size() + 1) != n) return;
    std::fprintf(stderr, "\nALETHEIA_TEST_PAUSE_AT: paused at %s\n", point);
    std::fflush(stderr);
    ::sleep(60);
}

}  // namespace aletheia
