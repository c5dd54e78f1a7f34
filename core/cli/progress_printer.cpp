#include "core/cli/progress_printer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace aletheia::cli {

std::string formatDuration(double seconds) {
    if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string renderBar(long done, long total, int width) {
    const double f = total > 0 ? std::clamp(double(done) / double(total), 0.0, 1.0) : 0.0;
    const int filled = static_cast<int>(f * width);
    return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
}

ProgressPrinter::ProgressPrinter(std::string label, std::ostream& out, bool tty,
                                 std::chrono::milliseconds lineInterval)
    : label_(std::move(label)), out_(out), tty_(tty), interval_(lineInterval),
      start_(std::chrono::steady_clock::now()), lastPrint_(start_) {
    // A redrawn bar needs no throttle beyond keeping the terminal calm.
    if (tty_) interval_ = std::chrono::milliseconds(100);
}

ProgressPrinter::ProgressPrinter(std::string label)
    : ProgressPrinter(std::move(label), std::cerr, isatty(fileno(stderr)) != 0) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

std::string ProgressPrinter::render(long done, long total, const std::string& detail) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? done / elapsed : 0.0;
    char nums[96];
    std::string s = label_ + " ";
    if (total > 0) {
        if (tty_) s += renderBar(done, total, 24) + " ";
        std::snprintf(nums, sizeof nums, "%ld/%ld %3.0f%%", done, total, 100.0 * done / total);
    } else {
        std::snprintf(nums, sizeof nums, "%ld", done);
    }
    s += nums;
    if (done > 0 && elapsed > 0) {
        std::snprintf(nums, sizeof nums, "  %.3g it/s", rate);
        s += nums;
        if (total > 0) s += "  ETA " + formatDuration((total - done) / rate);
    }
    if (!detail.empty()) s += "  " + detail;
    return s;
}

void ProgressPrinter::update(long done, long total, const std::string& detail) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = total > 0 && done >= total;
    lastLine_ = render(done, total, detail);
    if (printedAny_ && !last && now - lastPrint_ < interval_) {
        pending_ = true;  // shown by finish() if nothing newer comes
        return;
    }
    if (tty_) out_ << "\r" << lastLine_ << "\x1b[K" << std::flush;
    else out_ << lastLine_ << "\n" << std::flush;
    printedAny_ = true;
    pending_ = false;
    lastPrint_ = now;
}

void ProgressPrinter::finish() {
    if (finished_) return;
    finished_ = true;
    if (tty_) {
        if (pending_) out_ << "\r" << lastLine_ << "\x1b[K";
        if (printedAny_ || pending_) out_ << "\n" << std::flush;
    } else if (pending_) {
        out_ << lastLine_ << "\n" << std::flush;
    }
}

ProgressFn ProgressPrinter::callback() {
    return [this](long done, long total, const std::string& label) { update(done, total, label); };
}

}  // namespace aletheia::cli
