#pragma once
// Drives the Studio through every stage on a real model (load, probe, plan, a short training
// run, the uniform baseline, both evaluated in Compare, a Chat answer with and without the adapter) and saves a grab of the window at each stage into a folder, then
// the plan in the dark palette and the probe at 1366x768. docs/screenshots are made this way:
// `aletheia-studio --screenshot-dir DIR --demo` (the demo model and task, real data) or
// `--model DIR` (a checkpoint alone: synthetic tokens).
#include <QObject>
#include <QString>

namespace aletheia::ui {

class MainWindow;

class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    // An empty `modelDir` tours the built-in demo with the demo experiment's own settings;
    // `trainSteps` (> 0) then overrides its step count.
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
    void afterEvaluation();
    void afterChat();
    void afterDataset();

    MainWindow* w_;
    QString modelDir_, outDir_;
    int trainSteps_;
};

}  // namespace aletheia::ui
