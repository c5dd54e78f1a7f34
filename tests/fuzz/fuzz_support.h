#pragma once
// What every harness shares: the readers take paths, so the input is written to a scratch
// file first; an aletheia::Error is the expected outcome of a bad input, anything else that
// escapes (another exception type, a crash, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "core/common/error.h"

namespace fuzz {

// A per-process scratch directory (two fuzzers may run side by side).
inline const std::filesystem::path& scratch() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("aletheia-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::string writeFile(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
    return path.string();
}

inline std::string_view bytes(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Two files in one input: everything before the first kSplit, and everything after it.
constexpr std::string_view kSplit = "\n#####\n";
inline std::pair<std::string_view, std::string_view> split(std::string_view in) {
    const size_t at = in.find(kSplit);
    if (at == std::string_view::npos) return {in, {}};
    return {in.substr(0, at), in.substr(at + kSplit.size())};
}

// The fixtures, for harnesses that need a model or a tokenizer to read their format against.
inline std::string fixture(const std::string& rel) { return std::string(ALETHEIA_FIXTURES) + "/" + rel; }

template <class F>
void expectOnlyAletheiaErrors(F&& f) {
    try {
        f();
    } catch (const aletheia::Error&) {
    }
}

}  // namespace fuzz
