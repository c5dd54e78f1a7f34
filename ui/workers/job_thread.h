#pragma once
// The one shape of the Studio's background work, after Qt's Mandelbrot RenderThread: each panel
// owns one JobThread; a job is a request with its own StopToken; one job runs at a time, and a
// newer request supersedes the older (a waiting one is replaced, a running one is asked to
// stop); the owner's destruction stops the job in flight and joins the thread, so no thread
// outlives the window. Jobs report through their worker's signals, queued to the GUI thread.
#include <QThread>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "core/common/progress.h"

namespace aletheia::ui {

class JobThread : public QThread {
    Q_OBJECT
public:
    explicit JobThread(QObject* owner);
    ~JobThread() override;

    // Runs `job` in this thread as soon as the job before it (asked to stop) has returned.
    void submit(std::shared_ptr<StopToken> stop, std::function<void()> job);
    // Asks the job in flight (and drops a waiting one) to stop; returns at once.
    void stopAll();
    // Joins: returns when no job runs or waits (used on quit).
    void finishAll();

protected:
    void run() override;

private:
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::function<void()> pending_;
    std::shared_ptr<StopToken> pendingStop_, runningStop_;
    bool running_ = false;
    bool quit_ = false;
};

// Runs `worker->run()` as a job of `jobs`. The worker object stays in the GUI thread (its
// signals reach GUI receivers queued) and is deleted after its job, or when a newer request
// replaces it before it ran.
template <typename Worker>
void submitWorker(JobThread* jobs, std::shared_ptr<StopToken> stop, Worker* worker) {
    std::shared_ptr<Worker> owned(worker, [](Worker* w) { w->deleteLater(); });
    jobs->submit(std::move(stop), [owned] { owned->run(); });
}

}  // namespace aletheia::ui
