#pragma once
// The two plots a run writes: a loss curve and the probe heatmap (PNG, headless).
#include <string>
#include <vector>

#include "core/plot/canvas.h"

namespace aletheia {

struct LineSeries {
    std::string name;          // legend entry
    std::vector<double> x, y;  // equal lengths; non-finite points are skipped
    Rgb color{31, 119, 180};
};

// Line plot with axes, ~5 "nice" ticks per axis, a title and a legend.
Canvas renderLinePlot(const std::string& title, const std::string& xLabel, const std::string& yLabel,
                      const std::vector<LineSeries>& series, int width = 800, int height = 480);

// values[row][col] (e.g. layers x modules) as coloured cells (dark = low, yellow = high, scaled to
// the data's min..max), labelled rows and columns and a colour bar.
Canvas renderHeatmap(const std::string& title, const std::vector<std::vector<double>>& values,
                     const std::vector<std::string>& rowLabels, const std::vector<std::string>& colLabels);

// Ticks covering [lo, hi] at a 1/2/5 x 10^k step (at most ~maxTicks of them).
std::vector<double> niceTicks(double lo, double hi, int maxTicks = 6);
// Colour of t in [0, 1] on a viridis-like ramp.
Rgb rampColor(double t);

}  // namespace aletheia
