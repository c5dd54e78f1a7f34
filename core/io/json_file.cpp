#include "core/io/json_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "core/common/error.h"

namespace aletheia {

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) failIn(path, "cannot open");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // Turn the byte offset into a line number for the message.
        const size_t upto = std::min<size_t>(e.byte, text.size());
        long line = 1;
        for (size_t i = 0; i < upto; ++i)
            if (text[i] == '\n') ++line;
        failIn(path, std::string("malformed JSON: ") + e.what(), {}, line);
    }
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
