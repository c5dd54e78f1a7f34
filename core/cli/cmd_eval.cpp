#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/usage_error.h"

namespace aletheia::cli {

CommandSpec evalCommand() {
    CommandSpec c;
    c.name = "eval";
    c.summary = "evaluate the base model and the trained adapter (loss, perplexity)";
    c.usage = "aletheia eval --config exp.yaml [--set KEY=VALUE ...]";
    c.description = "Prints and writes eval.json to the run directory.";
    c.options = experimentOptions();
    c.run = [](const ParsedArgs& a) -> int {
        experimentFromArgs(a, "eval");  // config problems are reported even before the engine lands
        throw NotAvailable("eval");
    };
    return c;
}

}  // namespace aletheia::cli
