#include "core/text/jsonl_reader.h"

#include <zlib.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/common/regular_file.h"

namespace aletheia::text {

// zlib's gz* functions read plain files transparently, so one code path serves both.
struct LineReader::Impl {
    gzFile f = nullptr;
};

LineReader::LineReader(const std::string& path) : impl_(std::make_unique<Impl>()), path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) failIn(path, "dataset file not found");
    size_ = std::filesystem::file_size(path, ec);
    requireRegularFile(path);  // gzopen on a FIFO would wait for a writer forever
    impl_->f = gzopen(path.c_str(), "rb");
    if (!impl_->f) failIn(path, "cannot open dataset file");
    gzbuffer(impl_->f, 1 << 18);
}

LineReader::~LineReader() {
    if (impl_->f) gzclose(impl_->f);
}

bool LineReader::next(std::string& line) {
    line.clear();
    char buf[1 << 14];
    bool any = false;
    while (gzgets(impl_->f, buf, sizeof buf)) {
        any = true;
        line += buf;
        if (!line.empty() && line.back() == '\n') break;
    }
    int err = 0;
    const char* msg = gzerror(impl_->f, &err);
    if (err < 0 && err != Z_BUF_ERROR) failIn(path_, std::string("read error: ") + msg, {}, line_ + 1);
    if (!any) return false;
    ++line_;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

uint64_t LineReader::bytesRead() const {
    const auto off = gzoffset(impl_->f);
    return off < 0 ? 0 : static_cast<uint64_t>(off);
}

}  // namespace aletheia::text
