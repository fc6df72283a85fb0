#pragma once

// Decodes images for the canvas off the GUI thread and keeps the current and next few in a small cache, so
// moving to the next item shows its image at once. Large images get a screen-sized level for painting at
// low zoom; images too large to hold in memory (above ~150 megapixels) are shown at a reduced level only.

#include <QHash>
#include <QImage>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <list>
#include <memory>

namespace gw::ui {

struct LoadedImage
{
    QImage full;      ///< the image at full resolution (null for very large images)
    QImage preview;   ///< a level at most kPreviewEdge wide or high (null when full is small enough)
    QSize size;       ///< full resolution, EXIF orientation applied
    QString error;    ///< why it could not be read
    bool ok() const { return !full.isNull() || !preview.isNull(); }
    /// The level to paint at a view scale (screen pixels per image pixel).
    const QImage &levelFor(double viewScale) const;
};

class ImageLoader : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPreviewEdge = 2048;
    static constexpr qint64 kMaxFullPixels = 150'000'000;

    explicit ImageLoader(QObject *parent = nullptr);
    ~ImageLoader() override;

    /// The image if it is decoded already.
    std::shared_ptr<const LoadedImage> cached(int64_t id) const;
    /// Decodes an image for display; loaded(id) follows (at once if cached).
    void request(int64_t id, const QString &path);
    /// Decodes images ahead (the next ones in the queue), dropping older prefetches.
    void prefetch(const QList<QPair<int64_t, QString>> &items);
    void setCapacity(int images) { m_capacity = images; }

    static LoadedImage decode(const QString &path);

Q_SIGNALS:
    void loaded(int64_t id);

private:
    void start(int64_t id, const QString &path);
    void store(int64_t id, std::shared_ptr<const LoadedImage> image);

    QHash<int64_t, std::shared_ptr<const LoadedImage>> m_cache;
    std::list<int64_t> m_lru; ///< most recent first
    QHash<int64_t, bool> m_inFlight;
    int m_capacity = 6;
    std::shared_ptr<std::atomic<bool>> m_alive = std::make_shared<std::atomic<bool>>(true);
    QThreadPool m_pool; ///< its own pool: the destructor waits for decodes in flight
};

} // namespace gw::ui
