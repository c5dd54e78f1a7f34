#pragma once
// The Studio's main window: a left-to-right workflow of panels (Model, Data, Probe, Plan,
// Train, Compare & Export). Each panel is its own class; the window only wires them.
#include <QMainWindow>

class QTabWidget;

namespace aletheia::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    QTabWidget* stages_ = nullptr;
};

}  // namespace aletheia::ui
