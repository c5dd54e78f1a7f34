#pragma once
// Minimal PNG encoder (8-bit RGB, one IDAT, zlib deflate): enough for plots written by a
// headless run, without Qt or a display.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

// rgb: width*height*3 bytes, rows top to bottom. Throws aletheia::Error if the file cannot be written.
void writePng(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb);
// The encoded bytes (for tests and for callers that store them elsewhere).
std::vector<uint8_t> encodePng(int width, int height, const std::vector<uint8_t>& rgb);

}  // namespace aletheia
