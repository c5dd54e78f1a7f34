#pragma once
// A most-recent-first list of paths kept in QSettings (recent models, recent experiments).
#include <QSettings>
#include <QString>
#include <QStringList>

namespace aletheia::ui {

// Moves `entry` to the front of the list under `key` (at most 10 kept); returns the new list.
inline QStringList rememberRecent(const QString& key, const QString& entry) {
    QSettings settings;
    QStringList list = settings.value(key).toStringList();
    list.removeAll(entry);
    list.prepend(entry);
    while (list.size() > 10) list.removeLast();
    settings.setValue(key, list);
    return list;
}

}  // namespace aletheia::ui
