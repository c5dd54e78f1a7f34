#include "ui/main_window.h"

#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>

namespace aletheia::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle("Aletheia Studio");
    stages_ = new QTabWidget(this);
    stages_->setObjectName("stages");
    for (const char* name : {"Model", "Data", "Probe", "Plan", "Train", "Compare && Export"}) {
        auto* page = new QLabel(QString("%1 — open a checkpoint to begin").arg(QString(name).remove('&')));
        page->setAlignment(Qt::AlignCenter);
        stages_->addTab(page, name);
    }
    setCentralWidget(stages_);
    statusBar()->showMessage("Ready");
    resize(1280, 800);
}

}  // namespace aletheia::ui
