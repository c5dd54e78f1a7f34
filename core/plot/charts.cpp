#include "core/plot/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace aletheia {

namespace {

const Rgb kInk{40, 40, 40}, kGrid{225, 225, 225}, kFrame{120, 120, 120};

std::string tickText(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", std::abs(v) < 1e-12 ? 0.0 : v);
    return buf;
}

struct Range {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    void add(double v) {
        if (!std::isfinite(v)) return;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    // Empty -> [0, 1]; a single value -> a small band around it.
    void settle() {
        if (lo > hi) lo = 0, hi = 1;
        if (lo == hi) {
            const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
    }
};

}  // namespace

std::vector<double> niceTicks(double lo, double hi, int maxTicks) {
    std::vector<double> ticks;
    if (!(hi > lo) || maxTicks < 2) return {lo};
    const double raw = (hi - lo) / (maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(t);
    return ticks;
}

Rgb rampColor(double t) {
    // Viridis at five stops, linearly interpolated.
    static const double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4.0;
    const int i = std::min(3, int(t));
    const double f = t - i;
    auto mix = [&](int k) { return uint8_t(std::lround(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f)); };
    return {mix(0), mix(1), mix(2)};
}

Canvas renderLinePlot(const std::string& title, const std::string& xLabel, const std::string& yLabel,
                      const std::vector<LineSeries>& series, int width, int height) {
    Canvas c(width, height);
    const int left = 70, right = 20, top = 40, bottom = 50;
    const int pw = width - left - right, ph = height - top - bottom;
    Range xr, yr;
    for (const auto& s : series)
        for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) xr.add(s.x[i]), yr.add(s.y[i]);
    xr.settle();
    yr.settle();
    auto px = [&](double x) { return left + int(std::lround((x - xr.lo) / (xr.hi - xr.lo) * (pw - 1))); };
    auto py = [&](double y) { return top + ph - 1 - int(std::lround((y - yr.lo) / (yr.hi - yr.lo) * (ph - 1))); };

    for (double t : niceTicks(xr.lo, xr.hi)) {
        c.line(px(t), top, px(t), top + ph - 1, kGrid);
        const std::string s = tickText(t);
        c.text(px(t) - Canvas::textWidth(s) / 2, top + ph + 6, s, kInk);
    }
    for (double t : niceTicks(yr.lo, yr.hi)) {
        c.line(left, py(t), left + pw - 1, py(t), kGrid);
        const std::string s = tickText(t);
        c.text(left - 6 - Canvas::textWidth(s), py(t) - 3, s, kInk);
    }
    // Frame
    c.line(left, top, left + pw - 1, top, kFrame);
    c.line(left, top + ph - 1, left + pw - 1, top + ph - 1, kFrame);
    c.line(left, top, left, top + ph - 1, kFrame);
    c.line(left + pw - 1, top, left + pw - 1, top + ph - 1, kFrame);

    int legendY = top + 8;
    for (const auto& s : series) {
        bool havePrev = false;
        int x0 = 0, y0 = 0;
        for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            const int x1 = px(s.x[i]), y1 = py(s.y[i]);
            if (havePrev) c.line(x0, y0, x1, y1, s.color);
            else c.fillRect(x1 - 1, y1 - 1, 3, 3, s.color);  // a lone first point stays visible
            x0 = x1, y0 = y1, havePrev = true;
        }
        const int lx = left + pw - 12 - Canvas::textWidth(s.name) - 16;
        c.fillRect(lx, legendY, 12, 7, s.color);
        c.text(lx + 16, legendY, s.name, kInk);
        legendY += 12;
    }
    c.text(left + pw / 2 - Canvas::textWidth(title, 2) / 2, 10, title, kInk, 2);
    c.text(left + pw / 2 - Canvas::textWidth(xLabel) / 2, height - 18, xLabel, kInk);
    c.textUp(10, top + ph / 2 + Canvas::textWidth(yLabel) / 2, yLabel, kInk);
    return c;
}

Canvas renderHeatmap(const std::string& title, const std::vector<std::vector<double>>& values,
                     const std::vector<std::string>& rowLabels, const std::vector<std::string>& colLabels) {
    const int rows = int(values.size());
    int cols = 0;
    for (const auto& r : values) cols = std::max(cols, int(r.size()));
    const int cellW = std::clamp(cols ? 640 / cols : 40, 10, 60);
    const int cellH = std::clamp(rows ? 560 / rows : 20, 6, 30);
    int labelW = 0, colLabelH = 0;
    for (const auto& l : rowLabels) labelW = std::max(labelW, Canvas::textWidth(l));
    for (const auto& l : colLabels) colLabelH = std::max(colLabelH, Canvas::textWidth(l));
    const int left = labelW + 16, top = 44, gridW = cols * cellW, gridH = rows * cellH;
    const int width = std::max(left + gridW + 90, Canvas::textWidth(title, 2) + 20);
    const int height = top + gridH + colLabelH + 20;
    Canvas c(width, height);

    Range vr;
    for (const auto& r : values)
        for (double v : r) vr.add(v);
    vr.settle();
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < int(values[i].size()); ++j)
            c.fillRect(left + j * cellW, top + i * cellH, cellW - 1, cellH - 1,
                       rampColor((values[i][j] - vr.lo) / (vr.hi - vr.lo)));
        // Label every row when they fit, else every k-th.
        const int every = std::max(1, 10 / std::max(1, cellH));
        if (i < int(rowLabels.size()) && i % every == 0)
            c.text(left - 6 - Canvas::textWidth(rowLabels[i]), top + i * cellH + (cellH - 7) / 2, rowLabels[i], kInk);
    }
    for (int j = 0; j < int(colLabels.size()) && j < cols; ++j)
        c.textUp(left + j * cellW + (cellW - 7) / 2, top + gridH + 6 + Canvas::textWidth(colLabels[j]), colLabels[j],
                 kInk);
    // Colour bar with the value range.
    const int bx = left + gridW + 16;
    for (int y = 0; y < gridH; ++y) c.fillRect(bx, top + y, 14, 1, rampColor(1.0 - double(y) / std::max(1, gridH - 1)));
    c.text(bx + 18, top, tickText(vr.hi), kInk);
    c.text(bx + 18, top + gridH - 7, tickText(vr.lo), kInk);
    c.text(10, 12, title, kInk, 2);
    return c;
}

}  // namespace aletheia
