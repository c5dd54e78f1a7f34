#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/text/regex.h"

#include <pcre2.h>

#include <mutex>

#include "core/common/error.h"

namespace aletheia::text {

std::string onigurumaToPcre2(const std::string& p) {
    // PCRE2's \s with UCP is "Z category + tab/LF/VT/FF/CR": U+0085 (NEL) is missing.
    std::string out;
    out.reserve(p.size() + 16);
    bool inClass = false;
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char n = p[i + 1];
            ++i;
            if (n == 's') out += inClass ? "\\s\\x{85}" : "[\\s\\x{85}]";
            else if (n == 'S' && !inClass) out += "[^\\s\\x{85}]";
            else { out += '\\'; out += n; }
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal, not the end of the class.
            if (i + 1 < p.size() && p[i + 1] == '^') { out += '^'; ++i; }
            if (i + 1 < p.size() && p[i + 1] == ']') { out += ']'; ++i; }
            continue;
        }
        if (inClass && c == ']') inClass = false;
        out += c;
    }
    return out;
}

struct Regex::Impl {
    pcre2_code* code = nullptr;
    bool jit = false;
};

Regex::Regex(const std::string& pattern) : pattern_(pattern), impl_(std::make_unique<Impl>()) {
    const std::string translated = onigurumaToPcre2(pattern);
    int err = 0;
    PCRE2_SIZE errOffset = 0;
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                PCRE2_UTF | PCRE2_UCP, &err, &errOffset, nullptr);
    if (!impl_->code) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(err, buf, sizeof buf);
        fail("tokenizer regex does not compile at offset " + std::to_string(errOffset) + ": " +
             reinterpret_cast<char*>(buf) + " (pattern: " + pattern + ")");
    }
    impl_->jit = pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() {
    if (impl_->code) pcre2_code_free(impl_->code);
}

std::vector<std::pair<size_t, size_t>> Regex::findAll(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> out;
    // Match data is per call so one Regex can serve several threads.
    thread_local struct Md {
        pcre2_match_data* md = pcre2_match_data_create(4, nullptr);
        ~Md() { pcre2_match_data_free(md); }
    } md;
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t offset = 0;
    while (offset <= text.size()) {
        // JIT with its default stack (thread-safe, no shared state); the interpreter takes over
        // in the rare case a pathological input exhausts that stack.
        int rc = impl_->jit ? pcre2_jit_match(impl_->code, subject, text.size(), offset, 0, md.md, nullptr)
                            : PCRE2_ERROR_JIT_STACKLIMIT;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
            rc = pcre2_match(impl_->code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, md.md, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) fail("tokenizer regex failed while matching (PCRE2 error " + std::to_string(rc) + ")");
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.md);
        const size_t b = ov[0], e = ov[1];
        if (e == b) {
            // Empty match: step one code point so the scan always progresses.
            if (b >= text.size()) break;
            offset = b + 1;
            while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
            continue;
        }
        out.emplace_back(b, e);
        offset = e;
    }
    return out;
}

}  // namespace aletheia::text
