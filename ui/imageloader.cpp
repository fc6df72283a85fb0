#include "ui/imageloader.h"

#include <QImageReader>
#include <QMetaObject>
#include <QThread>
#include <QThreadPool>

#include <algorithm>

namespace gw::ui {

const QImage &LoadedImage::levelFor(double viewScale) const
{
    if (full.isNull())
        return preview;
    if (preview.isNull())
        return full;
    // The preview is enough as long as it has at least one pixel per screen pixel.
    const double previewScale = double(preview.width()) / double(size.width());
    return viewScale <= previewScale ? preview : full;
}

ImageLoader::ImageLoader(QObject *parent) : QObject(parent)
{
    // Qt refuses images over 256 MB by default; a 150-megapixel photo needs 600 MB, and a reduced decode of a
    // larger JPEG is checked against the file's full size.
    if (QImageReader::allocationLimit() < 1024)
        QImageReader::setAllocationLimit(1024);
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
}

ImageLoader::~ImageLoader()
{
    // Queued results posted to this object are discarded with it; no decode may post after this returns.
    *m_alive = false;
    m_pool.clear();
    m_pool.waitForDone();
}

LoadedImage ImageLoader::decode(const QString &path)
{
    LoadedImage out;
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QSize size = reader.size();
    if (!size.isValid()) {
        out.error = reader.errorString();
        return out;
    }
    if (reader.transformation() & QImageIOHandler::TransformationRotate90)
        size.transpose();
    out.size = size;
    if (qint64(size.width()) * size.height() > kMaxFullPixels) {
        // Too large to hold: decode straight to a reduced level (JPEG decoders scale while decoding).
        reader.setScaledSize(size.scaled(2 * kPreviewEdge, 2 * kPreviewEdge, Qt::KeepAspectRatio));
        out.preview = reader.read();
        if (out.preview.isNull())
            out.error = reader.errorString();
        return out;
    }
    QImage img = reader.read();
    if (img.isNull()) {
        out.error = reader.errorString();
        return out;
    }
    // Formats the raster engine paints fastest.
    img = img.convertToFormat(img.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32);
    if (img.width() > kPreviewEdge || img.height() > kPreviewEdge)
        out.preview = img.scaled(kPreviewEdge, kPreviewEdge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    out.full = std::move(img);
    return out;
}

std::shared_ptr<const LoadedImage> ImageLoader::cached(int64_t id) const
{
    return m_cache.value(id);
}

void ImageLoader::request(int64_t id, const QString &path)
{
    if (m_cache.contains(id)) {
        m_lru.remove(id);
        m_lru.push_front(id);
        Q_EMIT loaded(id);
        return;
    }
    start(id, path);
}

void ImageLoader::prefetch(const QList<QPair<int64_t, QString>> &items)
{
    for (const auto &[id, path] : items)
        if (!m_cache.contains(id))
            start(id, path);
}

void ImageLoader::start(int64_t id, const QString &path)
{
    if (m_inFlight.contains(id))
        return;
    m_inFlight.insert(id, true);
    std::shared_ptr<std::atomic<bool>> alive = m_alive;
    m_pool.start([this, alive, id, path] {
        auto image = std::make_shared<const LoadedImage>(decode(path));
        if (!*alive)
            return;
        QMetaObject::invokeMethod(this, [this, id, image] { store(id, image); }, Qt::QueuedConnection);
    });
}

void ImageLoader::store(int64_t id, std::shared_ptr<const LoadedImage> image)
{
    m_inFlight.remove(id);
    m_cache.insert(id, std::move(image));
    m_lru.remove(id);
    m_lru.push_front(id);
    while (int(m_lru.size()) > m_capacity) {
        m_cache.remove(m_lru.back());
        m_lru.pop_back();
    }
    Q_EMIT loaded(id);
}

} // namespace gw::ui
