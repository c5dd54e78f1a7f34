#pragma once
// The model fixtures (tests/fixtures/models/<name>/): the one listing the tests that run on every
// fixture share, so a fixture added there is picked up by all of them.
#include <QDir>
#include <QFile>
#include <QStringList>

#include <string>

inline std::string modelsDir() { return std::string(ALETHEIA_FIXTURES) + "/models/"; }

// Names of the fixture folders that hold `file` (config.json: every model fixture).
inline QStringList fixtureNames(const QString& file = "config.json") {
    const QString root = QString::fromStdString(modelsDir());
    QStringList names;
    for (const QString& d : QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (QFile::exists(root + d + "/" + file)) names << d;
    return names;
}
