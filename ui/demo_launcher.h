#pragma once
// Prepares the built-in demo (core/demo) off the GUI thread: the first launch pretrains the
// small demo model (minutes), later launches read it from the cache at once.
#include <QObject>
#include <QString>

#include <memory>

#include "core/common/progress.h"

namespace aletheia::ui {

class JobThread;

class DemoLauncher : public QObject {
    Q_OBJECT
public:
    explicit DemoLauncher(QObject* parent = nullptr);
    ~DemoLauncher() override;
    void start();
    void stop();

signals:
    void message(const QString& text);
    void progress(int step, int total, double loss);
    void ready(const QString& experimentPath, const QString& banner);
    void failed(const QString& error);

private:
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
    JobThread* jobs_;  // owned; stopped and joined with the launcher
    bool started_ = false;
};

}  // namespace aletheia::ui
