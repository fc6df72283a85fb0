#include "ui/thumbnailcache.h"

#include <QColor>
#include <QFutureWatcher>
#include <QImageReader>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace gw::ui {

namespace {

constexpr qsizetype kDefaultBudgetBytes = 64 * 1024 * 1024;

/// Runs on the thread pool: reads a file scaled to fit edge × edge. JPEG decodes straight at the reduced
/// size (setScaledSize); EXIF orientation is applied. A null image when the file cannot be read.
QImage decodeThumbnail(const QString &path, int edge)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > edge || size.height() > edge))
        reader.setScaledSize(size.scaled(edge, edge, Qt::KeepAspectRatio).expandedTo(QSize(1, 1)));
    QImage img = reader.read();
    if (img.isNull())
        return {};
    if (img.width() > edge || img.height() > edge) // formats that do not report their size up front
        img = img.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    // Tiny images (20 × 20 digits) grow by a whole factor with sharp pixels, so painting is a plain copy.
    if (img.width() * 2 <= edge && img.height() * 2 <= edge) {
        const int factor = std::min(edge / img.width(), edge / img.height());
        img = img.scaled(img.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
    }
    // The formats the raster engine draws fastest.
    return img.convertToFormat(img.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32);
}

} // namespace

ThumbnailCache::ThumbnailCache(QObject *parent) : QObject(parent)
{
    m_cache.setMaxCost(kDefaultBudgetBytes);
    m_maxInFlight = std::clamp(QThread::idealThreadCount(), 2, 4);
    m_pool.setMaxThreadCount(m_maxInFlight);
}

// Running decodes keep going on the pool, but their watchers (children) go with this object, so no result
// is ever delivered to it once destroyed.
ThumbnailCache::~ThumbnailCache() = default;

void ThumbnailCache::setPathResolver(PathResolver resolver)
{
    m_resolver = std::move(resolver);
}

void ThumbnailCache::setThumbnailEdge(int px)
{
    px = std::max(16, px);
    if (px == m_edge)
        return;
    m_edge = px;
    clear();
    setByteBudget(m_cache.maxCost());
}

void ThumbnailCache::setByteBudget(qsizetype bytes)
{
    // Room for a screenful at least, or thumbnails would evict each other on every paint and decode forever.
    const qsizetype oneThumbnail = qsizetype(m_edge) * m_edge * 4;
    m_cache.setMaxCost(std::max(bytes, 64 * oneThumbnail));
}

void ThumbnailCache::setMaxInFlight(int n)
{
    m_maxInFlight = std::max(1, n);
    m_pool.setMaxThreadCount(std::max(m_pool.maxThreadCount(), m_maxInFlight));
    scheduleDispatch();
}

void ThumbnailCache::setMaxQueued(int n)
{
    m_maxQueued = std::max(1, n);
}

QImage ThumbnailCache::thumbnail(int64_t itemId) const
{
    if (const QImage *img = m_cache.object(itemId))
        return *img;
    if (m_failed.contains(itemId))
        return placeholder();
    request(itemId);
    return {};
}

QImage ThumbnailCache::placeholder()
{
    static const QImage image = [] {
        QImage img(8, 8, QImage::Format_RGB32);
        img.fill(QColor(0x5a, 0x5a, 0x5a));
        return img;
    }();
    return image;
}

bool ThumbnailCache::isPlaceholder(const QImage &image)
{
    return !image.isNull() && image.cacheKey() == placeholder().cacheKey();
}

void ThumbnailCache::request(int64_t itemId) const
{
    if (m_running.contains(itemId))
        return;
    if (auto it = m_queued.constFind(itemId); it != m_queued.cend()) {
        m_queue.splice(m_queue.begin(), m_queue, it.value()); // asked again: on screen again, so first
    } else {
        m_queue.push_front(itemId);
        m_queued.insert(itemId, m_queue.begin());
        while (int(m_queue.size()) > m_maxQueued) {
            m_queued.remove(m_queue.back());
            m_queue.pop_back();
            ++m_stats.dropped;
        }
    }
    scheduleDispatch();
}

void ThumbnailCache::scheduleDispatch() const
{
    // After the current paint: all of its requests are queued by then, and the last painted goes first.
    if (m_dispatchScheduled)
        return;
    m_dispatchScheduled = true;
    auto *self = const_cast<ThumbnailCache *>(this);
    QMetaObject::invokeMethod(self, [self] { self->dispatch(); }, Qt::QueuedConnection);
}

void ThumbnailCache::dispatch()
{
    m_dispatchScheduled = false;
    while (int(m_running.size()) < m_maxInFlight && !m_queue.empty()) {
        const int64_t id = m_queue.front();
        m_queue.pop_front();
        m_queued.remove(id);
        const QString path = m_resolver ? m_resolver(id) : QString();
        if (path.isEmpty())
            continue; // not known any more; painting it again asks again
        auto *watcher = new QFutureWatcher<QImage>(this);
        connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, id, watcher] { finished(id, watcher); });
        m_running.insert(id, watcher);
        ++m_stats.decodesStarted;
        watcher->setFuture(QtConcurrent::run(&m_pool, decodeThumbnail, path, m_edge));
    }
}

void ThumbnailCache::finished(int64_t itemId, QFutureWatcher<QImage> *watcher)
{
    m_running.remove(itemId);
    watcher->deleteLater();
    const QImage img = watcher->result();
    if (img.isNull()) {
        m_failed.insert(itemId);
        ++m_stats.failed;
    } else {
        m_cache.insert(itemId, new QImage(img), img.sizeInBytes());
        ++m_stats.decoded;
    }
    Q_EMIT thumbnailReady(itemId);
    dispatch();
}

void ThumbnailCache::cancelPending()
{
    m_queue.clear();
    m_queued.clear();
}

void ThumbnailCache::clear()
{
    cancelPending();
    // Results of running decodes belong to what is being forgotten: drop their watchers.
    for (QFutureWatcher<QImage> *w : std::as_const(m_running))
        delete w;
    m_running.clear();
    m_cache.clear();
    m_failed.clear();
}

} // namespace gw::ui
