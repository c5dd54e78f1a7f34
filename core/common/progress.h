#pragma once
// How long operations (load, probe, train, eval) talk to whoever runs them.
// They are plain synchronous functions: they know nothing of threads or GUIs.
// The CLI prints from the same callbacks; the GUI forwards them as queued Qt signals.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

namespace aletheia {

// Set from any thread, or from a signal handler (the CLI's Ctrl-C and SIGUSR1); polled by the
// operation between units of work (batches, steps). A paused operation sleeps on a condition
// variable, rechecking every 200 ms so that a flag a signal handler set (it can notify no one)
// is seen too.
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
    // The async-signal-safe ones: lock-free atomic stores that wake no waiter.
    void requestStopFromSignalHandler() { stop_.store(true); }
    void togglePauseFromSignalHandler() { pause_.store(!pause_.load()); }

    // Blocks while paused; returns false if a stop arrived meanwhile.
    bool waitWhilePaused() const {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!changed_.wait_for(lock, std::chrono::milliseconds(200), [this] { return !pause_ || stop_; })) {
        }
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
