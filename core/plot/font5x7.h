#pragma once
// The pixel font of Canvas::text: 7 rows of 5 columns per glyph ('#' = ink).
#include <array>

namespace aletheia {

// nullptr for characters without a glyph. Upper-case letters map to lower-case.
const std::array<const char*, 7>* glyph5x7(char c);

}  // namespace aletheia
