#pragma once
// How long operations (load, probe, train, eval) talk to whoever runs them.
// They are plain synchronous functions: they know nothing of threads or GUIs.
// The CLI prints from the same callbacks; the GUI forwards them as queued Qt signals.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace aletheia {

// Set from any thread; polled by the operation between units of work (batches, steps).
struct StopToken {
    std::atomic<bool> stop{false};
    std::atomic<bool> pause{false};

    bool stopRequested() const { return stop.load(std::memory_order_relaxed); }
    // Blocks while paused; returns false if a stop arrived meanwhile.
    bool waitWhilePaused() const {
        while (pause.load(std::memory_order_relaxed) && !stopRequested())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return !stopRequested();
    }
};

// Generic progress: `done` of `total` units, with a short human label.
using ProgressFn = std::function<void(long done, long total, const std::string& label)>;

}  // namespace aletheia
