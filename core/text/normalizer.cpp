#include "core/text/normalizer.h"

#include <unicode/uchar.h>
#include <unicode/utf16.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "core/common/error.h"
#include "core/text/regex.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {

bool isAscii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

std::u16string toUtf16(const std::string& s) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = 0;
    u_strFromUTF8WithSub(nullptr, 0, &len, s.data(), static_cast<int32_t>(s.size()), 0xFFFD, nullptr, &st);
    std::u16string out(static_cast<size_t>(len), u'\0');
    st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(out.data(), len, &len, s.data(), static_cast<int32_t>(s.size()), 0xFFFD, nullptr, &st);
    if (U_FAILURE(st)) fail(std::string("UTF-8 to UTF-16 conversion failed: ") + u_errorName(st));
    return out;
}

std::string toUtf8(const std::u16string& s) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = 0;
    u_strToUTF8(nullptr, 0, &len, s.data(), static_cast<int32_t>(s.size()), &st);
    std::string out(static_cast<size_t>(len), '\0');
    st = U_ZERO_ERROR;
    u_strToUTF8(out.data(), len, &len, s.data(), static_cast<int32_t>(s.size()), &st);
    if (U_FAILURE(st)) fail(std::string("UTF-16 to UTF-8 conversion failed: ") + u_errorName(st));
    return out;
}

class UnicodeNormalizer : public Normalizer {
public:
    explicit UnicodeNormalizer(NormalForm f) : form_(f) {}
    void normalize(std::string& text) const override {
        if (!isAscii(text)) text = normalizeUnicode(text, form_);  // ASCII is stable in every form
    }
private:
    NormalForm form_;
};

// Per code point, full case mapping, no context (Rust's char::to_lowercase, which HF uses):
// unlike ICU's string lowercasing, a final capital sigma becomes σ, not ς.
class Lowercase : public Normalizer {
public:
    void normalize(std::string& text) const override {
        if (isAscii(text)) {
            for (auto& c : text) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            return;
        }
        std::string out;
        out.reserve(text.size());
        size_t i = 0;
        while (i < text.size()) {
            const char32_t cp = nextCodePoint(text, i);
            if (cp < 0x80) {
                out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
                continue;
            }
            UChar in[2];
            int32_t inLen = 0;
            UBool err = false;
            U16_APPEND(in, inLen, 2, static_cast<UChar32>(cp), err);
            (void)err;  // cannot overflow: 2 units always fit one code point
            UChar low[8];
            UErrorCode st = U_ZERO_ERROR;
            const int32_t n = u_strToLower(low, 8, in, inLen, "", &st);
            if (U_FAILURE(st)) { appendUtf8(out, cp); continue; }
            for (int32_t k = 0; k < n;) {
                UChar32 c;
                U16_NEXT(low, k, n, c);
                appendUtf8(out, static_cast<char32_t>(c));
            }
        }
        text.swap(out);
    }
};

class ReplaceLiteral : public Normalizer {
public:
    ReplaceLiteral(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
    void normalize(std::string& text) const override {
        if (from_.empty() || text.find(from_) == std::string::npos) return;
        std::string out;
        out.reserve(text.size() + text.size() / 4);
        size_t pos = 0;
        for (size_t hit; (hit = text.find(from_, pos)) != std::string::npos; pos = hit + from_.size()) {
            out.append(text, pos, hit - pos);
            out += to_;
        }
        out.append(text, pos, std::string::npos);
        text.swap(out);
    }
private:
    std::string from_, to_;
};

class ReplaceRegex : public Normalizer {
public:
    ReplaceRegex(const std::string& pattern, std::string to) : re_(pattern), to_(std::move(to)) {}
    void normalize(std::string& text) const override {
        const auto hits = re_.findAll(text);
        if (hits.empty()) return;
        std::string out;
        size_t pos = 0;
        for (const auto& [b, e] : hits) {
            out.append(text, pos, b - pos);
            out += to_;
            pos = e;
        }
        out.append(text, pos, std::string::npos);
        text.swap(out);
    }
private:
    Regex re_;
    std::string to_;
};

class Prepend : public Normalizer {
public:
    explicit Prepend(std::string p) : prefix_(std::move(p)) {}
    void normalize(std::string& text) const override {
        if (!text.empty()) text.insert(0, prefix_);  // HF leaves empty pieces empty
    }
private:
    std::string prefix_;
};

class Strip : public Normalizer {
public:
    Strip(bool left, bool right) : left_(left), right_(right) {}
    void normalize(std::string& text) const override {
        size_t b = 0, e = text.size();
        if (left_) {
            while (b < e) {
                size_t i = b;
                if (!isWhiteSpace(nextCodePoint(text, i))) break;
                b = i;
            }
        }
        if (right_) {
            while (e > b) {
                size_t s = e - 1;
                while (s > b && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
                size_t i = s;
                if (!isWhiteSpace(nextCodePoint(text, i))) break;
                e = s;
            }
        }
        text = text.substr(b, e - b);
    }
private:
    bool left_, right_;
};

class StripAccents : public Normalizer {
public:
    void normalize(std::string& text) const override {
        if (isAscii(text)) return;
        std::string out;
        size_t i = 0;
        while (i < text.size()) {
            const char32_t cp = nextCodePoint(text, i);
            if (u_charType(static_cast<UChar32>(cp)) != U_NON_SPACING_MARK) appendUtf8(out, cp);
        }
        text.swap(out);
    }
};

class SequenceNormalizer : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
    void normalize(std::string& text) const override {
        for (const auto& p : parts_) p->normalize(text);
    }
private:
    std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::string normalizeUnicode(const std::string& text, NormalForm form) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2* n = form == NormalForm::NFC    ? unorm2_getNFCInstance(&st)
                            : form == NormalForm::NFD  ? unorm2_getNFDInstance(&st)
                            : form == NormalForm::NFKC ? unorm2_getNFKCInstance(&st)
                                                       : unorm2_getNFKDInstance(&st);
    if (U_FAILURE(st)) fail(std::string("ICU normalizer unavailable: ") + u_errorName(st));
    const std::u16string in = toUtf16(text);
    int32_t len = unorm2_normalize(n, in.data(), static_cast<int32_t>(in.size()), nullptr, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) fail("Unicode normalization failed");
    std::u16string out(static_cast<size_t>(len), u'\0');
    st = U_ZERO_ERROR;
    unorm2_normalize(n, in.data(), static_cast<int32_t>(in.size()), out.data(), len, &st);
    if (U_FAILURE(st)) fail("Unicode normalization failed");
    return toUtf8(out);
}

std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& spec) {
    if (spec.is_null()) return nullptr;
    const std::string type = spec.value("type", "");
    if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFC);
    if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFD);
    if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKC);
    if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKD);
    if (type == "Lowercase") return std::make_unique<Lowercase>();
    if (type == "StripAccents") return std::make_unique<StripAccents>();
    if (type == "Strip")
        return std::make_unique<Strip>(spec.value("strip_left", true), spec.value("strip_right", true));
    if (type == "Prepend") return std::make_unique<Prepend>(spec.at("prepend").get<std::string>());
    if (type == "Replace") {
        const auto& pat = spec.at("pattern");
        const std::string content = spec.at("content").get<std::string>();
        if (pat.contains("String")) return std::make_unique<ReplaceLiteral>(pat["String"].get<std::string>(), content);
        return std::make_unique<ReplaceRegex>(pat.at("Regex").get<std::string>(), content);
    }
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Normalizer>> parts;
        for (const auto& s : spec.at("normalizers"))
            if (auto n = makeNormalizer(s)) parts.push_back(std::move(n));
        return std::make_unique<SequenceNormalizer>(std::move(parts));
    }
    fail("unsupported normalizer type '" + type +
         "' (supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Prepend, Replace, Sequence)");
}

}  // namespace aletheia::text
