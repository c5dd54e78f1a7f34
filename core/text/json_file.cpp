#include "core/text/json_file.h"

#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/common/regular_file.h"

namespace aletheia::text {

namespace {
// Whole-file reads (tokenizer.json is at most ~50 MB); also caps what a gzip bomb can inflate to.
constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30;

[[noreturn]] void tooLarge(const std::string& path) {
    failIn(path, "larger than the " + std::to_string(kMaxFileBytes >> 20) + " MiB limit for a file read whole");
}
}  // namespace

std::string readMaybeGzipped(const std::string& path) {
    const uint64_t size = requireRegularFile(path);  // a FIFO or /dev/zero would never end
    if (size > kMaxFileBytes) tooLarge(path);
    std::ifstream probe(path, std::ios::binary);
    if (!probe) failIn(path, "cannot open file");
    unsigned char magic[2] = {0, 0};
    probe.read(reinterpret_cast<char*>(magic), 2);
    const bool gz = probe.gcount() == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    if (!gz) {
        probe.clear();
        probe.seekg(0, std::ios::end);
        std::string data(static_cast<size_t>(probe.tellg()), '\0');
        probe.seekg(0);
        probe.read(data.data(), static_cast<std::streamsize>(data.size()));
        return data;
    }
    probe.close();
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) failIn(path, "cannot open gzip file");
    gzbuffer(f, 1 << 20);
    std::string data;
    char buf[1 << 16];
    for (;;) {
        const int n = gzread(f, buf, sizeof buf);
        if (n < 0) {
            int errnum = 0;
            const std::string msg = gzerror(f, &errnum);
            gzclose(f);
            failIn(path, "corrupt gzip data: " + msg);
        }
        if (n == 0) break;
        if (data.size() + static_cast<size_t>(n) > kMaxFileBytes) {
            gzclose(f);
            tooLarge(path);
        }
        data.append(buf, static_cast<size_t>(n));
    }
    gzclose(f);
    return data;
}

nlohmann::json readJsonFile(const std::string& path) { return parseJson(readMaybeGzipped(path), path); }

}  // namespace aletheia::text
