#pragma once
// A whole file mapped into memory, shared by every tensor that points into it.
// Tensors created zero-copy hold a shared_ptr to the mapping, so it lives as long as they do.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace aletheia {

class MappedFile {
public:
    // Maps `path` privately (copy-on-write): writing through a tensor never touches the file.
    static std::shared_ptr<MappedFile> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return path_; }
    uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

private:
    MappedFile() = default;
    std::string path_;
    uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace aletheia
