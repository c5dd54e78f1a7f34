#include "core/cli/cli.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/cli/commands.h"
#include "core/cli/interrupt.h"
#include "core/cli/usage_error.h"
#include "core/common/error.h"
#include "core/config/did_you_mean.h"

namespace aletheia::cli {

namespace {

void usage(std::ostream& os, const std::vector<CommandSpec>& commands) {
    os << "usage: aletheia <command> [options]     (aletheia <command> --help for details)\n\ncommands:\n";
    for (const auto& c : commands) {
        std::string name = "  " + c.name;
        name.resize(14, ' ');
        os << name << c.summary << "\n";
    }
    os << "\nexit codes: 0 ok, 1 user error (bad arguments or config), 2 runtime failure\n";
}

bool asksForHelp(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") return false;
        if (a == "--help" || a == "-h") return true;
    }
    return false;
}

int runCommand(const CommandSpec& spec, const std::vector<std::string>& args) {
    if (asksForHelp(args)) {
        std::cout << helpText(spec);
        return 0;
    }
    installInterruptHandler();
    return spec.run(parseArgs(spec, args));
}

}  // namespace

int run(int argc, char** argv) {
    // libtorch here starts with one intra-op thread; a headless run owns the machine, so use
    // every core (the demo pretrains ~25% faster on 2) unless OMP_NUM_THREADS says otherwise.
    if (!std::getenv("OMP_NUM_THREADS"))
        at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    const auto commands = allCommands();
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
        std::string(argv[1]) == "help") {
        usage(argc < 2 ? std::cerr : std::cout, commands);
        return argc < 2 ? 1 : 0;
    }
    const std::string name = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : commands) {
        if (c.name != name) continue;
        // User errors (bad arguments, config, input files) are aletheia::Error: exit 1.
        // Anything else (libtorch, out of memory, a missing engine part) is a runtime failure.
        try {
            return runCommand(c, args);
        } catch (const Error& e) {
            std::cerr << "aletheia " << name << ": error: " << e.what() << "\n";
            return 1;
        } catch (const std::exception& e) {
            std::cerr << "aletheia " << name << ": failed: " << e.what() << "\n";
            return 2;
        }
    }
    std::vector<std::string> names;
    for (const auto& c : commands) names.push_back(c.name);
    std::cerr << "aletheia: unknown command '" << name << "'" << didYouMean(name, names) << "\n";
    usage(std::cerr, commands);
    return 1;
}

}  // namespace aletheia::cli
