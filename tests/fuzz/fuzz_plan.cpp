// plan.yaml: layers, modules, ranks, alphas (and yaml-cpp underneath), then the saved form.
#include "core/plan/plan_io.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(fuzz::bytes(data, size));
    fuzz::expectOnlyAletheiaErrors([&] {
        const auto plan = aletheia::planFromYaml(text, "plan.yaml");
        (void)aletheia::planFromYaml(aletheia::planToYaml(plan), "saved plan.yaml");
    });
    return 0;
}
