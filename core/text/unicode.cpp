#include "core/text/unicode.h"

#include <unordered_map>

namespace aletheia::text {

namespace {
inline bool isCont(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

char32_t nextCodePoint(std::string_view s, size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) { ++i; return b0; }
    size_t need;
    char32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) { need = 1; cp = b0 & 0x1F; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2; cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3; cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else { ++i; return 0xFFFD; }
    size_t j = i + 1;
    for (size_t k = 0; k < need; ++k, ++j) {
        if (j >= s.size()) { i = j; return 0xFFFD; }
        const auto c = static_cast<unsigned char>(s[j]);
        const bool ok = k == 0 ? (c >= lo && c <= hi) : isCont(c);
        if (!ok) { i = j; return 0xFFFD; }
        cp = (cp << 6) | (c & 0x3F);
    }
    i = j;
    return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) { ++i; continue; }
        const size_t start = i;
        if (nextCodePoint(s, i) == 0xFFFD) {
            // A literal U+FFFD (EF BF BD) is valid; anything else decoding to it is not.
            if (i - start != 3 || s.substr(start, 3) != "\xEF\xBF\xBD") return false;
        }
    }
    return true;
}

std::string toValidUtf8(std::string_view bytes) {
    if (isValidUtf8(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    size_t i = 0;
    while (i < bytes.size()) appendUtf8(out, nextCodePoint(bytes, i));
    return out;
}

namespace {
struct ByteLevelTables {
    std::array<std::string, 256> chars;
    std::unordered_map<char32_t, int> inverse;
    ByteLevelTables() {
        // Printable Latin-1 bytes map to themselves; the rest to 256, 257, ... in byte order.
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            const char32_t cp = printable ? static_cast<char32_t>(b) : next++;
            appendUtf8(chars[b], cp);
            inverse[cp] = b;
        }
    }
};
const ByteLevelTables& tables() {
    static const ByteLevelTables t;
    return t;
}
}  // namespace

const std::array<std::string, 256>& byteLevelChars() { return tables().chars; }

int byteLevelByte(char32_t cp) {
    const auto& inv = tables().inverse;
    auto it = inv.find(cp);
    return it == inv.end() ? -1 : it->second;
}

bool isWhiteSpace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

}  // namespace aletheia::text
