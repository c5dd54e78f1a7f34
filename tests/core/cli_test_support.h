#pragma once
// Shared by the tests that run the built `aletheia` binary (tst_cli, tst_cli_run, tst_cli_eval).
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <filesystem>
#include <string>

#include "core/io/safetensors_reader.h"
#include "core/text/demo_tokenizer.h"

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

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// An experiment on the llama fixture (vocab 320) with a character tokenizer small enough for it:
// <root>/model, <root>/data/train.jsonl holding `trainJsonl`, and <root>/exp.yaml holding `yaml`
// (paths in it relative to root: model, data/train.jsonl). Returns the path of exp.yaml.
// `n` short "sort" lines of training text (the CLI tests' usual task data).
inline QByteArray sortLines(int n = 16) {
    QByteArray jsonl;
    for (int i = 0; i < n; ++i)
        jsonl += "{\"text\": \"sort: " + QByteArray::number(i % 7) + " 3 1 = 1 3 " + QByteArray::number(i) + "\"}\n";
    return jsonl;
}

inline QString writeFixtureExperiment(const std::filesystem::path& root, const QByteArray& trainJsonl,
                                      const QByteArray& yaml) {
    namespace fs = std::filesystem;
    fs::copy(ALETHEIA_FIXTURES "/models/llama", root / "model", fs::copy_options::recursive);
    aletheia::text::writeCharTokenizer((root / "model").string(), "abcdefghijklmnopqrstuvwxyz0123456789 .,:=");
    writeText(QString::fromStdString((root / "data" / "train.jsonl").string()), trainJsonl);
    writeText(QString::fromStdString((root / "exp.yaml").string()), yaml);
    return QString::fromStdString((root / "exp.yaml").string());
}

// `n` rows of a small, learnable text corpus (three patterns), as train.jsonl lines.
inline QByteArray patternLines(int n) {
    QByteArray jsonl;
    for (int i = 0; i < n; ++i) jsonl += "{\"text\": \"abc abc abc " + QByteArray::number(i % 3) + " abc abc abc\"}\n";
    return jsonl;
}

// The "type": "train" lines of a metrics.jsonl, in file order.
inline QList<QJsonObject> trainMetrics(const QString& path) {
    QList<QJsonObject> out;
    for (const QByteArray& line : readAll(path).trimmed().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o["type"] == "train") out.push_back(o);
    }
    return out;
}

}  // namespace cli_test
