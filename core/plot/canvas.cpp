#include "core/plot/canvas.h"

#include <cstdlib>

#include "core/plot/font5x7.h"
#include "core/plot/png_writer.h"

namespace aletheia {

Canvas::Canvas(int width, int height, Rgb background)
    : width_(width), height_(height), rgb_(size_t(width) * size_t(height) * 3) {
    fillRect(0, 0, width, height, background);
}

Rgb Canvas::at(int x, int y) const {
    const size_t i = (size_t(y) * size_t(width_) + size_t(x)) * 3;
    return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void Canvas::set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
    const size_t i = (size_t(y) * size_t(width_) + size_t(x)) * 3;
    rgb_[i] = c.r;
    rgb_[i + 1] = c.g;
    rgb_[i + 2] = c.b;
}

void Canvas::fillRect(int x, int y, int w, int h, Rgb c) {
    for (int yy = y; yy < y + h; ++yy)
        for (int xx = x; xx < x + w; ++xx) set(xx, yy, c);
}

void Canvas::line(int x0, int y0, int x1, int y1, Rgb c) {
    // Bresenham: every octant, integer steps only.
    const int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    const int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        set(x0, y0, c);
        if (x0 == x1 && y0 == y1) return;
        const int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

void Canvas::text(int x, int y, const std::string& s, Rgb c, int scale) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto* g = glyph5x7(s[i]);
        if (!g) continue;
        for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 5; ++col)
                if ((*g)[row][col] == '#')
                    fillRect(x + (int(i) * 6 + col) * scale, y + row * scale, scale, scale, c);
    }
}

void Canvas::textUp(int x, int y, const std::string& s, Rgb c, int scale) {
    // Rotated: glyph column -> screen row going up, glyph row -> screen column going right.
    for (size_t i = 0; i < s.size(); ++i) {
        const auto* g = glyph5x7(s[i]);
        if (!g) continue;
        for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 5; ++col)
                if ((*g)[row][col] == '#')
                    fillRect(x + row * scale, y - (int(i) * 6 + col + 1) * scale, scale, scale, c);
    }
}

void Canvas::savePng(const std::string& path) const { writePng(path, width_, height_, rgb_); }

}  // namespace aletheia
