#pragma once

// What the window shows before a project is open: start a project (new, open, or a folder of images or
// texts in one step) or go back to a recent one. Recent entries whose file is gone are marked and can be
// removed from the list; nothing on disk is touched.

#include <QWidget>

class QListWidget;
class QPushButton;

namespace gw::ui {

class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    /// The recent projects, newest first (absolute paths).
    void setRecent(const QStringList &paths);
    QListWidget *recentList() const { return m_recent; }
    /// Whether the entry for path is marked as missing.
    bool isMarkedMissing(const QString &path) const;

Q_SIGNALS:
    void newRequested();
    void openRequested();
    void openFolderRequested();
    void recentChosen(const QString &path);
    void recentRemoved(const QString &path);

private:
    void updateButtons();

    QListWidget *m_recent;
    QPushButton *m_openRecent;
    QPushButton *m_remove;
};

} // namespace gw::ui
