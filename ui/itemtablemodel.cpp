#include "ui/plural.h"
#include "ui/itemtablemodel.h"

#include "datasets/workeranswers.h"

#include "datasets/groundtruth.h"
#include "datasets/payload.h"

namespace gw::ui {

using namespace gw::datasets;

ItemTableModel::ItemTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void ItemTableModel::setFilter(const ItemFilter &base)
{
    m_filter = base;
    m_filter.afterId = 0;
    m_filter.limit = -1;
    const std::optional<Job> job = m_job;
    setStore(m_store, job ? &*job : nullptr);
}

void ItemTableModel::setQueue(std::optional<std::vector<int64_t>> itemIds)
{
    m_queue = std::move(itemIds);
    const std::optional<Job> job = m_job;
    setStore(m_store, job ? &*job : nullptr);
}

void ItemTableModel::setAnswersOf(std::optional<std::string> worker)
{
    if (worker == m_answersOf)
        return;
    m_answersOf = std::move(worker);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, LabelColumn), index(int(m_rows.size()) - 1, LabelColumn));
}

void ItemTableModel::appendToQueue(const std::vector<int64_t> &itemIds)
{
    if (!m_queue || itemIds.empty())
        return;
    m_queue->insert(m_queue->end(), itemIds.begin(), itemIds.end());
    m_total = int64_t(m_queue->size());
    m_atEnd = false;
    fetchMore({});
}

void ItemTableModel::setStore(const ProjectStore *store, const Job *job)
{
    beginResetModel();
    m_store = store;
    m_job = job ? std::optional<Job>(*job) : std::nullopt;
    m_rows.clear();
    m_total = 0;
    m_queueNext = 0;
    m_atEnd = true; // nothing to fetch while the reset is being announced
    if (store && m_queue)
        m_total = int64_t(m_queue->size());
    else if (store)
        if (auto n = store->countItems(m_filter))
            m_total = *n;
    endResetModel();
    m_atEnd = m_total == 0;
    fetchMore({}); // the first page at once; views fetch the rest as they scroll
}

int ItemTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ItemTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ItemTableModel::labelText(const Item &item) const
{
    if (!m_job || !m_store)
        return {};
    auto a = m_answersOf ? answerOf(*m_store, m_job->id, item.id, *m_answersOf)
                         : m_store->currentAnnotation(m_job->id, item.id);
    if (!a || !*a)
        return {};
    const Payload &p = (*a)->payload;
    QStringList parts;
    for (int id : p.classes)
        if (const LabelClass *c = m_job->classById(id))
            parts << QString::fromStdString(c->name);
    if (!p.boxes.empty())
        parts << plural(qint64(p.boxes.size()), tr("%1 box"), tr("%1 boxes"));
    if (!p.spans.empty())
        parts << plural(qint64(p.spans.size()), tr("%1 span"), tr("%1 spans"));
    if (!p.instances.empty())
        parts << plural(qint64(p.instances.size()), tr("%1 object"), tr("%1 objects"));
    if (!p.mask.empty() || !p.maskUri.empty())
        parts << tr("mask");
    QString text = parts.join(QStringLiteral(", "));
    if ((*a)->provenance.source == Source::Auto)
        text += tr(" (auto)");
    return text;
}

QVariant ItemTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Item &item = m_rows[size_t(index.row())];
    if (role == Qt::UserRole)
        return QVariant::fromValue(qint64(item.id));
    if (role == Qt::ToolTipRole && item.flags)
        return item.flags & ItemMissing ? tr("The file is missing") : tr("The file is not a readable image");
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return QVariant::fromValue(qint64(item.id));
    case MediaColumn: {
        if (item.kind == MediaKind::Text) {
            QString t = QString::fromStdString(item.text.substr(0, 200));
            t.replace(QLatin1Char('\n'), QLatin1Char(' '));
            return t;
        }
        return QString::fromStdString(item.uri) + (item.flags ? tr("  [missing or unreadable]") : QString());
    }
    case SizeColumn:
        if (item.kind == MediaKind::Text)
            return tr("%n chars", nullptr, int(gt::codePointCount(item.text)));
        return item.width ? QStringLiteral("%1 × %2").arg(item.width).arg(item.height) : QString();
    case LabelColumn: return labelText(item);
    }
    return {};
}

QVariant ItemTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("Id");
    case MediaColumn: return tr("Media");
    case SizeColumn: return tr("Size");
    case LabelColumn: return m_job ? tr("Label (%1)").arg(QString::fromStdString(m_job->name)) : tr("Label");
    }
    return {};
}

bool ItemTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd;
}

void ItemTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_atEnd || !m_store || m_fetching)
        return;
    // Views may ask again while the rows are being inserted; one page at a time.
    m_fetching = true;
    ItemFilter f = m_filter;
    f.afterId = m_rows.empty() ? 0 : m_rows.back().id;
    f.limit = kPageSize;
    std::vector<Item> page;
    page.reserve(kPageSize);
    Result<> r;
    if (m_queue) {
        while (page.size() < size_t(kPageSize) && m_queueNext < m_queue->size())
            if (auto item = m_store->item((*m_queue)[m_queueNext++]); item && item->kind == m_filter.kind)
                page.push_back(std::move(*item));
    } else {
        r = m_store->forEachItem(f, [&](const Item &it) {
            page.push_back(it);
            return true;
        });
    }
    if (!r || page.empty()) {
        m_atEnd = true;
        m_fetching = false;
        return;
    }
    m_atEnd = m_queue ? m_queueNext >= m_queue->size() : int(page.size()) < kPageSize;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    endInsertRows();
    m_fetching = false;
}

} // namespace gw::ui
