#pragma once
// JSON files with errors a user can act on (file and line), and atomic writes.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace aletheia {

// The largest JSON file read whole: real configs, indexes and tokenizer.json stay below 100 MB.
constexpr uint64_t kMaxJsonFileBytes = uint64_t(1) << 30;

// Parses a JSON file (a regular file, at most kMaxJsonFileBytes; limits of parseJson);
// throws aletheia::Error with the file and line on failure.
nlohmann::json readJsonFile(const std::string& path);
// Writes pretty JSON (2-space indent) atomically.
void writeJsonFile(const std::string& path, const nlohmann::json& j);
// Writes through `fill` into `path`.tmp.<pid>, then renames over `path`: readers never see half a file.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& fill);

}  // namespace aletheia
