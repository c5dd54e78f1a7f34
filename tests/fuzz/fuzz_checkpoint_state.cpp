// A training checkpoint's state.json (step, data position, losses, extras) next to a valid
// tensors.safetensors, as `train --resume` reads it.
#include "core/train/checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string dir = [] {
        aletheia::CheckpointState s;
        s.step = 1;
        s.params.push_back({"w", torch::ones({2, 2})});
        return aletheia::writeCheckpoint((fuzz::scratch() / "ckpt").string(), s, 0);
    }();
    fuzz::writeFile(std::filesystem::path(dir) / "state.json", fuzz::bytes(data, size));
    fuzz::expectOnlyAletheiaErrors([&] { (void)aletheia::readCheckpoint(dir); });
    return 0;
}
