// JSONL datasets (text / instruction / chat) through a real byte-level tokenizer. The dataset
// options vary with the input's size, so every shape and packing get exercised.
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto tok = aletheia::Tokenizer::fromFile(fuzz::fixture("tokenizers/small/bytelevel.json"));
    using namespace aletheia::text;
    DatasetOptions o;
    o.shape = DatasetShape(size % 4);
    o.instructionStyle = InstructionStyle((size / 4) % 3);
    o.pack = (size / 12) % 2;
    o.trainOnPrompt = (size / 24) % 2;
    o.maxSeqLen = 48;
    o.validationFraction = 0.25;
    fuzz::expectOnlyAletheiaErrors([&] {
        (void)loadJsonlDataset(fuzz::writeFile(fuzz::scratch() / "train.jsonl", fuzz::bytes(data, size)), tok, o);
    });
    return 0;
}
