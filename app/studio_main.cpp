// `aletheia-studio`: creates the application and the main window; everything else is in ui/.
#include "ui/main_window.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Aletheia Studio");
    QApplication::setOrganizationName("Aletheia");
    QApplication::setWindowIcon(QIcon(":/icons/aletheia.svg"));
    aletheia::ui::MainWindow window;
    window.show();
    return app.exec();
}
