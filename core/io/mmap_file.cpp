#include "core/io/mmap_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/error.h"
#include "core/common/regular_file.h"

namespace aletheia {

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path) {
    requireRegularFile(path);  // open() on a FIFO would wait for a writer forever
    // O_NONBLOCK too: the path may have been swapped for a FIFO since the check.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) failIn(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        failIn(path, "not a regular file");
    }
    std::shared_ptr<MappedFile> f(new MappedFile());
    f->path_ = path;
    f->size_ = static_cast<size_t>(st.st_size);
    if (f->size_ > 0) {
        // PROT_WRITE + MAP_PRIVATE: tensors may be modified in place (optimizer steps) without
        // touching the checkpoint; untouched pages stay shared with the page cache.
        void* p = ::mmap(nullptr, f->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            ::close(fd);
            failIn(path, std::string("cannot map: ") + std::strerror(e));
        }
        f->data_ = static_cast<uint8_t*>(p);
    }
    ::close(fd);  // the mapping keeps its own reference to the file
    return f;
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(data_, size_);
}

}  // namespace aletheia
