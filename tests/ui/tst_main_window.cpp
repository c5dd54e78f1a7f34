// The Studio's main window opens offscreen and exposes its workflow stages by name.
#include <QtTest/QtTest>
#include <QTabWidget>

#include "ui/main_window.h"

class TstMainWindow : public QObject {
    Q_OBJECT
private slots:
    void opensWithStages() {
        aletheia::ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* stages = w.findChild<QTabWidget*>("stages");
        QVERIFY(stages);
        QCOMPARE(stages->count(), 6);
        QCOMPARE(stages->tabText(0), QString("Model"));
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
