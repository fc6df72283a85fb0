#include "labeling/tools/maskimage.h"

#include "datasets/mask.h"

#include <algorithm>
#include <cstring>

namespace gw::labeling {

namespace {

QRgb opaque(const std::string &hex, QRgb fallback)
{
    const auto rgb = datasets::mask::parseHexColor(hex);
    return rgb ? QRgb(0xff000000u | *rgb) : fallback;
}

} // namespace

QList<QRgb> maskColorTable(const datasets::Job *job)
{
    QList<QRgb> table(256, qRgb(255, 255, 255));
    table[0] = qRgba(0, 0, 0, 0);
    if (!job) {
        for (int v = 1; v < 256; ++v)
            table[v] = opaque(datasets::defaultClassColor(v - 1), table[v]);
        return table;
    }
    for (const datasets::LabelClass &c : job->classes)
        if (c.id >= 0 && c.id + 1 < 256)
            table[c.id + 1] = opaque(c.color, table[c.id + 1]);
    return table;
}

QImage blankMask(QSize size, const datasets::Job *job)
{
    QImage img(size, QImage::Format_Indexed8);
    img.setColorTable(maskColorTable(job));
    img.fill(0);
    return img;
}

QImage decodeMask(const datasets::Payload &payload, QSize imageSize, const datasets::Job *job)
{
    QImage png;
    if (!payload.mask.empty())
        png.loadFromData(reinterpret_cast<const uchar *>(payload.mask.data()), int(payload.mask.size()),
                         "PNG");
    if (png.format() == QImage::Format_Mono || png.format() == QImage::Format_MonoLSB)
        png = png.convertToFormat(QImage::Format_Indexed8); // a 1-bit palette PNG keeps its indices
    const bool indexed = png.format() == QImage::Format_Indexed8 || png.format() == QImage::Format_Grayscale8;
    if (!imageSize.isValid() || imageSize.isEmpty())
        imageSize = indexed ? png.size() : QSize(0, 0);
    QImage out = blankMask(imageSize, job);
    if (!indexed)
        return out; // stored masks are always palette PNGs; anything else is unreadable as values
    if (!job && png.format() == QImage::Format_Indexed8) {
        // The stored palette holds the class colours at id + 1 (see datasets::mask::encodeStored).
        QList<QRgb> table = png.colorTable();
        table.resize(256, qRgb(255, 255, 255));
        table[0] = qRgba(0, 0, 0, 0);
        out.setColorTable(table);
    }
    const int w = std::min(png.width(), out.width()), h = std::min(png.height(), out.height());
    for (int y = 0; y < h; ++y)
        std::memcpy(out.scanLine(y), png.constScanLine(y), size_t(w));
    return out;
}

std::string encodeMask(const QImage &indexed, const datasets::Job &job)
{
    if (indexed.format() != QImage::Format_Indexed8 && indexed.format() != QImage::Format_Grayscale8)
        return {};
    datasets::mask::IndexedMask m;
    m.width = indexed.width();
    m.height = indexed.height();
    m.pixels.resize(size_t(m.width) * size_t(m.height));
    for (int y = 0; y < m.height; ++y)
        std::memcpy(m.pixels.data() + size_t(y) * size_t(m.width), indexed.constScanLine(y), size_t(m.width));
    auto png = datasets::mask::encodeStored(m, job.classes);
    return png ? std::move(*png) : std::string();
}

QString className(const datasets::Job *job, int classId)
{
    if (job)
        if (const datasets::LabelClass *c = job->classById(classId))
            return QString::fromStdString(c->name);
    return QString::number(classId);
}


void syncMask(QImage &mask, const std::string &previousPng, const datasets::Payload &payload, QSize imageSize,
              const datasets::Job *job)
{
    const bool sameSize = mask.size() == imageSize || !imageSize.isValid() || imageSize.isEmpty();
    if (mask.isNull() || payload.mask != previousPng || !sameSize) {
        mask = decodeMask(payload, imageSize, job);
        return;
    }
    if (job)
        mask.setColorTable(maskColorTable(job)); // class colours may have changed in between
}

datasets::Payload withMask(const datasets::Payload &base, const QImage &mask, const datasets::Job *job)
{
    datasets::Payload p = base;
    p.mask = encodeMask(mask, job ? *job : datasets::Job{});
    p.maskUri.clear();
    return p;
}

} // namespace gw::labeling
