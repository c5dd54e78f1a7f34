#pragma once
// Where the engine expects a file it refuses anything else before opening it: open() on a FIFO
// waits for a writer forever, and reading /dev/zero never ends.
#include <cstdint>
#include <string>

namespace aletheia {

// Throws aletheia::Error naming `path` unless it is an existing regular file (symlinks followed).
// Returns its size in bytes.
uint64_t requireRegularFile(const std::string& path);

}  // namespace aletheia
