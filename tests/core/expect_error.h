#pragma once
// Shared by the bad-input tests: run something, expect an aletheia::Error whose message names
// every one of `parts` (the file, the key, the bad value), and nothing else (no crash, no other
// exception type, no silent success).
#include <QtTest/QtTest>

#include <functional>

#include "core/common/error.h"

inline void expectError(const std::function<void()>& f, const QStringList& parts) {
    try {
        f();
    } catch (const aletheia::Error& e) {
        const QString what = QString::fromStdString(e.what());
        qInfo("%s", qPrintable(what.left(400)));  // a hostile name may make the message huge
        for (const auto& p : parts)
            QVERIFY2(what.contains(p), qPrintable(QString("'%1' lacks '%2'").arg(what.left(400), p)));
        return;
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("wrong exception type: %1").arg(e.what())));
    }
    QFAIL("no error thrown");
}
