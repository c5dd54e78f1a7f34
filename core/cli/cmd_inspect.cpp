#include <algorithm>
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/model/linear.h"
#include "core/model/cell_name.h"
#include "core/model/model.h"

namespace aletheia::cli {

CommandSpec inspectCommand() {
    CommandSpec c;
    c.name = "inspect";
    c.summary = "summarise a checkpoint folder: family, layers, modules, parameters, dtype";
    c.usage = "aletheia inspect <model-dir>";
    c.description = "Loads the checkpoint (memory-mapped) and prints its summary and its adaptable projections.";
    c.minPositionals = c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        LoadOptions options;
        ProgressPrinter progress("load");
        options.progress = progress.callback();
        options.stop = &interruptToken();
        const Model model = Model::load(a.positionals[0], options);
        progress.finish();
        std::cout << model.summary().toText();
        // Projections of layer 0: the module names plans and --set plan.* refer to.
        std::cout << "projections per layer:";
        std::vector<std::string> seen;
        for (const Linear* l : model.layerLinears(0)) {
            const std::string cell = pooledCellModule(*l);  // "experts.*.w1": every expert's w1
            if (std::find(seen.begin(), seen.end(), cell) != seen.end()) continue;
            seen.push_back(cell);
            std::cout << " " << cell;
        }
        std::cout << "\n";
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
