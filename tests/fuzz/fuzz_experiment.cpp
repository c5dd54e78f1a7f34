// The experiment YAML (schema, types, ranges, cross-key checks; yaml-cpp itself with deep
// nesting and alias bombs), then the saved form read back.
#include "core/config/experiment_io.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(fuzz::bytes(data, size));
    fuzz::expectOnlyAletheiaErrors([&] {
        aletheia::ExperimentLoadOptions o;
        o.checkFiles = false;
        const auto cfg = aletheia::parseExperiment(text, fuzz::scratch().string(), o, "experiment.yaml");
        (void)aletheia::parseExperiment(aletheia::experimentToYaml(cfg), fuzz::scratch().string(), o, "saved.yaml");
    });
    return 0;
}
