// tokenizer.json: model (BPE vocab, merges), added tokens, normalizer, pre-tokenizer (PCRE2
// patterns from the file: backtracking must hit PCRE2's match limit, not hang), post-processor,
// decoder; then a fixed text through encode and decode.
#include "core/text/tokenizer.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string kText =
        "Hello, world! It's 2026.\n\t  spaces   and\r\nlines ünïcödé 日本語 🙂 <|endoftext|> <s>[INST] 1234567 \xff\xfe";
    fuzz::expectOnlyAletheiaErrors([&] {
        const auto tok = aletheia::Tokenizer::fromFile(fuzz::writeFile(fuzz::scratch() / "tokenizer.json", fuzz::bytes(data, size)));
        const auto ids = tok.encode(kText, true);
        (void)tok.decode(ids, false);
        (void)tok.decode(ids, true);
        (void)tok.decode({0, 1, 2, tok.vocabSize() - 1}, false);
    });
    return 0;
}
