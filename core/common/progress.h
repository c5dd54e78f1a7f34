#pragma once
// How long operations (load, probe, train, eval) talk to whoever runs them.
// They are plain synchronous functions: they know nothing of threads or GUIs.
// The CLI prints from the same callbacks; the GUI forwards them as queued Qt signals.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

namespace aletheia {

// Set from any thread; polled by the operation between units of work (batches, steps).
// A paused operation sleeps on a condition variable until resumed or stopped: no polling.
class StopToken {
public:
    bool stopRequested() const { return stop_.load(std::memory_order_relaxed); }
    bool paused() const { return pause_.load(std::memory_order_relaxed); }

    void requestStop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
    }
    void setPaused(bool paused) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            pause_ = paused;
        }
        changed_.notify_all();
    }
    // Only this is async-signal-safe (a Ctrl-C handler): it wakes no paused waiter, and the
    // CLI, whose handler calls it, never pauses.
    void requestStopFromSignalHandler() { stop_.store(true); }

    // Blocks while paused; returns false if a stop arrived meanwhile.
    bool waitWhilePaused() const {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return !pause_ || stop_; });
        return !stop_;
    }

private:
    std::atomic<bool> stop_{false};
    std::atomic<bool> pause_{false};
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
};

// Generic progress: `done` of `total` units, with a short human label.
using ProgressFn = std::function<void(long done, long total, const std::string& label)>;

}  // namespace aletheia
