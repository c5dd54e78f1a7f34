// The Studio's main window opens offscreen and exposes its workflow stages by name; the
// aletheia-studio binary answers --help and --version without a display.
#include <QtTest/QtTest>
#include <QTemporaryDir>
#include <QAbstractButton>
#include <QAction>
#include <QProcess>
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
        QCOMPARE(stages->count(), 7);
        QCOMPARE(stages->tabText(0), QString("Model"));
    }

    // A key sequence bound twice is ambiguous: Qt fires neither binding.
    void everyShortcutIsBoundOnce() {
        aletheia::ui::MainWindow w;
        w.show();
        QMap<QString, QString> owner;
        auto claim = [&](const QKeySequence& k, const QString& who) {
            if (k.isEmpty()) return;
            QVERIFY2(!owner.contains(k.toString()),
                     qPrintable(k.toString() + " bound to both " + owner.value(k.toString()) + " and " + who));
            owner[k.toString()] = who;
        };
        for (QAction* a : w.findChildren<QAction*>())
            for (const QKeySequence& k : a->shortcuts()) claim(k, "action " + a->text());
        for (QAbstractButton* b : w.findChildren<QAbstractButton*>()) claim(b->shortcut(), "button " + b->text());
        QVERIFY(owner.contains("Ctrl+R") && owner.contains("Ctrl+T"));
        // Menus show "&&" as "&": the View menu reads "Compare & Export", not "Compare  Export".
        bool compare = false;
        for (QAction* a : w.findChildren<QAction*>()) compare = compare || a->text() == "Compare && Export";
        QVERIFY(compare);
    }

    void helpAndVersionNeedNoDisplay() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");  // a GUI here would abort: no display to open
        for (const char* flag : {"--help", "--version"}) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(ALETHEIA_BUILD_DIR "/app/aletheia-studio", {flag});
            QVERIFY(p.waitForFinished(60000));
            const QString out = QString::fromUtf8(p.readAllStandardOutput());
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                     qPrintable(flag + QString(": exit ") + QString::number(p.exitCode()) + " " + p.readAllStandardError()));
            QVERIFY2(out.contains(QString(flag) == "--help" ? "--demo" : "0.1.0"), qPrintable(out));
        }
    }

    // The binary reads its own options once the GUI exists: --model with --screenshot-dir drives
    // every stage on a fixture and quits, leaving one PNG per stage (a window that ignored its
    // options would wait forever instead).
    void optionsDriveTheStudio() {
        QTemporaryDir shots;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("ALETHEIA_CACHE_DIR", shots.filePath("cache"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(shots.path());
        p.start(ALETHEIA_BUILD_DIR "/app/aletheia-studio",
                {"--model", ALETHEIA_FIXTURES "/models/llama", "--screenshot-dir", shots.filePath("png"), "--steps", "4"});
        QVERIFY(p.waitForFinished(180000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
        for (const char* png : {"1-model.png", "3-probe.png", "4-plan.png", "5-train.png", "6-compare.png"})
            QVERIFY2(QFileInfo(shots.filePath(QString("png/") + png)).size() > 0, png);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
