#pragma once
// Progress for long commands. On a terminal: one bar redrawn in place with \r
// ("train [#####.....] 50/100  50%  3.1 it/s  ETA 0:16  loss 2.31"). Otherwise (pipes, logs,
// CI): plain lines, at most one per `lineInterval`, plus the first and the last.
#include <chrono>
#include <ostream>
#include <string>

#include "core/common/progress.h"

namespace aletheia::cli {

class ProgressPrinter {
public:
    ProgressPrinter(std::string label, std::ostream& out, bool tty,
                    std::chrono::milliseconds lineInterval = std::chrono::seconds(2));
    // Attached to stderr, as a bar when stderr is a terminal.
    explicit ProgressPrinter(std::string label);
    ~ProgressPrinter();

    // `done` of `total` units (total <= 0: unknown); `detail` is appended ("loss 2.31").
    void update(long done, long total, const std::string& detail = {});
    // Ends the bar's line (or prints the final line if it was throttled away).
    void finish();
    // An adapter for engine functions that take a ProgressFn.
    ProgressFn callback();

private:
    std::string render(long done, long total, const std::string& detail) const;

    std::string label_;
    std::ostream& out_;
    bool tty_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point start_, lastPrint_;
    bool printedAny_ = false, finished_ = false, pending_ = false;
    std::string lastLine_;
};

// "0:07", "12:03", "1:02:03"
std::string formatDuration(double seconds);
// "[#####.....]" with `width` cells between the brackets.
std::string renderBar(long done, long total, int width);

}  // namespace aletheia::cli
