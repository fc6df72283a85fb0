#pragma once

// Real photos with hand-drawn object masks for the assisted-segmentation tests and benchmark: the examples of
// Debian's labelme-examples (scripts/setup.sh installs it). Each object is one ground-truth mask; its
// polygonVertices are the vertices its annotator clicked in LabelMe (from the JSON the masks were made from).

#include "labeling/assist/assist.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

namespace gw::test::assist {

struct Object
{
    QString name;   ///< photo and label, for messages
    QImage mask;    ///< Format_Grayscale8, 255 = object
    int polygonVertices = 0;
    int area = 0;
};

struct Photo
{
    QString name;
    QImage image;
    std::vector<Object> objects;
};

inline QString examplesDir()
{
    return QStringLiteral("/usr/share/doc/labelme-examples/examples");
}

inline bool examplesInstalled()
{
    return QFile::exists(examplesDir() + QStringLiteral("/instance_segmentation/data_dataset_voc/JPEGImages"));
}

/// The pixels of a palette PNG whose index is value, as a mask.
inline QImage valueMask(const QImage &indexed, int value, int *area = nullptr)
{
    QImage mask(indexed.size(), QImage::Format_Grayscale8);
    int n = 0;
    for (int y = 0; y < indexed.height(); ++y) {
        const uchar *in = indexed.constScanLine(y);
        uchar *out = mask.scanLine(y);
        for (int x = 0; x < indexed.width(); ++x) {
            out[x] = in[x] == value ? 255 : 0;
            n += in[x] == value;
        }
    }
    if (area)
        *area = n;
    return mask;
}

inline QJsonArray shapesOf(const QString &jsonPath)
{
    QFile f(jsonPath);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("shapes")).toArray();
}

/// Vertices per instance id as labelme's shapes_to_label numbers instances: by first appearance of (label,
/// group id), a shape without a group id being an instance of its own; "__ignore__" takes a number too.
inline std::vector<int> instanceVertices(const QJsonArray &shapes, std::vector<QString> *labels = nullptr)
{
    std::vector<QString> keys;
    std::vector<int> vertices(1, 0);
    std::vector<QString> names(1);
    for (int i = 0; i < shapes.size(); ++i) {
        const QJsonObject s = shapes[i].toObject();
        const QString label = s.value(QStringLiteral("label")).toString();
        const QJsonValue group = s.value(QStringLiteral("group_id"));
        const QString key = group.isNull() || group.isUndefined()
                                ? QStringLiteral("#%1").arg(i)
                                : label + QLatin1Char('/') + QString::number(group.toInt());
        auto at = std::find(keys.begin(), keys.end(), key);
        if (at == keys.end()) {
            keys.push_back(key);
            vertices.push_back(0);
            names.push_back(label);
            at = keys.end() - 1;
        }
        vertices[size_t(at - keys.begin()) + 1] += int(s.value(QStringLiteral("points")).toArray().size());
    }
    if (labels)
        *labels = names;
    return vertices;
}

/// Vertices per label (for masks made per class).
inline int labelVertices(const QJsonArray &shapes, const QString &label)
{
    int n = 0;
    for (const QJsonValue &v : shapes)
        if (v.toObject().value(QStringLiteral("label")).toString() == label)
            n += int(v.toObject().value(QStringLiteral("points")).toArray().size());
    return n;
}

inline void addObject(Photo &photo, const QImage &labels, int value, const QString &label, int vertices,
                      int minArea)
{
    Object o;
    o.name = photo.name + QLatin1Char(' ') + label;
    o.mask = valueMask(labels, value, &o.area);
    o.polygonVertices = vertices;
    if (o.area >= minArea)
        photo.objects.push_back(std::move(o));
}

/// The three VOC photos of the instance-segmentation example (500 px wide), one object per instance.
inline std::vector<Photo> vocPhotos(int minArea = 400)
{
    const QString dir = examplesDir() + QStringLiteral("/instance_segmentation/");
    std::vector<Photo> photos;
    for (const char *base : {"2011_000003", "2011_000006", "2011_000025"}) {
        const QString b = QString::fromUtf8(base);
        Photo p;
        p.name = b;
        p.image = QImage(dir + QStringLiteral("data_dataset_voc/JPEGImages/") + b + QStringLiteral(".jpg"));
        const QImage objects(dir + QStringLiteral("data_dataset_voc/SegmentationObjectPNG/") + b
                             + QStringLiteral(".png"));
        if (p.image.isNull() || objects.format() != QImage::Format_Indexed8)
            continue;
        std::vector<QString> labels;
        const std::vector<int> vertices =
            instanceVertices(shapesOf(dir + QStringLiteral("data_annotated/") + b + QStringLiteral(".json")), &labels);
        for (size_t id = 1; id < vertices.size(); ++id)
            if (labels[id] != QStringLiteral("__ignore__"))
                addObject(p, objects, int(id), labels[id] + QLatin1Char('#') + QString::number(id), vertices[id], minArea);
        photos.push_back(std::move(p));
    }
    return photos;
}

/// The photos with per-class masks: the tutorial's shelf photo (1210 x 907, a real megapixel) and two video
/// frames (1000 x 563). Each class there is one object.
inline std::vector<Photo> classPhotos(int minArea = 400)
{
    std::vector<Photo> photos;
    const QString tutorial = examplesDir() + QStringLiteral("/tutorial/");
    {
        Photo p;
        p.name = QStringLiteral("apc2016_obj3");
        p.image = QImage(tutorial + QStringLiteral("apc2016_obj3_json/img.png"));
        const QImage labels(tutorial + QStringLiteral("apc2016_obj3_json/label.png"));
        const QJsonArray shapes = shapesOf(tutorial + QStringLiteral("apc2016_obj3.json"));
        const char *names[] = {"highland_6539_self_stick_notes", "kong_air_dog_squeakair_tennis_ball",
                               "mead_index_cards", "shelf"};
        if (!p.image.isNull() && labels.format() == QImage::Format_Indexed8) {
            for (int v = 1; v <= 4; ++v) {
                const QString label = QString::fromUtf8(names[v - 1]);
                addObject(p, labels, v, label, labelVertices(shapes, label), minArea);
            }
            photos.push_back(std::move(p));
        }
    }
    const QString video = examplesDir() + QStringLiteral("/video_annotation/");
    for (const char *base : {"00000100", "00000104"}) {
        const QString b = QString::fromUtf8(base);
        Photo p;
        p.name = b;
        p.image = QImage(video + QStringLiteral("data_dataset_voc/JPEGImages/") + b + QStringLiteral(".jpg"));
        const QImage labels(video + QStringLiteral("data_dataset_voc/SegmentationClassPNG/") + b + QStringLiteral(".png"));
        const QJsonArray shapes = shapesOf(video + QStringLiteral("data_annotated/") + b + QStringLiteral(".json"));
        if (p.image.isNull() || labels.format() != QImage::Format_Indexed8)
            continue;
        addObject(p, labels, 1, QStringLiteral("car"), labelVertices(shapes, QStringLiteral("car")), minArea);
        addObject(p, labels, 2, QStringLiteral("track"), labelVertices(shapes, QStringLiteral("track")), minArea);
        photos.push_back(std::move(p));
    }
    return photos;
}

// ---- what a simulated annotator derives from a hand mask ----

inline QRect boundsOf(const QImage &mask)
{
    QRect r;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *m = mask.constScanLine(y);
        int first = -1, last = -1;
        for (int x = 0; x < mask.width(); ++x)
            if (m[x]) {
                if (first < 0)
                    first = x;
                last = x;
            }
        if (first >= 0)
            r |= QRect(first, y, last - first + 1, 1);
    }
    return r;
}

/// The leftmost, topmost, rightmost and bottommost object pixels (the first found of each, as an annotator
/// would click one of them).
inline std::vector<QPoint> extremePoints(const QImage &mask)
{
    QPoint left(INT_MAX, 0), top(0, INT_MAX), right(-1, 0), bottom(0, -1);
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *m = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x) {
            if (!m[x])
                continue;
            if (x < left.x())
                left = QPoint(x, y);
            if (y < top.y())
                top = QPoint(x, y);
            if (x > right.x())
                right = QPoint(x, y);
            if (y > bottom.y())
                bottom = QPoint(x, y);
        }
    }
    return {left, top, right, bottom};
}

/// The object pixel farthest from the background (chamfer distance, 3-4 weights): where an annotator clicks
/// "inside" a region. depth gets that distance in pixels. (-1, -1) for an empty mask.
inline QPoint deepestPoint(const QImage &mask, int *depth = nullptr)
{
    const int w = mask.width(), h = mask.height();
    std::vector<int> d(size_t(w) * size_t(h));
    auto at = [&](int x, int y) -> int & { return d[size_t(y) * size_t(w) + size_t(x)]; };
    auto get = [&](int x, int y) { return x < 0 || y < 0 || x >= w || y >= h ? 0 : at(x, y); };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            at(x, y) = mask.constScanLine(y)[x]
                           ? std::min({get(x - 1, y) + 3, get(x, y - 1) + 3, get(x - 1, y - 1) + 4, get(x + 1, y - 1) + 4})
                           : 0;
    QPoint best(-1, -1);
    int bestD = 0;
    for (int y = h - 1; y >= 0; --y)
        for (int x = w - 1; x >= 0; --x) {
            int &v = at(x, y);
            if (!v)
                continue;
            v = std::min({v, get(x + 1, y) + 3, get(x, y + 1) + 3, get(x + 1, y + 1) + 4, get(x - 1, y + 1) + 4});
            if (v > bestD) {
                bestD = v;
                best = QPoint(x, y);
            }
        }
    if (depth)
        *depth = bestD / 3;
    return best;
}

inline int64_t countSet(const QImage &mask)
{
    int64_t n = 0;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *m = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            n += m[x] != 0;
    }
    return n;
}

/// Pixels set in a that are also set in b.
inline int64_t countBoth(const QImage &a, const QImage &b)
{
    int64_t n = 0;
    for (int y = 0; y < a.height(); ++y) {
        const uchar *pa = a.constScanLine(y), *pb = b.constScanLine(y);
        for (int x = 0; x < a.width(); ++x)
            n += pa[x] && pb[x];
    }
    return n;
}

} // namespace gw::test::assist
