#include "ui/workers/job_thread.h"

namespace aletheia::ui {

JobThread::JobThread(QObject* owner) : QThread(owner) { start(); }

JobThread::~JobThread() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
        pending_ = nullptr;
        if (runningStop_) runningStop_->requestStop();
    }
    wake_.notify_all();
    wait();  // the job in flight returns at its next stop check (a step, a batch, a tensor)
}

void JobThread::submit(std::shared_ptr<StopToken> stop, std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ = std::move(job);
        pendingStop_ = std::move(stop);
        if (runningStop_) runningStop_->requestStop();  // a newer request supersedes
    }
    wake_.notify_all();
}

void JobThread::stopAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = nullptr;
    pendingStop_.reset();
    if (runningStop_) runningStop_->requestStop();
}

void JobThread::finishAll() {
    stopAll();
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return !running_ && !pending_; });
}

void JobThread::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return quit_ || pending_; });
            if (quit_) return;
            job = std::move(pending_);
            pending_ = nullptr;
            runningStop_ = std::move(pendingStop_);
            running_ = true;
        }
        job();  // workers catch their own errors and report them by signal
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_ = false;
            runningStop_.reset();
        }
        idle_.notify_all();
    }
}

}  // namespace aletheia::ui
