#include "core/io/safetensors_reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_dtype.h"

namespace aletheia {
namespace {

// Same cap as the official library: a larger header is treated as hostile.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

bool mulOverflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_mul_overflow(a, b, out); }

std::string joinNames(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

TensorEntry parseEntry(const std::string& path, const std::string& name, const nlohmann::json& info) {
    if (!info.is_object()) failIn(path, "tensor info is not a JSON object", name);
    TensorEntry e;
    e.name = name;
    auto dt = info.find("dtype");
    if (dt == info.end() || !dt->is_string()) failIn(path, "missing or non-string 'dtype'", name);
    e.dtype = dt->get<std::string>();
    auto size = safetensorsDtypeSize(e.dtype);
    if (!size)
        failIn(path, "unknown dtype '" + e.dtype + "' (known: " + joinNames(safetensorsDtypeNames()) + ")", name);
    auto sh = info.find("shape");
    if (sh == info.end() || !sh->is_array()) failIn(path, "missing or non-array 'shape'", name);
    uint64_t elements = 1;
    for (const auto& d : *sh) {
        if (!d.is_number_unsigned()) failIn(path, "shape entries must be non-negative integers", name);
        uint64_t v = d.get<uint64_t>();
        if (v > uint64_t(INT64_MAX) || mulOverflows(elements, v, &elements)) failIn(path, "shape overflows", name);
        e.shape.push_back(static_cast<int64_t>(v));
    }
    auto off = info.find("data_offsets");
    if (off == info.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
        !(*off)[1].is_number_unsigned())
        failIn(path, "missing or malformed 'data_offsets' (expected [begin, end])", name);
    e.begin = (*off)[0].get<uint64_t>();
    e.end = (*off)[1].get<uint64_t>();
    if (e.end < e.begin) failIn(path, "data_offsets end before begin", name);
    uint64_t bytes = 0;
    if (mulOverflows(elements, static_cast<uint64_t>(*size), &bytes)) failIn(path, "tensor size overflows", name);
    if (bytes != e.end - e.begin)
        failIn(path, "data_offsets span " + std::to_string(e.end - e.begin) + " bytes but shape x dtype needs " +
                         std::to_string(bytes), name);
    return e;
}

}  // namespace

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
    auto f = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
    f->file_ = MappedFile::open(path);
    const uint64_t fileSize = f->file_->size();
    if (fileSize < 8) failIn(path, "truncated: shorter than the 8-byte header length");
    uint64_t n = 0;
    std::memcpy(&n, f->file_->data(), 8);  // little-endian u64 (all supported hosts are little-endian)
    if (n > kMaxHeaderBytes) failIn(path, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
    if (n > fileSize - 8)
        failIn(path, "header length " + std::to_string(n) + " runs past the end of the file (" +
                         std::to_string(fileSize) + " bytes)");
    const char* h = reinterpret_cast<const char*>(f->file_->data() + 8);
    if (n == 0 || h[0] != '{') failIn(path, "header is not a JSON object");
    const nlohmann::json header = parseJson(std::string_view(h, n), path);  // also rejects invalid UTF-8
    if (!header.is_object()) failIn(path, "header is not a JSON object");
    f->dataOffset_ = 8 + n;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) failIn(path, "__metadata__ is not an object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string()) failIn(path, "__metadata__ values must be strings", m.key());
                f->metadata_[m.key()] = m->get<std::string>();
            }
            continue;
        }
        f->entries_.push_back(parseEntry(path, it.key(), *it));
    }
    // Back to back, no gap or overlap, last tensor ending exactly at the end of the file.
    std::sort(f->entries_.begin(), f->entries_.end(), [](const TensorEntry& a, const TensorEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t expected = 0;
    for (const auto& e : f->entries_) {
        if (e.begin != expected)
            failIn(path, std::string(e.begin < expected ? "overlaps the previous tensor" : "leaves a gap before it") +
                             " (data_offsets begin " + std::to_string(e.begin) + ", expected " +
                             std::to_string(expected) + ")", e.name);
        expected = e.end;
    }
    const uint64_t dataBytes = fileSize - f->dataOffset_;
    if (expected != dataBytes)
        failIn(path, expected > dataBytes ? "truncated: tensor data ends at byte " +
                                                std::to_string(f->dataOffset_ + expected) + " but the file has " +
                                                std::to_string(fileSize)
                                          : "file has " + std::to_string(dataBytes - expected) +
                                                " trailing bytes after the last tensor",
               f->entries_.empty() ? std::string() : f->entries_.back().name);
    for (size_t i = 0; i < f->entries_.size(); ++i) f->index_[f->entries_[i].name] = i;
    return f;
}

const TensorEntry& SafetensorsFile::entry(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) failIn(path(), "tensor not found", name);
    return entries_[it->second];
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const TensorEntry& e = entry(name);
    auto type = torchTypeOf(e.dtype);
    if (!type) failIn(path(), "dtype " + e.dtype + " is not supported by this libtorch", name);
    auto opts = torch::TensorOptions().dtype(*type);
    uint8_t* p = file_->data() + dataOffset_ + e.begin;
    const auto elemSize = static_cast<uintptr_t>(*safetensorsDtypeSize(e.dtype));
    if (e.bytes() == 0) return torch::empty(e.shape, opts);
    if (reinterpret_cast<uintptr_t>(p) % elemSize == 0) {
        auto keep = file_;  // the tensor keeps the mapping alive
        return torch::from_blob(p, e.shape, [keep](void*) {}, opts);
    }
    // Misaligned (header length not a multiple of the element size): copy instead of assuming.
    auto t = torch::empty(e.shape, opts);
    std::memcpy(t.data_ptr(), p, e.bytes());
    return t;
}

SafetensorsCheckpoint SafetensorsCheckpoint::open(const std::string& dir) {
    namespace fs = std::filesystem;
    SafetensorsCheckpoint c;
    c.dir_ = dir;
    const fs::path single = fs::path(dir) / "model.safetensors";
    const fs::path index = fs::path(dir) / "model.safetensors.index.json";
    if (fs::exists(index)) {
        const nlohmann::json j = readJsonFile(index.string());
        auto wm = j.find("weight_map");
        if (wm == j.end() || !wm->is_object()) failIn(index.string(), "missing 'weight_map' object");
        std::map<std::string, size_t> shardIds;
        for (auto it = wm->begin(); it != wm->end(); ++it) {
            if (!it->is_string()) failIn(index.string(), "weight_map value is not a file name", it.key());
            const std::string shard = it->get<std::string>();
            if (!shardIds.count(shard)) {
                const fs::path sp = fs::path(dir) / shard;
                if (!fs::exists(sp)) failIn(index.string(), "shard '" + shard + "' does not exist", it.key());
                shardIds[shard] = c.files_.size();
                c.files_.push_back(SafetensorsFile::open(sp.string()));
            }
            const size_t id = shardIds[shard];
            if (!c.files_[id]->contains(it.key()))
                failIn(c.files_[id]->path(), "tensor listed in the index is missing from its shard", it.key());
            c.where_[it.key()] = id;
        }
    } else if (fs::exists(single)) {
        c.files_.push_back(SafetensorsFile::open(single.string()));
        for (const auto& e : c.files_[0]->entries()) c.where_[e.name] = 0;
    } else {
        failIn(dir, "no model.safetensors or model.safetensors.index.json in this folder");
    }
    return c;
}

std::vector<std::string> SafetensorsCheckpoint::names() const {
    std::vector<std::string> v;
    for (const auto& [k, _] : where_) v.push_back(k);
    std::sort(v.begin(), v.end());
    return v;
}

const TensorEntry& SafetensorsCheckpoint::entry(const std::string& name) const {
    auto it = where_.find(name);
    if (it == where_.end()) failIn(dir_, "tensor not found in checkpoint", name);
    return files_[it->second]->entry(name);
}

torch::Tensor SafetensorsCheckpoint::tensor(const std::string& name) const {
    auto it = where_.find(name);
    if (it == where_.end()) failIn(dir_, "tensor not found in checkpoint", name);
    return files_[it->second]->tensor(name);
}

std::string SafetensorsCheckpoint::fileOf(const std::string& name) const {
    auto it = where_.find(name);
    return it == where_.end() ? std::string() : files_[it->second]->path();
}

uint64_t SafetensorsCheckpoint::totalBytes() const {
    uint64_t n = 0;
    for (const auto& f : files_) n += f->fileSize();
    return n;
}

}  // namespace aletheia
