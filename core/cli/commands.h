#pragma once
// Every `aletheia` subcommand; each lives in its own cmd_<name>.cpp and stays thin:
// parse arguments, call the engine, print.
#include <vector>

#include "core/cli/args.h"

namespace aletheia::cli {

std::vector<CommandSpec> allCommands();

CommandSpec versionCommand();
CommandSpec inspectCommand();
CommandSpec tokenizeCommand();
CommandSpec forwardCommand();
CommandSpec generateCommand();
CommandSpec probeCommand();
CommandSpec planCommand();
CommandSpec trainCommand();
CommandSpec evalCommand();
CommandSpec exportCommand();
CommandSpec benchCommand();
CommandSpec demoCommand();

}  // namespace aletheia::cli
