#include <algorithm>
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/cli/usage_error.h"
#include "core/model/linear.h"
#include "core/model/cell_name.h"
#include "core/model/family_spec.h"
#include "core/model/mlp.h"
#include "core/model/model.h"
#include "core/model/model_config.h"

namespace aletheia::cli {
namespace {

// What config.json may say, read from the same tables the loader checks against.
void printSupported() {
    std::cout << "model_type (architecture):\n";
    for (const FamilySpec& f : familySpecs()) {
        std::cout << "  " << f.modelType << " (" << f.architecture << ")";
        if (f.sliding != SlidingLayers::None) std::cout << "  sliding window";
        if (f.softcapping) std::cout << ", soft-capping";
        std::cout << "\n";
    }
    std::cout << "rope_scaling types: " << joined(supportedRopeTypes()) << "\n";
    std::cout << "activations (hidden_act / hidden_activation): " << joined(supportedActivations()) << "\n";
    std::cout << "weights: safetensors (single file or sharded index), float32 / float16 / bfloat16\n";
}

}  // namespace

CommandSpec inspectCommand() {
    CommandSpec c;
    c.name = "inspect";
    c.summary = "summarise a checkpoint folder: family, layers, modules, parameters, dtype";
    c.usage = "aletheia inspect <model-dir> | aletheia inspect --supported";
    c.description = "Loads the checkpoint (memory-mapped) and prints its summary and its adaptable projections.\n"
                    "--supported lists every model family, RoPE scaling type and activation this engine runs.";
    c.options = {{"supported", "", "list the supported families and options instead"}};
    c.minPositionals = 0;
    c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        if (a.has("supported")) {
            printSupported();
            return 0;
        }
        if (a.positionals.empty()) throw UsageError("inspect", "give a model directory, or --supported");
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
