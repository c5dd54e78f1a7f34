#include "core/io/atomic_dir.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "core/common/error.h"

namespace aletheia {
namespace fs = std::filesystem;

namespace {

void removeStaleTemporaries(const fs::path& dir) {
    std::error_code ec;
    const std::string prefix = dir.filename().string() + ".tmp";
    for (const auto& e : fs::directory_iterator(dir.parent_path(), ec))
        if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(e.path(), ec);
}

}  // namespace

void replaceDirectoryAtomically(const std::string& dirName, const std::function<void(const fs::path& tmp)>& fill) {
    const fs::path dir = fs::absolute(dirName);
    const fs::path tmp = dir.string() + ".tmp" + std::to_string(::getpid());
    std::error_code ec;
    fs::create_directories(dir.parent_path(), ec);
    if (ec) failIn(dir.parent_path().string(), "cannot create the folder: " + ec.message());
    removeStaleTemporaries(dir);
    if (!fs::create_directory(tmp, ec) && ec) failIn(tmp.string(), "cannot create the folder: " + ec.message());
    try {
        fill(tmp);
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(tmp, ec);  // now the old contents
        return;
    }
    const int err = errno;
    if (err != ENOENT && err != EINVAL && err != ENOSYS) {
        fs::remove_all(tmp, ec);
        failIn(dir.string(), std::string("cannot replace the folder: ") + std::strerror(err));
    }
    fs::remove_all(dir, ec);  // absent (ENOENT), or a filesystem without exchange
    fs::rename(tmp, dir, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove_all(tmp, ignored);
        failIn(dir.string(), "cannot move the new folder into place: " + ec.message());
    }
}

}  // namespace aletheia
