#pragma once
// An exclusive advisory lock on a file (flock), held for the object's life, so that two
// processes (or two threads) never build or write the same directory at once. The lock
// dies with its process: a crash never leaves a stale lock behind.
#include <string>

namespace aletheia {

class FileLock {
public:
    // Creates `path` if needed and takes the lock without waiting. Throws aletheia::Error naming
    // the file and `holder` (what the other party is doing) when someone else holds it.
    FileLock(const std::string& path, const std::string& holder);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace aletheia
