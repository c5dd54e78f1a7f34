#pragma once
// UTF-8 helpers shared by the tokenizer stages. Everything inside the tokenizer is UTF-8
// std::string; code points are decoded only where a stage needs them.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace aletheia::text {

// Decodes the code point starting at s[i] and advances i past it. An invalid sequence yields
// U+FFFD and advances over its maximal valid prefix (at least one byte), like Rust's
// String::from_utf8_lossy, which is what HF tokenizers uses.
char32_t nextCodePoint(std::string_view s, size_t& i);
void appendUtf8(std::string& out, char32_t cp);
// Byte length of the UTF-8 sequence introduced by `lead` (1 for invalid leads).
inline size_t utf8Length(unsigned char lead) {
    return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
}

bool isValidUtf8(std::string_view s);
// Invalid sequences replaced by U+FFFD (lossy decode of arbitrary bytes).
std::string toValidUtf8(std::string_view bytes);

// GPT-2's bytes_to_unicode: every byte maps to a printable code point, so byte-level BPE
// vocabularies can store arbitrary bytes as text. Entry b is the UTF-8 of that code point.
const std::array<std::string, 256>& byteLevelChars();
// Inverse: code point -> byte, or -1 if the code point is not in the table.
int byteLevelByte(char32_t cp);

// Oniguruma's \s (HF's regex engine): Unicode White_Space.
bool isWhiteSpace(char32_t cp);

}  // namespace aletheia::text
