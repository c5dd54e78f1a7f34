#include "core/cli/commands.h"

namespace aletheia::cli {

std::vector<CommandSpec> allCommands() {
    return {probeCommand(), planCommand(),    trainCommand(),   evalCommand(),     exportCommand(),
            benchCommand(), demoCommand(),    generateCommand(), inspectCommand(), tokenizeCommand(),
            forwardCommand(), versionCommand()};
}

}  // namespace aletheia::cli
