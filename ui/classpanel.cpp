#include "ui/classpanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
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
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("classStatus"));
    m_status->setWordWrap(true);
    auto *edit = new QPushButton(tr("Edit Classes…"));
    edit->setObjectName(QStringLiteral("editClasses"));
    edit->setFocusPolicy(Qt::NoFocus);
    edit->setToolTip(tr("Add, rename, recolour, re-key, reorder, merge or remove classes"));
    connect(edit, &QPushButton::clicked, this, &ClassPanel::editRequested);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_table);
    layout->addWidget(edit, 0, Qt::AlignLeft);
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
    const bool sameJob = job.id != 0 && job.id == m_job.id;
    const int keep = sameJob && job.classById(m_current) ? m_current : -1;
    m_job = job;
    if (!sameJob) {
        m_counts.clear();
        m_counted = false;
    }
    m_selected = -1;
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
    showCounts();
    setCurrentClass(keep >= 0 ? keep : job.classes.empty() ? -1 : job.classes.front().id);
}

std::optional<std::map<int, int64_t>> ClassPanel::counts() const
{
    if (!m_counted)
        return std::nullopt;
    return m_counts;
}

void ClassPanel::setSelectedObject(int classId, const QString &what)
{
    if (!m_job.classById(classId))
        classId = -1;
    if (classId == m_selected && what == m_selectedWhat)
        return; // called after every click and label: nothing to redraw
    m_selected = classId;
    m_selectedWhat = what;
    for (int i = 0; i < int(m_job.classes.size()); ++i) {
        QFont f = m_table->item(i, NameColumn)->font();
        f.setUnderline(m_job.classes[size_t(i)].id == m_selected);
        m_table->item(i, NameColumn)->setFont(f);
    }
    showStatus();
}

QString ClassPanel::statusText() const
{
    return m_status->text();
}

void ClassPanel::showStatus()
{
    using datasets::TaskType;
    const datasets::LabelClass *current = m_job.classById(m_current);
    QString next;
    if (current) {
        const QString name = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(current->name).toHtmlEscaped());
        switch (m_job.type) {
        case TaskType::BoundingBox: next = tr("New boxes: %1").arg(name); break;
        case TaskType::SemanticSegmentation: next = tr("Polygon and brush paint: %1").arg(name); break;
        case TaskType::InstanceSegmentation: next = tr("New objects: %1").arg(name); break;
        case TaskType::NamedEntityRecognition: next = tr("Select text, then press a class key"); break;
        default:
            next = datasets::taskInfo(m_job.type).multiLabel ? tr("A class key adds or removes its class")
                                                             : tr("A class key labels the item and moves on");
            break;
        }
    }
    if (const datasets::LabelClass *sel = m_job.classById(m_selected))
        next += QStringLiteral("<br>") + tr("Selected %1: <u>%2</u> (a class key changes it)")
                                             .arg(m_selectedWhat, QString::fromStdString(sel->name).toHtmlEscaped());
    m_status->setText(next);
    m_status->setVisible(!next.isEmpty());
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
    showStatus();
}

} // namespace gw::ui
