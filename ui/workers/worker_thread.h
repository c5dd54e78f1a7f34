#pragma once
// Runs a worker's run() slot in its own QThread. The worker must emit `finishedSignal`
// exactly once; then the thread quits and both the worker and the thread delete themselves.
// The caller keeps no pointer it must free: results travel by queued signals.
#include <QThread>

namespace aletheia::ui {

template <typename Worker, typename Signal>
QThread* startInThread(Worker* worker, Signal finishedSignal) {
    auto* thread = new QThread;
    worker->moveToThread(thread);
    QObject::connect(thread, &QThread::started, worker, &Worker::run);
    QObject::connect(worker, finishedSignal, thread, &QThread::quit);
    QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return thread;
}

}  // namespace aletheia::ui
