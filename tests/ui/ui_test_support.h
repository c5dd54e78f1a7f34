#pragma once
// Shared by the Studio's GUI tests: widgets are found by object name, and a missing one is a
// test bug worth stopping on (not a null pointer to crash on later).
#include <QWidget>
#include <QtGlobal>

template <typename T>
T* findNamed(const QWidget* root, const char* name) {
    T* child = root->findChild<T*>(name);
    if (!child) qFatal("no widget named %s", name);
    return child;
}
