#pragma once
// Reads a whole (possibly gzip-compressed) file: tokenizer.json.gz is ~5x smaller on disk.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace aletheia::text {

// Contents of `path`; transparently inflated when the file starts with the gzip magic bytes.
// Throws aletheia::Error naming the file when it cannot be read.
std::string readMaybeGzipped(const std::string& path);

// Parses a JSON file (plain or gzip); a syntax error is reported with the file name and line.
nlohmann::json readJsonFile(const std::string& path);

}  // namespace aletheia::text
