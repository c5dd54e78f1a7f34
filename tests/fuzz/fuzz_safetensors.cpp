// A .safetensors file (header, offsets, shapes, dtypes), or, for an input starting with '{', a
// model.safetensors.index.json next to a real shard; every tensor the reader accepts is copied,
// so a range it let through that lies outside the file faults here.
#include "core/io/safetensors_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view in = fuzz::bytes(data, size);
    fuzz::expectOnlyAletheiaErrors([&] {
        if (!in.empty() && in[0] == '{') {
            const auto dir = fuzz::scratch() / "sharded";
            if (!std::filesystem::exists(dir / "model-00001-of-00001.safetensors")) {
                std::filesystem::create_directories(dir);
                std::filesystem::copy_file(fuzz::fixture("models/llama/model.safetensors"),
                                           dir / "model-00001-of-00001.safetensors");
            }
            fuzz::writeFile(dir / "model.safetensors.index.json", in);
            const auto ckpt = aletheia::SafetensorsCheckpoint::open(dir.string());
            for (const auto& name : ckpt.names()) (void)ckpt.tensor(name).clone();
        } else {
            const auto f = aletheia::SafetensorsFile::open(fuzz::writeFile(fuzz::scratch() / "model.safetensors", in));
            for (const auto& e : f->entries()) (void)f->tensor(e.name).clone();
        }
    });
    return 0;
}
