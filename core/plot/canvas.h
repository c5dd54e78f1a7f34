#pragma once
// A small RGB raster with lines, rectangles and a built-in 5x7 pixel font: enough to draw
// plots in a headless process (no Qt, no display) and save them as PNG.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

struct Rgb {
    uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
public:
    Canvas(int width, int height, Rgb background = {255, 255, 255});

    int width() const { return width_; }
    int height() const { return height_; }
    const std::vector<uint8_t>& pixels() const { return rgb_; }
    Rgb at(int x, int y) const;

    void set(int x, int y, Rgb c);  // ignores points outside
    void fillRect(int x, int y, int w, int h, Rgb c);
    void line(int x0, int y0, int x1, int y1, Rgb c);
    // Text with its top-left corner at (x, y); glyphs are 5x7 cells scaled by `scale`, 6*scale apart.
    // Letters render lower-case; characters without a glyph render as blanks.
    void text(int x, int y, const std::string& s, Rgb c, int scale = 1);
    // Same, rotated 90 degrees counter-clockwise (y axis titles), starting at bottom-left (x, y).
    void textUp(int x, int y, const std::string& s, Rgb c, int scale = 1);
    static int textWidth(const std::string& s, int scale = 1) { return int(s.size()) * 6 * scale; }

    void savePng(const std::string& path) const;

private:
    int width_, height_;
    std::vector<uint8_t> rgb_;
};

}  // namespace aletheia
