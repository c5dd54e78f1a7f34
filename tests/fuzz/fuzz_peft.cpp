// A PEFT adapter directory: adapter_config.json, then kSplit, then adapter_model.safetensors
// (tensor names, shapes against the model, alpha_pattern regexes), imported onto the llama fixture.
#include "core/lora/peft_import.h"
#include "core/model/model.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto model = aletheia::Model::load(fuzz::fixture("models/llama"));
    const auto [config, weights] = fuzz::split(fuzz::bytes(data, size));
    const auto dir = fuzz::scratch() / "adapter";
    fuzz::writeFile(dir / "adapter_config.json", config);
    fuzz::writeFile(dir / "adapter_model.safetensors", weights);
    fuzz::expectOnlyAletheiaErrors([&] { (void)aletheia::importPeft(model, dir.string()); });
    return 0;
}
