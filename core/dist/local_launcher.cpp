#include "core/dist/local_launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <thread>

#include "core/common/error.h"

namespace aletheia {
namespace {

// A port the kernel just gave out on 127.0.0.1: free now, and rank 0 binds it right away.
int freePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (s >= 0) ::close(s);
        fail("--nproc: no free TCP port on 127.0.0.1 for the rendezvous store");
    }
    ::close(s);
    return ntohs(a.sin_port);
}

// The ranks' pids, for the forwarding handler (written before the handler is installed).
constexpr int kMaxRanks = 1024;
pid_t rankPids[kMaxRanks];
volatile std::sig_atomic_t rankCount = 0;

// Ctrl-C and SIGTERM go to every rank, once: the ranks run in their own process group, so a
// terminal's Ctrl-C reaches the launcher alone. SIGUSR1 (pause / resume) goes to rank 0 only: the
// pause is its request, agreed in the next all-reduce, so no two ranks' toggles can disagree.
// kill(2) is async-signal-safe.
void forwardToRanks(int sig) {
    for (int i = 0; i < rankCount && (sig != SIGUSR1 || i == 0); ++i) ::kill(rankPids[i], sig);
}

std::string describe(int status) {
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

std::vector<std::string> ownArguments() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> out;
    for (size_t at = 0; at < all.size();) {
        const size_t end = all.find('\0', at);
        out.push_back(all.substr(at, end - at));
        at = end == std::string::npos ? all.size() : end + 1;
    }
    if (!out.empty()) out.erase(out.begin());
    return out;
}

int launchLocalRanks(int nproc, const std::vector<std::string>& args, int timeoutS) {
    if (nproc > kMaxRanks) fail("--nproc: at most " + std::to_string(kMaxRanks) + " local ranks");
    const std::string port = std::to_string(freePort());
    std::map<pid_t, int> rankOf;
    struct sigaction forward {};
    forward.sa_handler = forwardToRanks;
    sigemptyset(&forward.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGUSR1}) sigaction(sig, &forward, nullptr);
    const pid_t launcher = ::getpid();
    const int threadsPerRank = std::max(1, int(std::thread::hardware_concurrency()) / nproc);
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) fail("--nproc: fork failed for rank " + std::to_string(r));
        if (pid == 0) {
            // Not the launcher's forwarding handler here. Until the rank installs its own, Ctrl-C
            // and SIGTERM end it (nothing trained yet) and SIGUSR1 is ignored (its default kills).
            ::signal(SIGINT, SIG_DFL);
            ::signal(SIGTERM, SIG_DFL);
            ::signal(SIGUSR1, SIG_IGN);
            // A rank outliving its launcher (killed) may find the stderr pipe closed: it must still
            // write its checkpoint, not die of SIGPIPE on the next log line.
            ::signal(SIGPIPE, SIG_IGN);
            ::setpgid(0, 0);
            // A launcher that dies (kill -9) stops its ranks cleanly, as Ctrl-C would.
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != launcher) ::_exit(143);
            ::setenv("RANK", std::to_string(r).c_str(), 1);
            ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", port.c_str(), 1);
            // N ranks each using every core would oversubscribe a CPU run N times over: give each
            // its share (torchrun sets 1), unless OMP_NUM_THREADS says otherwise.
            if (!std::getenv("OMP_NUM_THREADS")) ::setenv("OMP_NUM_THREADS", std::to_string(threadsPerRank).c_str(), 1);
            std::vector<char*> argv{const_cast<char*>("aletheia")};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv("/proc/self/exe", argv.data());
            ::_exit(127);
        }
        rankOf[pid] = r;
        rankPids[r] = pid;
        rankCount = r + 1;
    }
    int code = 0;
    std::chrono::steady_clock::time_point deadline{};
    while (!rankOf.empty()) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, code == 0 ? 0 : WNOHANG);
        if (pid > 0) {
            const int r = rankOf[pid];
            rankOf.erase(pid);
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;
            std::cerr << "aletheia: rank " << r << " of " << nproc << " (pid " << pid << ") " << describe(status)
                      << "\n";
            if (code == 0) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutS + 30);
            }
            continue;
        }
        if (pid < 0 && errno != EINTR) break;
        if (code != 0 && std::chrono::steady_clock::now() > deadline) {
            for (const auto& [p, r] : rankOf) {
                std::cerr << "aletheia: rank " << r << " (pid " << p << ") did not end after rank failure; killing it\n";
                ::kill(p, SIGKILL);
                ::waitpid(p, nullptr, 0);
            }
            break;
        }
        if (pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return code;
}

}  // namespace aletheia
