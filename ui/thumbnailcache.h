#pragma once

// Thumbnails of project items, decoded on the thread pool and kept in a byte-bounded LRU cache, so that a
// gallery over a million images paints at once and only ever decodes what is (or just was) on screen.

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <list>

template<typename T>
class QFutureWatcher;

namespace gw::ui {

/// Asynchronous thumbnails by item id. thumbnail() answers from the cache or queues a decode; the newest
/// request is decoded first (what was painted last is what is on screen) and, when the queue grows long, the
/// oldest ones are dropped (those items were scrolled away; painting them again asks again). A file that
/// cannot be read yields a placeholder once and is not retried until clear().
class ThumbnailCache : public QObject
{
    Q_OBJECT
public:
    /// Gives the local file of an item; an empty string drops the request (the item is unknown for now).
    using PathResolver = std::function<QString(int64_t itemId)>;

    struct Stats
    {
        int64_t decodesStarted = 0; ///< files handed to a decoder
        int64_t decoded = 0;        ///< thumbnails made
        int64_t failed = 0;         ///< files that could not be read (placeholders)
        int64_t dropped = 0;        ///< queued requests given up because newer ones piled up
    };

    static constexpr int kDefaultEdge = 160;

    explicit ThumbnailCache(QObject *parent = nullptr);
    ~ThumbnailCache() override;

    void setPathResolver(PathResolver resolver);

    /// Longest side of a thumbnail in pixels; changing it forgets every thumbnail.
    void setThumbnailEdge(int px);
    int thumbnailEdge() const { return m_edge; }

    /// Memory for decoded thumbnails; the least recently used go first.
    void setByteBudget(qsizetype bytes);
    qsizetype byteBudget() const { return m_cache.maxCost(); }

    /// Decodes running at once (default: the cores, between 2 and 4).
    void setMaxInFlight(int n);
    /// Requests kept waiting before the oldest are dropped.
    void setMaxQueued(int n);

    /// The thumbnail when it is ready, the placeholder when the file cannot be read, else a null image and
    /// a decode is queued; thumbnailReady(itemId) follows on this object's thread.
    QImage thumbnail(int64_t itemId) const;
    /// True when the item's file could not be read.
    bool hasFailed(int64_t itemId) const { return m_failed.contains(itemId); }

    /// The image thumbnail() gives for unreadable files (a grey tile).
    static QImage placeholder();
    static bool isPlaceholder(const QImage &image);

    /// Drops queued requests (a new filter or page set); decodes already running still deliver.
    void cancelPending();
    /// Forgets every thumbnail and failure, drops queued requests and ignores running decodes (another project).
    void clear();

    Stats stats() const { return m_stats; }
    int queuedCount() const { return int(m_queue.size()); }
    int inFlightCount() const { return int(m_running.size()); }

Q_SIGNALS:
    void thumbnailReady(int64_t itemId);

private:
    void request(int64_t itemId) const;
    void scheduleDispatch() const;
    void dispatch();
    void finished(int64_t itemId, QFutureWatcher<QImage> *watcher);

    PathResolver m_resolver;
    int m_edge = kDefaultEdge;
    int m_maxInFlight = 2;
    int m_maxQueued = 256;
    mutable QCache<int64_t, QImage> m_cache;
    QSet<int64_t> m_failed;
    // Waiting requests, newest first, with their place for moving a repeated request to the front.
    mutable std::list<int64_t> m_queue;
    mutable QHash<int64_t, std::list<int64_t>::iterator> m_queued;
    QHash<int64_t, QFutureWatcher<QImage> *> m_running;
    mutable bool m_dispatchScheduled = false;
    mutable Stats m_stats;
    /// Thumbnails decode on threads of their own, never behind long background work (gw::workPool).
    QThreadPool m_pool;
};

} // namespace gw::ui
