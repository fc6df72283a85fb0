#include "ui/gallerymodel.h"

#include "datasets/pg.h"

#include "datasets/workeranswers.h"
#include "datasets/workpool.h"

#include "datasets/media.h"
#include "ui/thumbnailcache.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QImage>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace gw::ui {

using namespace gw::datasets;

namespace {

constexpr int64_t kInitialWindow = 16 * GalleryModel::kPageSize;
constexpr int64_t kMaxWindow = int64_t(1) << 40;
/// Time one fetchMore() may spend scanning windows that hold no match before it yields to the event loop.
constexpr qint64 kScanBudgetMs = 30;

QString fromUtf8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

} // namespace

GalleryModel::GalleryModel(QObject *parent) : QAbstractListModel(parent), m_thumbnails(new ThumbnailCache(this))
{
    m_thumbnails->setPathResolver([this](int64_t id) {
        const int row = rowOfItem(id);
        if (row < 0)
            return QString();
        return QString::fromStdString(media::resolve(m_projectDir, m_rows[size_t(row)].uri));
    });
    connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, &GalleryModel::onThumbnailReady);
}

GalleryModel::~GalleryModel() = default;

void GalleryModel::setStore(const ProjectStore *store, const Job *job)
{
    const std::string path = store ? store->path() : std::string();
    if (path != m_storePath)
        m_thumbnails->clear(); // item ids belong to one project
    m_store = store;
    m_storePath = path;
    m_pageSize = pg::isServerUrl(path) ? kServerPageSize : kPageSize;
    m_projectDir = store ? store->projectDir() : std::string();
    m_job = job ? std::optional<Job>(*job) : std::nullopt;
    takeClasses();
    reset();
}

void GalleryModel::takeClasses()
{
    m_classNames.clear();
    m_classColors.clear();
    if (m_job) {
        for (const LabelClass &c : m_job->classes) {
            m_classNames.insert(c.id, QString::fromStdString(c.name));
            m_classColors.insert(c.id, QColor(QString::fromStdString(c.color)));
        }
    }
}

void GalleryModel::setJobClasses(const Job &job)
{
    if (!m_job || m_job->id != job.id)
        return;
    m_job = job;
    takeClasses();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1));
}

void GalleryModel::setFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    reset();
}

void GalleryModel::setClassFilter(std::optional<int> classId)
{
    if (classId == m_classFilter)
        return;
    m_classFilter = classId;
    reset();
}

void GalleryModel::setAuthorFilter(std::optional<std::string> author)
{
    if (author == m_authorFilter)
        return;
    m_authorFilter = std::move(author);
    reset();
}

void GalleryModel::setQueue(std::vector<int64_t> itemIds)
{
    m_queue = std::move(itemIds);
    if (m_filter == Filter::Queue)
        reset();
}

void GalleryModel::setSelection(std::vector<int64_t> itemIds)
{
    m_selection = std::move(itemIds);
    if (m_filter == Filter::Selection)
        reset();
}

void GalleryModel::setMine(std::vector<int64_t> itemIds)
{
    m_mine = std::move(itemIds);
    if (m_filter == Filter::Mine)
        reset();
}

void GalleryModel::appendMine(const std::vector<int64_t> &itemIds)
{
    m_mine.insert(m_mine.end(), itemIds.begin(), itemIds.end());
    if (m_filter != Filter::Mine || !m_store)
        return;
    setCount(int64_t(m_mine.size()));
    m_atEnd = m_queueNext >= m_mine.size();
    fetchMore({});
}

void GalleryModel::setAnswersOf(std::optional<std::string> worker)
{
    if (worker == m_answersOf)
        return;
    m_answersOf = std::move(worker);
    refreshLabels();
}

void GalleryModel::setSortDescending(bool descending)
{
    if (descending == m_descending)
        return;
    m_descending = descending;
    reset();
}

ItemFilter GalleryModel::baseFilter() const
{
    ItemFilter f;
    f.kind = MediaKind::Image;
    f.jobId = m_job ? m_job->id : 0;
    switch (m_filter) {
    case Filter::All: break;
    case Filter::Unlabeled: f.labeled = false; break;
    case Filter::Labeled: f.labeled = true; break;
    case Filter::Human: f.source = Source::Human; break;
    case Filter::Auto: f.source = Source::Auto; break;
    case Filter::Flagged: f.flaggedOnly = true; break;
    case Filter::Queue:
    case Filter::Selection:
    case Filter::Mine: break; // not a store query: see takeFromQueue()
    }
    f.classId = m_classFilter;
    f.author = m_authorFilter;
    if (!m_job) // nothing is labeled without a job: "unlabeled" is everything
        f.labeled.reset();
    f.descending = m_descending;
    return f;
}

bool GalleryModel::matchesNothing() const
{
    const bool labelFilter = m_filter == Filter::Labeled || m_filter == Filter::Human || m_filter == Filter::Auto
                             || m_classFilter || m_authorFilter;
    if (!m_job)
        return labelFilter;
    // A class or an author narrows to labeled images, which "unlabeled" excludes.
    return m_filter == Filter::Unlabeled && (m_classFilter || m_authorFilter);
}

void GalleryModel::reset()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_moreClasses.clear();
    m_authors.assign(1, QString());
    m_authorIndex.clear();
    m_queueRowOf.clear();
    m_queueNext = 0;
    m_atEnd = true; // nothing to fetch while the reset is being announced
    endResetModel();
    m_thumbnails->cancelPending();

    if (listMode()) {
        delete m_countWatcher;
        m_countWatcher = nullptr;
        m_atEnd = !m_store || listed().empty();
        setCount(m_store ? int64_t(listed().size()) : 0);
        fetchMore({});
        return;
    }

    m_window = kInitialWindow;
    m_maxId = 0;
    if (m_store && !matchesNothing())
        m_maxId = lastItemId();
    m_cursor = m_descending ? m_maxId + 1 : 0;
    m_atEnd = m_maxId == 0;
    startCount();
    fetchMore({}); // the first page at once; views fetch the rest as they scroll
}

int64_t GalleryModel::lastItemId() const
{
    int64_t id = 0;
    ItemFilter last;
    last.descending = true;
    last.limit = 1;
    (void)m_store->forEachItem(last, [&](const Item &it) {
        id = it.id;
        return false;
    });
    return id;
}

void GalleryModel::itemsAdded()
{
    if (!m_store || listMode() || matchesNothing())
        return;
    const int64_t last = lastItemId();
    if (last <= m_maxId)
        return;
    const bool atEnd = m_atEnd && !m_descending;
    if (atEnd) {
        // Every id up to the last scan was looked at: go on after it, or after the last row loaded.
        m_cursor = std::max(m_maxId, m_rows.empty() ? int64_t(0) : m_rows.back().id);
        m_atEnd = false;
    }
    m_maxId = last;
    startCount(true);
    if (atEnd)
        fetchMore({}); // a view asks for more only as it is scrolled, and it may be at the end already
}

int GalleryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

bool GalleryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd;
}

void GalleryModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_atEnd || !m_store || m_fetching)
        return;
    // Views may ask again while the rows are being inserted; one page at a time.
    m_fetching = true;
    QElapsedTimer timer;
    timer.start();
    std::vector<Row> page;
    page.reserve(size_t(m_pageSize));
    qint64 lastMs = 0;
    if (listMode())
        takeFromQueue(page);
    while (page.empty() && !m_atEnd) {
        if (timer.elapsed() + lastMs > kScanBudgetMs)
            break; // another window like the last one would overrun
        lastMs = scanWindow(page);
    }
    for (Row &r : page)
        loadLabel(r);
    if (!page.empty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.size()) - 1);
        if (listMode())
            for (size_t i = 0; i < page.size(); ++i)
                m_queueRowOf.insert(page[i].id, int(m_rows.size() + i));
        m_rows.insert(m_rows.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
        endInsertRows();
    }
    m_fetching = false;
    if (listMode())
        return; // counted when the list was set
    if (m_atEnd)
        setCount(int64_t(m_rows.size())); // exact, and sooner than a background count
    else if (page.empty())
        scheduleContinuation();
}

qint64 GalleryModel::scanWindow(std::vector<Row> &page)
{
    ItemFilter f = baseFilter();
    f.limit = m_pageSize;
    bool lastWindow = false;
    if (m_descending) {
        f.beforeId = m_cursor;
        f.afterId = std::max<int64_t>(0, m_cursor - m_window - 1);
        lastWindow = f.afterId == 0;
    } else {
        f.afterId = m_cursor;
        lastWindow = m_cursor + m_window >= m_maxId;
        f.beforeId = lastWindow ? 0 : m_cursor + m_window + 1; // the last one unbounded: new images too
    }
    QElapsedTimer timer;
    timer.start();
    auto r = m_store->forEachItem(f, [&](const Item &it) {
        Row row;
        row.id = it.id;
        row.uri = it.uri;
        row.width = it.width;
        row.height = it.height;
        row.flags = uint8_t(it.flags);
        page.push_back(std::move(row));
        return true;
    });
    const qint64 ms = timer.elapsed();
    if (!r) {
        qWarning("gallery: cannot list images: %s", r.error().message.c_str());
        m_atEnd = true;
        return ms;
    }
    if (int(page.size()) >= m_pageSize) {
        m_cursor = page.back().id;
        return ms;
    }
    if (lastWindow) {
        m_atEnd = true;
        return ms;
    }
    m_cursor = m_descending ? f.afterId + 1 : f.beforeId - 1;
    // Few matches here: look further next time while queries stay quick, less far when they are not.
    if (ms < kScanBudgetMs / 8)
        m_window = std::min(kMaxWindow, m_window * 4);
    else if (ms > kScanBudgetMs / 3)
        m_window = std::max<int64_t>(kPageSize, m_window / 2);
    return ms;
}

void GalleryModel::takeFromQueue(std::vector<Row> &page)
{
    const std::vector<int64_t> &ids = listed();
    while (page.size() < size_t(m_pageSize) && m_queueNext < ids.size()) {
        const int64_t id = ids[m_queueNext++];
        auto item = m_store->item(id);
        if (!item || item->kind != MediaKind::Image || m_queueRowOf.contains(id))
            continue; // deleted since the queue was made, or listed twice
        Row row;
        row.id = item->id;
        row.uri = item->uri;
        row.width = item->width;
        row.height = item->height;
        row.flags = uint8_t(item->flags);
        page.push_back(std::move(row));
    }
    m_atEnd = m_queueNext >= ids.size();
}

void GalleryModel::scheduleContinuation()
{
    // A scan that found nothing yet inserts no rows, so no view would ask again: go on after the events.
    if (m_continuationScheduled)
        return;
    m_continuationScheduled = true;
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        m_continuationScheduled = false;
        if (generation == m_generation)
            fetchMore({});
    });
}

uint32_t GalleryModel::internAuthor(const std::string &author)
{
    if (author.empty())
        return 0;
    auto [it, added] = m_authorIndex.emplace(author, uint32_t(m_authors.size()));
    if (added)
        m_authors.push_back(QString::fromStdString(author));
    return it->second;
}

void GalleryModel::loadLabel(Row &row)
{
    row.label = LabelKind::None;
    row.firstClass = -1;
    row.count = 0;
    row.author = 0;
    row.confidence = -1;
    row.labelUs = 0;
    row.source = 0;
    m_moreClasses.remove(row.id);
    if (!m_job || !m_store)
        return;
    auto a = m_answersOf ? answerOf(*m_store, m_job->id, row.id, *m_answersOf)
                         : m_store->currentAnnotation(m_job->id, row.id);
    if (!a || !*a)
        return;
    const Payload &p = (*a)->payload;
    const Provenance &who = (*a)->provenance;
    if (!p.classes.empty()) {
        row.label = LabelKind::Classes;
        row.count = uint32_t(p.classes.size());
        row.firstClass = p.classes.front();
        if (p.classes.size() > 1)
            m_moreClasses.insert(row.id, std::vector<int>(p.classes.begin() + 1, p.classes.end()));
    } else if (!p.boxes.empty()) {
        row.label = LabelKind::Boxes;
        row.count = uint32_t(p.boxes.size());
        row.firstClass = p.boxes.front().classId;
    } else if (!p.spans.empty()) {
        row.label = LabelKind::Spans;
        row.count = uint32_t(p.spans.size());
        row.firstClass = p.spans.front().classId;
    } else if (!p.instances.empty()) {
        row.label = LabelKind::Objects;
        row.count = uint32_t(p.instances.size());
        row.firstClass = p.instances.front().classId;
    } else if (!p.mask.empty() || !p.maskUri.empty()) {
        row.label = LabelKind::Mask;
    } else {
        row.label = LabelKind::Empty; // e.g. "no objects" for a bounding-box job
    }
    row.source = uint8_t(who.source);
    row.confidence = who.confidence.value_or(-1.0);
    row.author = internAuthor(who.author);
    row.labelUs = who.createdUs;
}

void GalleryModel::startCount(bool keepShown)
{
    delete m_countWatcher; // a count for the previous filters: its result is dropped with it
    m_countWatcher = nullptr;
    if (!m_store || matchesNothing() || m_maxId == 0) {
        setCount(0);
        return;
    }
    if (!keepShown)
        setCount(-1);
    ItemFilter f = baseFilter();
    f.descending = false;
    auto *watcher = new QFutureWatcher<int64_t>(this);
    connect(watcher, &QFutureWatcher<int64_t>::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (watcher != m_countWatcher)
            return;
        m_countWatcher = nullptr;
        setCount(watcher->result());
    });
    m_countWatcher = watcher;
    // Each thread has its own connection; this one lives as long as the count.
    watcher->setFuture(QtConcurrent::run(workPool(), [path = m_storePath, f]() -> int64_t {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return -1;
        auto n = (*store)->countItems(f);
        return n ? *n : -1;
    }));
}

void GalleryModel::setCount(int64_t count)
{
    if (m_atEnd && m_countWatcher) {
        delete m_countWatcher;
        m_countWatcher = nullptr;
    }
    if (count == m_count)
        return;
    m_count = count;
    Q_EMIT filteredCountChanged(count);
}

int GalleryModel::rowOfItem(int64_t itemId) const
{
    if (listMode())
        return m_queueRowOf.value(itemId, -1);
    auto it = m_descending
                  ? std::lower_bound(m_rows.begin(), m_rows.end(), itemId,
                                     [](const Row &r, int64_t id) { return r.id > id; })
                  : std::lower_bound(m_rows.begin(), m_rows.end(), itemId,
                                     [](const Row &r, int64_t id) { return r.id < id; });
    if (it == m_rows.end() || it->id != itemId)
        return -1;
    return int(it - m_rows.begin());
}

int64_t GalleryModel::itemIdAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].id : 0;
}

void GalleryModel::refreshItem(int64_t itemId)
{
    const int row = rowOfItem(itemId);
    if (row < 0 || !m_store)
        return;
    Row &r = m_rows[size_t(row)];
    if (auto item = m_store->item(itemId)) {
        r.uri = item->uri;
        r.width = item->width;
        r.height = item->height;
        r.flags = uint8_t(item->flags);
    }
    loadLabel(r);
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

void GalleryModel::refreshLabels()
{
    if (m_rows.empty())
        return;
    for (Row &r : m_rows)
        loadLabel(r);
    Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
}

void GalleryModel::onThumbnailReady(int64_t itemId)
{
    const int row = rowOfItem(itemId);
    if (row < 0)
        return;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {Qt::DecorationRole, FlaggedRole});
}

QString GalleryModel::labelText(const Row &row) const
{
    auto className = [this](int id) {
        return m_classNames.value(id, tr("class %1").arg(id));
    };
    switch (row.label) {
    case LabelKind::None: return {};
    case LabelKind::Empty:
        if (m_job && m_job->type == TaskType::BoundingBox)
            return tr("no boxes");
        return m_job && m_job->type == TaskType::InstanceSegmentation ? tr("no objects") : tr("empty");
    case LabelKind::Classes: {
        QString text = className(row.firstClass);
        if (auto it = m_moreClasses.constFind(row.id); it != m_moreClasses.cend())
            for (int id : *it)
                text += QStringLiteral(", ") + className(id);
        return text;
    }
    case LabelKind::Boxes: return row.count == 1 ? tr("1 box") : tr("%1 boxes").arg(row.count);
    case LabelKind::Spans: return row.count == 1 ? tr("1 span") : tr("%1 spans").arg(row.count);
    case LabelKind::Mask: return tr("mask");
    case LabelKind::Objects: return row.count == 1 ? tr("1 object") : tr("%1 objects").arg(row.count);
    }
    return {};
}

QString GalleryModel::toolTip(const Row &row) const
{
    QStringList lines;
    lines << QString::fromStdString(media::resolve(m_projectDir, row.uri));
    if (row.width > 0)
        lines << tr("%1 × %2 px").arg(row.width).arg(row.height);
    if (row.label != LabelKind::None) {
        QString label = tr("Label: %1 (%2").arg(labelText(row), fromUtf8(sourceName(Source(row.source))));
        if (row.confidence >= 0)
            label += QStringLiteral(" %1").arg(row.confidence, 0, 'f', 2);
        lines << label + QLatin1Char(')');
        const QString when = QDateTime::fromMSecsSinceEpoch(row.labelUs / 1000)
                                 .toLocalTime()
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        lines << (row.author ? tr("by %1, %2").arg(m_authors[row.author], when) : when);
    } else if (m_job) {
        lines << tr("Not labeled");
    }
    if (row.flags & ItemMissing)
        lines << tr("The file is missing");
    else if (row.flags || m_thumbnails->hasFailed(row.id))
        lines << tr("The file is not a readable image");
    return lines.join(QLatin1Char('\n'));
}

QVariant GalleryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: {
        const size_t slash = row.uri.find_last_of('/');
        return fromUtf8(slash == std::string::npos ? std::string_view(row.uri)
                                                   : std::string_view(row.uri).substr(slash + 1));
    }
    case Qt::DecorationRole: {
        const QImage img = m_thumbnails->thumbnail(row.id);
        return img.isNull() ? QVariant() : QVariant(img);
    }
    case Qt::ToolTipRole: return toolTip(row);
    case ItemIdRole: return QVariant::fromValue(qint64(row.id));
    case LabelTextRole: return labelText(row);
    case LabelColorRole:
        if (row.firstClass >= 0)
            if (auto it = m_classColors.constFind(row.firstClass); it != m_classColors.cend())
                return *it;
        return {};
    case SourceRole:
        return row.label == LabelKind::None ? QVariant() : QVariant(fromUtf8(sourceName(Source(row.source))));
    case ConfidenceRole:
        return row.label == LabelKind::None || row.confidence < 0 ? QVariant() : QVariant(row.confidence);
    case FlaggedRole: return row.flags != 0 || m_thumbnails->hasFailed(row.id);
    }
    return {};
}

QHash<int, QByteArray> GalleryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(ItemIdRole, "itemId");
    names.insert(LabelTextRole, "labelText");
    names.insert(LabelColorRole, "labelColor");
    names.insert(SourceRole, "source");
    names.insert(ConfidenceRole, "confidence");
    names.insert(FlaggedRole, "flagged");
    return names;
}

} // namespace gw::ui
