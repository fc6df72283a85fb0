#pragma once

// Every file dialog of the app comes from here. Qt's own dialog guesses a listed file's type by reading its
// first bytes (QMimeDatabase) for its icon and "Type" column, and the GTK dialog a platform theme may bring
// does the same in this process. Opening and closing any file of the open project that way — NAME.gwproj,
// its -wal or -shm — drops every POSIX lock this process holds on it (SQLite's "How To Corrupt An SQLite
// Database File", 2.2): another process then takes the project for unused, checkpoints and deletes the WAL
// the app still writes to, and labels are lost. These dialogs are Qt's widget dialog with an icon provider
// that decides by name alone, so listing a folder never opens a file in it.

#include <QFileDialog>
#include <QString>
#include <QStringList>

class QWidget;

namespace gw::ui::filedialogs {

QString openFile(QWidget *parent, const QString &caption, const QString &dir = {}, const QString &filter = {});
QStringList openFiles(QWidget *parent, const QString &caption, const QString &dir = {}, const QString &filter = {});
QString saveFile(QWidget *parent, const QString &caption, const QString &dir = {}, const QString &filter = {});
/// An existing folder (or, with allowNew, a name for a folder that does not exist yet).
QString folder(QWidget *parent, const QString &caption, const QString &dir = {}, bool allowNew = false);

/// Sets up a dialog made elsewhere the same way (non-native, name-only icons and types).
void prepare(QFileDialog &dialog);

} // namespace gw::ui::filedialogs
