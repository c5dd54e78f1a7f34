#include <torch/torch.h>

#include <iostream>

#include "core/cli/commands.h"

namespace aletheia::cli {

CommandSpec versionCommand() {
    CommandSpec c;
    c.name = "version";
    c.summary = "print versions of aletheia and libtorch, the default device and CPU threads";
    c.usage = "aletheia version";
    c.run = [](const ParsedArgs&) {
        std::cout << "aletheia 0.1.0, libtorch " << TORCH_VERSION << ", device "
                  << (torch::cuda::is_available() ? "cuda" : "cpu") << ", " << at::get_num_threads()
                  << " CPU threads\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
