#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/common/user_regex.h"

#include <pcre2.h>

#include "core/common/error.h"

namespace aletheia {
namespace {
// Module paths are < 200 bytes: a sane pattern needs a few thousand steps on them. A million
// steps is ~10 ms; anything beyond is backtracking gone exponential.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;     // nested backtracking frames
constexpr uint32_t kHeapLimitKiB = 64 * 1024;  // PCRE2 keeps its backtracking frames on the heap

// Messages quote the pattern and subject; a hostile one may be megabytes long.
std::string shown(std::string_view s) {
    return s.size() <= 120 ? std::string(s) : std::string(s.substr(0, 120)) + "...";
}

std::string errorText(int code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(code, buf, sizeof buf);
    return reinterpret_cast<const char*>(buf);
}
}  // namespace

struct UserRegex::Impl {
    pcre2_code* code = nullptr;
    pcre2_match_context* context = nullptr;
    ~Impl() {
        pcre2_match_context_free(context);
        pcre2_code_free(code);
    }
};

UserRegex::UserRegex(const std::string& pattern) : pattern_(pattern), impl_(std::make_unique<Impl>()) {
    int err = 0;
    PCRE2_SIZE offset = 0;
    // Interpreter, not JIT: the depth limit only applies to pcre2_match.
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF, &err,
                                &offset, nullptr);
    if (!impl_->code)
        fail("regex '" + shown(pattern) + "' does not compile at offset " + std::to_string(offset) + ": " + errorText(err));
    impl_->context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(impl_->context, kMatchLimit);
    pcre2_set_depth_limit(impl_->context, kDepthLimit);
    pcre2_set_heap_limit(impl_->context, kHeapLimitKiB);
}

UserRegex::~UserRegex() = default;

bool UserRegex::fullMatch(std::string_view text) const {
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
    const int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                               PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, impl_->context);
    pcre2_match_data_free(md);
    if (rc >= 0) return true;
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
        fail("regex '" + shown(pattern_) + "' gave up matching '" + shown(text) +
             "' (" + errorText(rc) + "): the pattern backtracks catastrophically, simplify it");
    fail("regex '" + shown(pattern_) + "' cannot match '" + shown(text) + "': " + errorText(rc));
}

}  // namespace aletheia
