// config.json -> ModelConfig: sizes, types and family quirks.
#include "core/model/model_config.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::expectOnlyAletheiaErrors([&] {
        const auto cfg = aletheia::ModelConfig::load(fuzz::writeFile(fuzz::scratch() / "config.json", fuzz::bytes(data, size)));
        (void)cfg.rotaryDim();
    });
    return 0;
}
