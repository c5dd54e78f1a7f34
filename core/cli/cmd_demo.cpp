#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/cli/commands.h"
#include "core/cli/experiment_args.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_printer.h"
#include "core/cli/usage_error.h"
#include "core/demo/demo_model.h"
#include "core/io/json_file.h"

namespace aletheia::cli {

namespace {

// The demo's outcome in two lines, from the eval.json the eval step wrote: did the task loss
// fall, and did the forgetting set stay within the stated bound? Returns false if it did not.
// (Printed, not an error: a statistical outcome on a new machine is information, not a crash.)
bool printDemoVerdict(const std::string& evalJson) {
    const auto report = readJsonFile(evalJson);
    bool ok = true;
    for (const auto& set : report.at("sets")) {
        if (set.at("adapted").is_null()) continue;
        const double before = set["base"]["loss"], after = set["adapted"]["loss"];
        const std::string name = set["name"];
        std::cout << std::fixed << std::setprecision(3) << "demo " << std::setw(10) << std::left << name
                  << " loss " << before << " -> " << after << " (" << std::showpos << after - before << std::noshowpos;
        if (name == "forgetting") {
            const bool within = after - before < demo::kDemoForgettingBound;
            ok = ok && within;
            std::cout << ", bound +" << demo::kDemoForgettingBound << (within ? ": within" : ": EXCEEDED");
        } else {
            std::cout << ", " << std::setprecision(0) << 100.0 * (before - after) / before << "% lower";
        }
        std::cout << ")\n";
    }
    return ok;
}

int64_t pretrainStepsOption(const ParsedArgs& a, int64_t fallback) {
    const std::string v = a.value("pretrain-steps");
    if (v.empty()) return fallback;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || n < 1)
        throw UsageError("demo", "--pretrain-steps needs an integer >= 1, got '" + v + "'");
    return n;
}

}  // namespace

CommandSpec demoCommand() {
    CommandSpec c;
    c.name = "demo";
    c.summary = "the built-in demo: a tiny model learns a new skill with selective LoRA on a CPU";
    c.usage = "aletheia demo [--cache DIR] [--rebuild] [--pretrain-steps N] [--build-only] [--set key=value ...]";
    c.description =
        "Unpacks (once, then cached) a small Llama-architecture model pretrained by our own trainer on "
        "synthetic skills (sort, count, add, brackets, first, last, length; the model ships with Aletheia, "
        "--rebuild pretrains it again), then runs the demo experiment: "
        "probe, plan, a selective LoRA fine-tune on a skill it has never seen (max, mixed 1:1 with replay of "
        "the skills it knows), and eval: held-out task loss and forgetting-set loss before and after. The experiment file is <cache>/demo.yaml: the same schema "
        "`aletheia train` runs.";
    c.options = {{"cache", "DIR", "demo cache folder (default: ~/.cache/aletheia/demo)"},
                 {"rebuild", "", "pretrain the demo model from scratch (minutes) instead of the shipped one"},
                 {"pretrain-steps", "N", "pretrain the demo model for N steps instead of unpacking the shipped one "
                                         "(default 1500, the shipped model's recipe; a small N is a quick check)"},
                 {"build-only", "", "only build the demo model and its files, do not fine-tune"},
                 {"set", "KEY=VALUE", "override a key of the demo experiment", true}};
    c.run = [](const ParsedArgs& a) -> int {
        demo::DemoOptions options;
        options.cacheDir = a.value("cache");
        options.rebuild = a.has("rebuild");
        options.pretrainSteps = pretrainStepsOption(a, options.pretrainSteps);
        ProgressPrinter progress("pretrain");
        demo::DemoObserver observer;
        observer.log = [](const std::string& s) { std::cerr << s << "\n"; };
        observer.onStep = [&](const StepEvent& e) {
            std::ostringstream detail;
            detail << "loss " << std::fixed << std::setprecision(3) << e.loss;
            progress.update(static_cast<long>(e.step), static_cast<long>(e.total_steps), detail.str());
        };
        const auto files = demo::ensureDemo(options, observer, &interruptToken());
        progress.finish();
        std::cout << "demo model:      " << files.modelDir << (files.built ? " (pretrained now)" : files.shipped ? " (shipped with Aletheia)" : " (cached)") << "\n"
                  << "held-out loss:   " << files.pretrainLoss << " on its pretraining skills\n"
                  << "fine-tune data:  " << files.trainData << " (the task, max, with replay of the others)\n"
                  << "task held out:   " << files.taskValidation << "\n"
                  << "forgetting set:  " << files.generalData << "\n"
                  << "experiment:      " << files.experiment << "\n";
        if (a.has("build-only")) return 0;
        // The fine-tune is exactly `aletheia probe|plan|train|eval --config demo.yaml`, in that order.
        ParsedArgs stepArgs;
        stepArgs.values["config"] = {files.experiment};
        if (a.has("set")) stepArgs.values["set"] = a.all("set");
        for (const auto& step : {probeCommand(), planCommand(), trainCommand(), evalCommand()})
            if (int rc = step.run(stepArgs); rc != 0) return rc;
        const ExperimentConfig cfg = experimentFromArgs(stepArgs, "demo");
        printDemoVerdict((std::filesystem::path(cfg.output.dir) / "eval.json").string());
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
