#pragma once

// The class editor (Job › Edit Classes…, or the button under the class panel): every class of the open job in
// list order with its colour, name, key and how many items carry it. Add a class, rename it in place, give it
// another colour or key, move it up or down (its place is the Ground Truth class index), merge it into another
// class, or remove it (moving its labels to another class or taking it off them) — the operations of
// `gw job add-class / edit-class / remove-class`, each written to the project's change log, which the editor
// shows. Renames, colours, keys and moves are undoable: they go on the job's undo stack, so Ctrl+Z in the
// window undoes them too. Merges and removals rewrite labels (each label keeps its history) and are not; the
// editor says so before it does one, and runs it on a worker thread with a connection of its own.

#include "datasets/projectstore.h"

#include <QDialog>

#include <functional>
#include <map>
#include <optional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;
class QUndoStack;

namespace gw::labeling {
class LabelingSession;
class ShortcutMap;
} // namespace gw::labeling

namespace gw::ui {

class ClassEditor : public QDialog
{
    Q_OBJECT
public:
    /// What the window does when the job's classes changed (also after an undo or redo of a class edit,
    /// when the editor may be closed): show the new classes; labelsChanged after a merge or removal.
    struct Hooks
    {
        std::function<void(const datasets::Job &job, bool labelsChanged)> changed;
        std::function<void(const QString &message)> failed;
    };

    /// Edits the classes of the session's current job. counts: items per class id when known.
    ClassEditor(labeling::LabelingSession &session, labeling::ShortcutMap &shortcuts,
                std::optional<std::map<int, int64_t>> counts, Hooks hooks, QWidget *parent = nullptr);

    const datasets::Job &job() const { return m_job; }

    // The editor's operations (its buttons ask first, then call these). Each returns false when refused,
    // with the reason shown in the editor (error()).
    bool addClass(const QString &name);
    bool renameClass(int classId, const QString &name);
    bool setColor(int classId, const QString &color);
    bool setKey(int classId, const QKeySequence &key);
    /// Moves a class up (-1) or down (+1) the list.
    bool moveClass(int classId, int delta);
    /// Removes a class after moving its labels to target (a merge), or taking it off them (nullopt); items
    /// left with no label lose it. Runs on a worker thread; the editor waits with a busy bar.
    bool removeClass(int classId, std::optional<int> target);

    /// The class of the selected row, or -1.
    int selectedClass() const;
    void selectClass(int classId);
    QString error() const;
    QTableWidget *table() const { return m_table; }
    QListWidget *changeLog() const { return m_log; }

    /// Asks for a key in a small dialog (also the class panel's double-click); nullopt when cancelled.
    static std::optional<QKeySequence> askKey(QWidget *parent, const datasets::LabelClass &cls);

private:
    void reload(bool labelsChanged);
    void fill();
    void showLog();
    void updateButtons();
    bool refuse(const QString &message);
    bool edit(int classId, const datasets::ProjectStore::ClassEdit &after, const QString &text);
    void askRemove(bool merge);

    labeling::LabelingSession &m_session;
    labeling::ShortcutMap &m_shortcuts;
    std::optional<std::map<int, int64_t>> m_counts;
    Hooks m_hooks;
    datasets::Job m_job;
    QTableWidget *m_table;
    QLineEdit *m_newName;
    QLabel *m_error;
    QListWidget *m_log;
    QPushButton *m_up, *m_down, *m_color, *m_key, *m_merge, *m_remove, *m_undo, *m_redo;
    bool m_filling = false;
};

} // namespace gw::ui
