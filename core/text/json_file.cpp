#include "core/text/json_file.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace aletheia::text {

std::string readMaybeGzipped(const std::string& path) {
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
        data.append(buf, static_cast<size_t>(n));
    }
    gzclose(f);
    return data;
}

nlohmann::json readJsonFile(const std::string& path) {
    const std::string data = readMaybeGzipped(path);
    try {
        return nlohmann::json::parse(data);
    } catch (const nlohmann::json::parse_error& e) {
        // Translate the byte offset into a line number a user can open.
        const size_t at = std::min<size_t>(e.byte, data.size());
        const long line = 1 + static_cast<long>(std::count(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        failIn(path, std::string("invalid JSON: ") + e.what(), {}, line);
    }
}

}  // namespace aletheia::text
