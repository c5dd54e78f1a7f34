#include "core/cli/cli.h"

#include <torch/torch.h>

#include <cstring>
#include <iostream>
#include <string>

namespace aletheia::cli {

namespace {
void usage(std::ostream& os) {
    os << "usage: aletheia <command> [options]\n"
          "commands:\n"
          "  version      print versions of aletheia and libtorch, and the default device\n";
}
}  // namespace

int run(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 1 : 0;
    }
    const std::string cmd = argv[1];
    if (cmd == "version") {
        std::cout << "aletheia 0.1.0, libtorch " << TORCH_VERSION << ", device "
                  << (torch::cuda::is_available() ? "cuda" : "cpu") << "\n";
        return 0;
    }
    std::cerr << "aletheia: unknown command '" << cmd << "'\n";
    usage(std::cerr);
    return 1;
}

}  // namespace aletheia::cli
