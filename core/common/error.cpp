#include "core/common/error.h"

namespace aletheia {

namespace {
std::string format(const std::string& what, const Error::Context& c) {
    std::string s;
    if (!c.file.empty()) {
        s += c.file;
        if (c.line >= 0) s += ":" + std::to_string(c.line);
        s += ": ";
    }
    if (!c.item.empty()) s += "'" + c.item + "': ";
    return s + what;
}
}  // namespace

Error::Error(const std::string& what) : Error(what, Context{}) {}

Error::Error(const std::string& what, Context ctx)
    : std::runtime_error(format(what, ctx)), ctx_(std::move(ctx)), problem_(what) {}

void fail(const std::string& what) { throw Error(what); }

void failIn(const std::string& file, const std::string& what, const std::string& item, long line) {
    throw Error(what, Error::Context{file, item, line});
}

}  // namespace aletheia
