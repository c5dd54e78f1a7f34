#pragma once
// Shared by the tests that run the built `aletheia` binary (tst_cli, tst_cli_run).
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

#include <string>

#include "core/io/safetensors_reader.h"

namespace cli_test {

struct Result {
    int code = -1;
    QString out, err;
};

inline Result runAletheia(const QStringList& args, const QByteArray& stdinData = {}, const QString& cwd = {},
                          int timeoutMs = 120000) {
    QProcess p;
    if (!cwd.isEmpty()) p.setWorkingDirectory(cwd);
    p.start(QStringLiteral(ALETHEIA_BUILD_DIR "/app/aletheia"), args);
    if (!p.waitForStarted()) return {-1, {}, "could not start " ALETHEIA_BUILD_DIR "/app/aletheia"};
    p.write(stdinData);
    p.closeWriteChannel();
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

inline void writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// The fixture's reference `input_ids` [B, T] as the ids.json the CLI takes (array of rows).
inline void writeReferenceIds(const std::string& modelDir, const QString& path) {
    const auto ref = aletheia::SafetensorsFile::open(modelDir + "/reference.safetensors");
    const torch::Tensor ids = ref->tensor("input_ids");
    QJsonArray rows;
    for (int64_t b = 0; b < ids.size(0); ++b) {
        QJsonArray row;
        for (int64_t t = 0; t < ids.size(1); ++t) row.append(qint64(ids[b][t].item<int64_t>()));
        rows.append(row);
    }
    writeText(path, QJsonDocument(rows).toJson());
}

}  // namespace cli_test
