#pragma once

// Settings for the keys of global actions: each can be changed or cleared; a key that is taken (by another
// action or a class of the open job) is refused with a message naming what has it.

#include "labeling/shortcutmap.h"

#include <QDialog>

class QTableWidget;

namespace gw::ui {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    ShortcutsDialog(const labeling::ShortcutMap &shortcuts, QWidget *parent = nullptr);
    const labeling::ShortcutMap &shortcuts() const { return m_map; }
    /// Tries to assign a key to the action in a row; shows the refusal. (Public for tests.)
    bool assign(int row, const QKeySequence &key);

private:
    void fill();

    labeling::ShortcutMap m_map;
    QTableWidget *m_table;
};

} // namespace gw::ui
