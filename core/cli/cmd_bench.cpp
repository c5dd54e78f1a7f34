#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/usage_error.h"

namespace aletheia::cli {

CommandSpec benchCommand() {
    CommandSpec c;
    c.name = "bench";
    c.summary = "time forward/backward steps of the plan against uniform LoRA";
    c.usage = "aletheia bench --config exp.yaml [--set KEY=VALUE ...]";
    c.description = "Prints measured and predicted step times.";
    c.options = experimentOptions();
    c.run = [](const ParsedArgs& a) -> int {
        experimentFromArgs(a, "bench");  // config problems are reported even before the engine lands
        throw NotAvailable("bench");
    };
    return c;
}

}  // namespace aletheia::cli
