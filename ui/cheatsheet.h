#pragma once

// The keyboard cheat sheet (F1 or ?): every action with its key, and the open job's class keys.

#include "labeling/shortcutmap.h"

#include <QDialog>

namespace gw::ui {

class CheatSheet : public QDialog
{
    Q_OBJECT
public:
    CheatSheet(const labeling::ShortcutMap &shortcuts, QWidget *parent = nullptr);
    /// The sheet as HTML (also used by tests).
    static QString html(const labeling::ShortcutMap &shortcuts);
};

} // namespace gw::ui
