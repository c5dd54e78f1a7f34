#pragma once
// Reads .safetensors files the way the official library validates them, and whole HF checkpoint
// folders (one file, or shards listed in model.safetensors.index.json).
// Tensors point straight into the memory-mapped file when dtype and alignment allow.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/types.h>

#include "core/io/mmap_file.h"

namespace aletheia {

struct TensorEntry {
    std::string name;
    std::string dtype;            // safetensors name: "BF16", "F32", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0;  // byte range relative to the data section
    uint64_t bytes() const { return end - begin; }
};

class SafetensorsFile {
public:
    // Maps and validates the header; throws aletheia::Error naming the file (and tensor) on any defect.
    static std::shared_ptr<SafetensorsFile> open(const std::string& path);

    const std::string& path() const { return file_->path(); }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const std::vector<TensorEntry>& entries() const { return entries_; }  // sorted by offset
    bool contains(const std::string& name) const { return index_.count(name) != 0; }
    const TensorEntry& entry(const std::string& name) const;
    // A CPU tensor of the stored dtype. Zero-copy (sharing the mapping) when the data is aligned
    // for its element size; copied otherwise (the format does not promise alignment).
    torch::Tensor tensor(const std::string& name) const;
    uint64_t dataOffset() const { return dataOffset_; }
    uint64_t fileSize() const { return file_->size(); }

private:
    std::shared_ptr<MappedFile> file_;
    uint64_t dataOffset_ = 0;
    std::vector<TensorEntry> entries_;
    std::unordered_map<std::string, size_t> index_;
    std::map<std::string, std::string> metadata_;
};

// A Hugging Face checkpoint folder: model.safetensors, or the shards of model.safetensors.index.json.
class SafetensorsCheckpoint {
public:
    static SafetensorsCheckpoint open(const std::string& dir);

    const std::string& dir() const { return dir_; }
    std::vector<std::string> names() const;  // sorted
    bool contains(const std::string& name) const { return where_.count(name) != 0; }
    const TensorEntry& entry(const std::string& name) const;
    torch::Tensor tensor(const std::string& name) const;
    // The file that holds `name` (for error messages); "" if absent.
    std::string fileOf(const std::string& name) const;
    uint64_t totalBytes() const;
    const std::vector<std::shared_ptr<SafetensorsFile>>& files() const { return files_; }

private:
    std::string dir_;
    std::vector<std::shared_ptr<SafetensorsFile>> files_;
    std::unordered_map<std::string, size_t> where_;  // tensor name -> index in files_
};

}  // namespace aletheia
