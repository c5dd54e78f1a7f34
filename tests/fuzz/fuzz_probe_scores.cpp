// probe_scores.json (what `aletheia probe --json` writes) read back against the llama fixture's
// module table.
#include "core/io/json_file.h"
#include "core/model/model.h"
#include "core/probe/probe.h"
#include "core/probe/probe_json.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto table = aletheia::moduleTable(aletheia::Model::load(fuzz::fixture("models/llama")));
    fuzz::expectOnlyAletheiaErrors([&] {
        const auto path = fuzz::writeFile(fuzz::scratch() / "probe_scores.json", fuzz::bytes(data, size));
        (void)aletheia::probeScoresFromJson(aletheia::readJsonFile(path), table);
    });
    return 0;
}
