#include "ui/shortcutsdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gw::ui {

ShortcutsDialog::ShortcutsDialog(const labeling::ShortcutMap &shortcuts, QWidget *parent)
    : QDialog(parent), m_map(shortcuts)
{
    setWindowTitle(tr("Keyboard Settings"));
    m_table = new QTableWidget(0, 3);
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Key"), tr("Default")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *hint = new QLabel(tr("Double-click a key to change it. Class keys are set in the class panel."));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        labeling::ShortcutMap fresh = labeling::ShortcutMap::defaults();
        fresh.setClasses(m_map.classes());
        m_map = fresh;
        fill();
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        QDialog ask(this);
        ask.setWindowTitle(tr("Press the new key"));
        auto *edit = new QKeySequenceEdit(&ask);
        auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &ask);
        connect(box, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
        connect(box, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
        auto *l = new QVBoxLayout(&ask);
        l->addWidget(new QLabel(m_table->item(row, 0)->text()));
        l->addWidget(edit);
        l->addWidget(box);
        edit->setFocus();
        if (ask.exec() == QDialog::Accepted) {
            // One key (or chord) per action: keep only the first of a sequence.
            const QKeySequence typed = edit->keySequence();
            assign(row, typed.isEmpty() ? QKeySequence() : QKeySequence(typed[0]));
        }
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    fill();
    resize(560, 640);
}

void ShortcutsDialog::fill()
{
    m_table->setRowCount(int(m_map.actions().size()));
    for (int i = 0; i < int(m_map.actions().size()); ++i) {
        const labeling::ShortcutAction &a = m_map.actions()[size_t(i)];
        m_table->setItem(i, 0, new QTableWidgetItem(a.text));
        m_table->setItem(i, 1, new QTableWidgetItem(a.key.toString(QKeySequence::NativeText)));
        m_table->setItem(i, 2, new QTableWidgetItem(a.defaultKey.toString(QKeySequence::NativeText)));
        m_table->item(i, 0)->setData(Qt::UserRole, a.id);
    }
    m_table->resizeColumnsToContents();
}

bool ShortcutsDialog::assign(int row, const QKeySequence &key)
{
    const QString id = m_table->item(row, 0)->data(Qt::UserRole).toString();
    if (auto r = m_map.setKey(id, key); !r) {
        QMessageBox::warning(this, tr("Key not assigned"), QString::fromStdString(r.error().message));
        return false;
    }
    m_table->item(row, 1)->setText(key.toString(QKeySequence::NativeText));
    return true;
}

} // namespace gw::ui
