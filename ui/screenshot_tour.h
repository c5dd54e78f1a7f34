#pragma once
// Drives the Studio through every stage on a real model (load, probe, plan, a short training
// run, the uniform baseline) and saves a grab of the window at each stage into a folder:
// docs/screenshots are made this way (`aletheia-studio --screenshot-dir DIR --model DIR`).
#include <QObject>
#include <QString>

namespace aletheia::ui {

class MainWindow;

class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(MainWindow* window, QString modelDir, QString outDir, int trainSteps = 60);
    void start();

signals:
    void done(bool ok);

private:
    void shoot(int stage, const QString& name);
    void afterLoad();
    void afterProbe();
    void afterTrain();
    void afterBaseline();

    MainWindow* w_;
    QString modelDir_, outDir_;
    int trainSteps_;
};

}  // namespace aletheia::ui
