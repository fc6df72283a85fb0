#include "ui/classpanel.h"

#include <QHeaderView>
#include <QKeySequence>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gw::ui {

namespace {

QIcon swatch(const QString &color)
{
    QPixmap pm(14, 14);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(QColor(color));
    p.setPen(QColor(0, 0, 0, 90));
    p.drawRoundedRect(QRectF(0.5, 0.5, 13, 13), 3, 3);
    return QIcon(pm);
}

enum Column { NameColumn, KeyColumn, CountColumn };

} // namespace

ClassPanel::ClassPanel(QWidget *parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, 3);
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Key"), tr("Items")});
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CountColumn, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setFocusPolicy(Qt::NoFocus); // keys belong to the canvas
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row) {
        if (row >= 0 && row < int(m_job.classes.size()))
            Q_EMIT classClicked(m_job.classes[size_t(row)].id);
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == KeyColumn && row >= 0 && row < int(m_job.classes.size()))
            Q_EMIT keyChangeRequested(m_job.classes[size_t(row)].id);
    });
}

void ClassPanel::setJob(const datasets::Job &job)
{
    m_job = job;
    m_counts.clear();
    m_counted = false;
    m_table->setRowCount(int(job.classes.size()));
    for (int i = 0; i < int(job.classes.size()); ++i) {
        const datasets::LabelClass &c = job.classes[size_t(i)];
        auto *name = new QTableWidgetItem(swatch(QString::fromStdString(c.color)), QString::fromStdString(c.name));
        name->setToolTip(QString::fromStdString(c.name));
        m_table->setItem(i, NameColumn, name);
        const QString key = c.shortcut.empty() ? QString()
                                               : QKeySequence(QString::fromStdString(c.shortcut)).toString(QKeySequence::NativeText);
        auto *keyItem = new QTableWidgetItem(key);
        keyItem->setTextAlignment(Qt::AlignCenter);
        keyItem->setToolTip(tr("Double-click to change the key"));
        m_table->setItem(i, KeyColumn, keyItem);
        auto *count = new QTableWidgetItem;
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(i, CountColumn, count);
    }
    setCurrentClass(job.classes.empty() ? -1 : job.classes.front().id);
}

void ClassPanel::setCounts(const std::map<int, int64_t> &itemsPerClass)
{
    m_counts = itemsPerClass;
    m_counted = true;
    showCounts();
}

void ClassPanel::adjustCounts(const std::vector<int> &removed, const std::vector<int> &added)
{
    if (!m_counted)
        return;
    for (int id : removed)
        m_counts[id] = std::max<int64_t>(0, m_counts[id] - 1);
    for (int id : added)
        ++m_counts[id];
    showCounts();
}

void ClassPanel::showCounts()
{
    for (int i = 0; i < int(m_job.classes.size()); ++i) {
        auto it = m_counts.find(m_job.classes[size_t(i)].id);
        m_table->item(i, CountColumn)->setText(m_counted ? QLocale().toString(qlonglong(it == m_counts.end() ? 0 : it->second))
                                                         : QString());
    }
}

void ClassPanel::setCurrentClass(int classId)
{
    m_current = classId;
    const int row = m_job.positionOf(classId);
    if (row >= 0)
        m_table->selectRow(row);
    else
        m_table->clearSelection();
}

} // namespace gw::ui
