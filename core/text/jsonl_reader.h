#pragma once
// Streams a (possibly gzip-compressed) text file line by line, so multi-gigabyte JSONL
// datasets are never loaded whole.
#include <cstdint>
#include <memory>
#include <string>

namespace aletheia::text {

class LineReader {
public:
    explicit LineReader(const std::string& path);  // throws aletheia::Error naming the file
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    // Next line without its "\n" (and "\r\n"); false at end of file.
    bool next(std::string& line);
    long lineNumber() const { return line_; }  // 1-based number of the last line returned
    // Bytes of the file consumed so far / file size: for progress reporting.
    uint64_t bytesRead() const;
    uint64_t fileSize() const { return size_; }
    const std::string& path() const { return path_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string path_;
    uint64_t size_ = 0;
    long line_ = 0;
};

}  // namespace aletheia::text
