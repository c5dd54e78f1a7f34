#include "core/io/json_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/common/regular_file.h"

namespace aletheia {

nlohmann::json readJsonFile(const std::string& path) {
    const uint64_t size = requireRegularFile(path);  // a FIFO or /dev/zero would never end
    if (size > kMaxJsonFileBytes)
        failIn(path, "JSON file of " + std::to_string(size) + " bytes exceeds the " +
                         std::to_string(kMaxJsonFileBytes >> 20) + " MiB limit");
    std::ifstream in(path, std::ios::binary);
    if (!in) failIn(path, "cannot open");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parseJson(text, path);
}

void writeJsonFile(const std::string& path, const nlohmann::json& j) {
    writeFileAtomically(path, [&](std::ostream& out) { out << j.dump(2) << "\n"; });
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& fill) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) failIn(tmp, "cannot create file");
        try {
            fill(out);
        } catch (...) {
            out.close();
            std::remove(tmp.c_str());
            throw;
        }
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            failIn(path, "write failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        failIn(path, "cannot rename temporary file: " + ec.message());
    }
}

}  // namespace aletheia
