// Data-parallel training on this host: `aletheia train --nproc N` for N = 1, 2, 3 ... on the same
// experiment and global batch, run interleaved round by round (1, 2, 3, 1, 2, 3 ...), each a fresh
// run directory with the same plan.yaml (one `aletheia plan` first). Reports the median step time (the first step of each run left out: start-up and
// warm-up), the global tokens/s, its ratio to 1 process and each rank's own tokens/s, from the
// runs' metrics.jsonl. Not a test: prints a Markdown table (docs/BENCHMARKS.md).
//
//   bench_data_parallel --aletheia build/app/aletheia --config EXP.yaml [--procs 1,2,3]
//                       [--steps 8] [--rounds 2] [--work DIR]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/session/run_recorder.h"
#include "core/train/step_benchmark.h"

using namespace aletheia;
namespace fs = std::filesystem;

namespace {

struct Args {
    std::string aletheia, config, work = (fs::temp_directory_path() / "bench_data_parallel").string();
    std::vector<int> procs{1, 2, 3};
    int steps = 8, rounds = 2;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--aletheia") a.aletheia = v;
        else if (k == "--config") a.config = v;
        else if (k == "--work") a.work = v;
        else if (k == "--steps") a.steps = std::stoi(v);
        else if (k == "--rounds") a.rounds = std::stoi(v);
        else if (k == "--procs") {
            a.procs.clear();
            std::stringstream ss(v);
            for (std::string n; std::getline(ss, n, ',');) a.procs.push_back(std::stoi(n));
        } else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    if (a.aletheia.empty() || a.config.empty() || a.steps < 2) {
        std::fprintf(stderr, "usage: bench_data_parallel --aletheia BIN --config EXP.yaml [--procs 1,2,3] [--steps >= 2] "
                             "[--rounds 2] [--work DIR]\n");
        std::exit(2);
    }
    return a;
}

// The same strings a shell would see: the paths here come from the command line.
std::string quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct Samples {
    std::vector<double> stepSeconds, tokensPerS;
    std::vector<std::vector<double>> perRank;
};

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    fs::remove_all(a.work);
    // One plan (probe included) for every run: each run directory gets a copy of its plan.yaml.
    const std::string planDir = (fs::path(a.work) / "plan").string();
    const std::string planCmd = quoted(a.aletheia) + " plan --config " + quoted(a.config) + " --set output.dir=" +
                                quoted(planDir) + " >/dev/null 2>&1";
    if (std::system(planCmd.c_str()) != 0) {
        std::fprintf(stderr, "failed: %s\n", planCmd.c_str());
        return 1;
    }
    std::map<int, Samples> byProcs;
    for (int round = 1; round <= a.rounds; ++round)
        for (int n : a.procs) {
            const std::string dir = (fs::path(a.work) / ("r" + std::to_string(round) + "-n" + std::to_string(n))).string();
            fs::create_directories(dir);
            fs::copy_file(planDir + "/plan.yaml", dir + "/plan.yaml");
            const std::string cmd = quoted(a.aletheia) + " train --config " + quoted(a.config) + " --nproc " +
                                    std::to_string(n) + " --set output.dir=" + quoted(dir) +
                                    " --set train.max_steps=" + std::to_string(a.steps) +
                                    " --set train.warmup_steps=0 --set train.eval_steps=0 --set train.save_steps=0"
                                    " --set output.plots=false 2>/dev/null";
            if (std::system(cmd.c_str()) != 0) {
                std::fprintf(stderr, "failed: %s\n", cmd.c_str());
                return 1;
            }
            Samples& s = byProcs[n];
            for (const auto& j : readMetricLines(dir + "/metrics.jsonl")) {
                if (j.value("type", "") != "train" || j.value("step", 0) < 2) continue;
                s.stepSeconds.push_back(j.value("step_time_s", 0.0));
                s.tokensPerS.push_back(j.value("tokens_per_s", 0.0));
                const auto ranks = j.value("rank_tokens_per_s", std::vector<double>{});
                s.perRank.resize(std::max(s.perRank.size(), ranks.size()));
                for (size_t r = 0; r < ranks.size(); ++r) s.perRank[r].push_back(ranks[r]);
            }
            std::fprintf(stderr, "round %d, %d process(es): done\n", round, n);
        }
    const double base = medianOf(byProcs.begin()->second.tokensPerS);
    std::printf("| processes | median step (ms) | tokens/s | vs %d process(es) | per rank tokens/s |\n|---:|---:|---:|---:|---|\n",
                byProcs.begin()->first);
    for (const auto& [n, s] : byProcs) {
        std::string ranks;
        for (const auto& r : s.perRank) ranks += (ranks.empty() ? "" : " / ") + std::to_string(int(medianOf(r)));
        std::printf("| %d | %.1f | %.0f | %.2fx | %s |\n", n, 1e3 * medianOf(s.stepSeconds), medianOf(s.tokensPerS),
                    medianOf(s.tokensPerS) / base, ranks.empty() ? "-" : ranks.c_str());
    }
    return 0;
}
