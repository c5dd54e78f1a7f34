#include "core/common/regular_file.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include "core/common/error.h"

namespace aletheia {

uint64_t requireRegularFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) failIn(path, std::string("cannot open: ") + std::strerror(errno));
    if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
    const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a plain file";
    failIn(path, std::string("expected a regular file, found ") + kind);
}

}  // namespace aletheia
