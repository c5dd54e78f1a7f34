#include "core/io/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.h"

namespace aletheia {

FileLock::FileLock(const std::string& path, const std::string& holder) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) failIn(path, std::string("cannot open the lock file: ") + std::strerror(errno));
    // flock locks belong to the open file description: a second FileLock in this process
    // conflicts too, which is what a second demo build from the same Studio needs.
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) failIn(path, holder + " (another Aletheia process or window holds this lock); wait for it to finish");
        failIn(path, std::string("cannot lock: ") + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace aletheia
