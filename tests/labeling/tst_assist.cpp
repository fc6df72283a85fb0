// The assisted-segmentation algorithms (labeling/assist) on real photos with hand-drawn masks (labelme's
// examples) and on synthetic images where the right answer is known exactly. Quality thresholds are the
// figures measured on these photos less a margin; timing belongs to tests/bench/bench_assist.

#include "labeling/assistdata.h"

#include <QPainter>
#include <QTest>

#include <atomic>
#include <cmath>
#include <deque>
#include <thread>

using namespace gw;
using namespace gw::labeling::assist;
using namespace gw::test::assist;

namespace {

/// Objects covering at least this share of their photo: what a user would segment with a box.
constexpr double kLargeShare = 0.05;
// Measured on the large objects of the VOC photos at their own size (500 px): less a margin of about 0.05.
constexpr double kBoxMedian = 0.60, kBoxUpperQuartile = 0.70, kPointsMedian = 0.80, kSixStrokesGain = 0.2;

std::vector<std::pair<const Photo *, const Object *>> largeObjects(const std::vector<Photo> &photos)
{
    std::vector<std::pair<const Photo *, const Object *>> found;
    for (const Photo &p : photos)
        for (const Object &o : p.objects)
            if (o.area >= kLargeShare * p.image.width() * p.image.height())
                found.emplace_back(&p, &o);
    return found;
}

/// A grey image with a disc of another colour, and the disc's exact mask.
std::pair<QImage, QImage> discImage(QSize size, QPoint centre, int radius, QColor colour, QColor background)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(background);
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            if ((x - centre.x()) * (x - centre.x()) + (y - centre.y()) * (y - centre.y()) <= radius * radius) {
                image.setPixelColor(x, y, colour);
                mask.scanLine(y)[x] = 255;
            }
    return {image, mask};
}

/// Adds reproducible noise of +-amplitude per channel, as a camera would.
void addNoise(QImage &image, int amplitude)
{
    uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return int(state >> 24) % (2 * amplitude + 1) - amplitude;
    };
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            image.setPixelColor(x, y, QColor(std::clamp(c.red() + next(), 0, 255), std::clamp(c.green() + next(), 0, 255),
                                             std::clamp(c.blue() + next(), 0, 255)));
        }
}

/// Whether the set pixels of a mask form one 8-connected piece.
bool isConnected(const QImage &mask)
{
    const int64_t total = countSet(mask);
    if (total == 0)
        return true;
    QImage seen(mask.size(), QImage::Format_Grayscale8);
    seen.fill(0);
    std::deque<QPoint> queue;
    for (int y = 0; y < mask.height() && queue.empty(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            if (mask.constScanLine(y)[x]) {
                queue.push_back({x, y});
                seen.scanLine(y)[x] = 1;
                break;
            }
    int64_t reached = 0;
    while (!queue.empty()) {
        const QPoint p = queue.front();
        queue.pop_front();
        ++reached;
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const QPoint q(p.x() + dx, p.y() + dy);
                if (mask.rect().contains(q) && mask.constScanLine(q.y())[q.x()] && !seen.constScanLine(q.y())[q.x()]) {
                    seen.scanLine(q.y())[q.x()] = 1;
                    queue.push_back(q);
                }
            }
    }
    return reached == total;
}

bool isBinaryMaskOf(const QImage &mask, QSize size)
{
    return mask.format() == QImage::Format_Grayscale8 && mask.size() == size;
}

} // namespace

class TestAssist : public QObject
{
    Q_OBJECT
private:
    std::vector<Photo> m_photos;

private Q_SLOTS:
    void initTestCase()
    {
        if (!examplesInstalled())
            QSKIP("labelme-examples is not installed (scripts/setup.sh installs it)");
        m_photos = vocPhotos();
        QCOMPARE(m_photos.size(), size_t(3));
        QVERIFY(largeObjects(m_photos).size() >= 5);
    }

    // ---- masks ----

    void polygonAndIou()
    {
        const QImage a = maskFromPolygon({{10, 10}, {29, 10}, {29, 19}, {10, 19}}, QSize(50, 40));
        QVERIFY(isBinaryMaskOf(a, QSize(50, 40)));
        QCOMPARE(countSet(a), int64_t(20 * 10)); // the outline's pixels belong to the polygon
        const QImage b = maskFromPolygon({{20, 10}, {39, 10}, {39, 19}, {20, 19}}, QSize(50, 40));
        QCOMPARE(iou(a, a), 1.0);
        QCOMPARE(iou(a, b), 100.0 / 300.0);
        QCOMPARE(iou(a, maskFromPolygon({}, QSize(50, 40))), 0.0);
        QCOMPARE(iou(maskFromPolygon({}, QSize(5, 5)), maskFromPolygon({}, QSize(5, 5))), 1.0);
        QCOMPARE(iou(a, maskFromPolygon({}, QSize(5, 5))), 0.0);
    }

    // ---- GrabCut ----

    void grabCutFromTightBox()
    {
        std::vector<double> found;
        for (const auto &[photo, object] : largeObjects(m_photos)) {
            auto r = grabCutFromBox(photo->image, boundsOf(object->mask));
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            QVERIFY(isBinaryMaskOf(r->mask, photo->image.size()));
            found.push_back(iou(r->mask, object->mask));
            qDebug("%s: IoU %.3f", qPrintable(object->name), found.back());
        }
        // A box alone is a usable start on most objects (the occluded sofa and the people in front of it are
        // hard: GrabCut keeps one piece, and their colours mix).
        std::sort(found.begin(), found.end());
        const double median = found[found.size() / 2];
        QVERIFY2(median >= kBoxMedian, qPrintable(QString::number(median)));
        QVERIFY2(found[found.size() * 3 / 4] >= kBoxUpperQuartile, qPrintable(QString::number(found[found.size() * 3 / 4])));
    }

    void grabCutFromExtremeClicks()
    {
        std::vector<double> found;
        for (const auto &[photo, object] : largeObjects(m_photos)) {
            auto r = grabCutFromExtremePoints(photo->image, extremePoints(object->mask));
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            for (QPoint p : extremePoints(object->mask)) // the clicked points themselves are object
                QVERIFY(r->mask.constScanLine(p.y())[p.x()] != 0);
            found.push_back(iou(r->mask, object->mask));
            qDebug("%s: IoU %.3f", qPrintable(object->name), found.back());
        }
        std::sort(found.begin(), found.end());
        const double median = found[found.size() / 2];
        QVERIFY2(median >= kPointsMedian, qPrintable(QString::number(median)));
    }

    void grabCutExtremeClicksNeedFour()
    {
        auto r = grabCutFromExtremePoints(m_photos[0].image, {{1, 1}, {20, 20}});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Invalid);
        QVERIFY(!grabCutFromBox(m_photos[0].image, QRect(10, 10, 1, 40)));
        QVERIFY(!grabCutFromBox(QImage(), QRect(10, 10, 40, 40)));
    }

    void grabCutRefineCorrectsAnError()
    {
        // The disc is red on the left and grey-ish like the background on the right: the box alone misses the
        // right half; a foreground stroke there brings it in, a background stroke on a spurious blob takes it out.
        QImage image(240, 200, QImage::Format_RGB32);
        image.fill(QColor(120, 120, 120));
        QImage truth(image.size(), QImage::Format_Grayscale8);
        truth.fill(0);
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 240; ++x)
                if ((x - 120) * (x - 120) + (y - 100) * (y - 100) <= 60 * 60) {
                    image.setPixelColor(x, y, x < 120 ? QColor(200, 30, 30) : QColor(130, 130, 150));
                    truth.scanLine(y)[x] = 255;
                }
        addNoise(image, 6);
        auto first = grabCutFromBox(image, QRect(58, 38, 125, 125));
        QVERIFY(first);
        const double before = iou(first->mask, truth);
        auto refined = grabCutRefine(image, *first->state, {Stroke{{QPoint(150, 100), QPoint(160, 80), QPoint(160, 120)}, 4}}, {});
        QVERIFY2(refined, refined ? "" : refined.error().message.c_str());
        const double after = iou(refined->mask, truth);
        QVERIFY2(after > before + 0.1 || after > 0.95, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QVERIFY(after > 0.9);
        // The earlier state is untouched: refining it again from scratch gives the same answer.
        auto again = grabCutRefine(image, *first->state, {Stroke{{QPoint(150, 100), QPoint(160, 80), QPoint(160, 120)}, 4}}, {});
        QVERIFY(again);
        QCOMPARE(iou(again->mask, refined->mask), 1.0);
    }

    void grabCutRefineGrowsBeyondTheBox()
    {
        auto [image, truth] = discImage(QSize(300, 200), QPoint(150, 100), 50, QColor(30, 60, 200), QColor(200, 190, 170));
        addNoise(image, 5);
        auto first = grabCutFromBox(image, QRect(95, 45, 60, 110)); // only the left half of the disc
        QVERIFY(first);
        QVERIFY(iou(first->mask, truth) < 0.7);
        auto grown = grabCutRefine(image, *first->state, {Stroke{{QPoint(180, 100)}, 5}}, {});
        QVERIFY(grown);
        QVERIFY2(iou(grown->mask, truth) > 0.9, qPrintable(QString::number(iou(grown->mask, truth))));
    }

    void grabCutOnPhotosImprovesWithClicks()
    {
        // The largest object a box gets wrong: six corrective strokes at the largest error's deepest point.
        const auto objects = largeObjects(m_photos);
        const Photo *photo = nullptr;
        const Object *object = nullptr;
        GrabCutResult worst;
        double worstIou = 2;
        for (const auto &[p, o] : objects) {
            auto r = grabCutFromBox(p->image, boundsOf(o->mask));
            QVERIFY(r);
            if (iou(r->mask, o->mask) < 0.8 && (!object || o->area > object->area)) {
                worstIou = iou(r->mask, o->mask);
                worst = *r;
                photo = p;
                object = o;
            }
        }
        GrabCutResult current = worst;
        for (int click = 0; click < 6; ++click) {
            QImage missed(object->mask.size(), QImage::Format_Grayscale8), spurious = missed;
            for (int y = 0; y < missed.height(); ++y)
                for (int x = 0; x < missed.width(); ++x) {
                    const bool t = object->mask.constScanLine(y)[x], m = current.mask.constScanLine(y)[x];
                    missed.scanLine(y)[x] = t && !m ? 255 : 0;
                    spurious.scanLine(y)[x] = m && !t ? 255 : 0;
                }
            int dMissed = 0, dSpurious = 0;
            const QPoint pm = deepestPoint(missed, &dMissed), ps = deepestPoint(spurious, &dSpurious);
            const bool addBack = dMissed >= dSpurious;
            const Stroke s{{addBack ? pm : ps}, std::clamp((addBack ? dMissed : dSpurious) / 2, 2, 8)};
            auto r = addBack ? grabCutRefine(photo->image, *current.state, {s}, {})
                             : grabCutRefine(photo->image, *current.state, {}, {s});
            QVERIFY(r);
            current = *r;
        }
        const double after = iou(current.mask, object->mask);
        qDebug("%s: IoU %.3f -> %.3f after 6 strokes", qPrintable(object->name), worstIou, after);
        QVERIFY2(after > worstIou + kSixStrokesGain,
                 qPrintable(object->name + QStringLiteral(": %1 -> %2").arg(worstIou).arg(after)));
    }

    // ---- magic wand ----

    void wandStaysInUniformRegion()
    {
        auto [image, truth] = discImage(QSize(200, 150), QPoint(80, 70), 40, QColor(40, 160, 60), QColor(220, 220, 210));
        addNoise(image, 8);
        auto r = magicWand(image, QPoint(80, 70), {});
        QVERIFY(r);
        QVERIFY(isBinaryMaskOf(*r, image.size()));
        QVERIFY2(iou(*r, truth) > 0.97, qPrintable(QString::number(iou(*r, truth))));
        // Outside the image: nothing, not an error.
        auto none = magicWand(image, QPoint(-3, 5), {});
        QVERIFY(none);
        QCOMPARE(countSet(*none), int64_t(0));
    }

    void wandGrowsWithTolerance()
    {
        for (const auto &[photo, object] : largeObjects(m_photos)) {
            const QPoint inside = deepestPoint(object->mask);
            MagicWandOptions tight, loose;
            tight.tolerance = 8;
            loose.tolerance = 40;
            auto a = magicWand(photo->image, inside, tight);
            auto b = magicWand(photo->image, inside, loose);
            QVERIFY(a && b);
            QVERIFY(a->constScanLine(inside.y())[inside.x()]);
            QCOMPARE(countBoth(*a, *b), countSet(*a)); // everything within 8 levels is within 40 levels
            QVERIFY(countSet(*b) >= countSet(*a));
        }
    }

    void wandClickMostlyInsideObject()
    {
        // A tight tolerance clicked deep inside an object hardly leaks out of it.
        int mostlyInside = 0;
        const auto objects = largeObjects(m_photos);
        for (const auto &[photo, object] : objects) {
            MagicWandOptions o;
            o.tolerance = 12;
            auto r = magicWand(photo->image, deepestPoint(object->mask), o);
            QVERIFY(r);
            mostlyInside += countBoth(*r, object->mask) >= 0.9 * double(countSet(*r));
        }
        QVERIFY2(mostlyInside >= int(objects.size()) * 3 / 4, qPrintable(QString::number(mostlyInside)));
    }

    // ---- superpixels ----

    void superpixelsCoverTheImage_data()
    {
        QTest::addColumn<int>("algorithm");
        QTest::newRow("slico") << int(SuperpixelOptions::Algorithm::Slico);
        QTest::newRow("lsc") << int(SuperpixelOptions::Algorithm::Lsc);
    }

    void superpixelsCoverTheImage()
    {
        QFETCH(int, algorithm);
        const QImage &image = m_photos[2].image;
        SuperpixelOptions o;
        o.algorithm = SuperpixelOptions::Algorithm(algorithm);
        o.regionSizePx = 20;
        auto s = Superpixels::compute(image, o);
        QVERIFY2(s, s ? "" : s.error().message.c_str());
        QCOMPARE(s->imageSize(), image.size());
        const double expected = double(image.width()) * image.height() / (20.0 * 20.0);
        QVERIFY2(s->count() > expected / 2 && s->count() < expected * 2, qPrintable(QString::number(s->count())));
        int64_t total = 0;
        for (int64_t a : s->areas()) {
            QVERIFY(a > 0);
            total += a;
        }
        QCOMPARE(total, int64_t(image.width()) * image.height());
        for (QPoint p : {QPoint(0, 0), QPoint(image.width() - 1, image.height() - 1), QPoint(250, 180)}) {
            const int label = s->labelAt(p);
            QVERIFY(label >= 0 && label < s->count());
            const QImage m = s->maskOf(label);
            QVERIFY(isBinaryMaskOf(m, image.size()));
            QVERIFY(m.constScanLine(p.y())[p.x()]);
            QCOMPARE(countSet(m), s->areas()[size_t(label)]);
            QVERIFY(isConnected(m));
        }
        QCOMPARE(s->labelAt(QPoint(-1, 0)), -1);
        for (int label = 0; label < s->count(); label += 37)
            QVERIFY2(isConnected(s->maskOf(label)), qPrintable(QString::number(label)));
    }

    void superpixelStrokesAndCoverage()
    {
        const QImage &image = m_photos[0].image;
        auto s = Superpixels::compute(image);
        QVERIFY(s);
        const Stroke stroke{{QPoint(100, 100), QPoint(300, 120)}, 2};
        const std::vector<int> along = s->labelsAlong(stroke);
        QVERIFY(along.size() >= 200 / 24);
        for (int x = 100; x <= 300; x += 10) {
            const int l = s->labelAt(QPoint(x, 100 + (x - 100) / 10));
            QVERIFY(std::find(along.begin(), along.end(), l) != along.end());
        }
        const QImage m = s->maskOf(along);
        const std::vector<double> cover = s->coverage(m);
        for (int l = 0; l < s->count(); ++l) {
            const bool chosen = std::find(along.begin(), along.end(), l) != along.end();
            QCOMPARE(cover[size_t(l)], chosen ? 1.0 : 0.0);
        }
        const QImage lines = s->contours();
        QVERIFY(isBinaryMaskOf(lines, image.size()));
        const int64_t onLines = countSet(lines);
        QVERIFY(onLines > 0 && onLines < int64_t(image.width()) * image.height() / 3);
    }

    void superpixelsFollowObjectBoundaries()
    {
        // Choosing the superpixels mostly inside a hand mask reproduces it closely: boundaries lie on edges.
        auto s = Superpixels::compute(m_photos[2].image);
        QVERIFY(s);
        for (const Object &o : m_photos[2].objects) {
            if (o.area < kLargeShare * m_photos[2].image.width() * m_photos[2].image.height())
                continue;
            const std::vector<double> cover = s->coverage(o.mask);
            std::vector<int> chosen;
            for (int l = 0; l < s->count(); ++l)
                if (cover[size_t(l)] > 0.5)
                    chosen.push_back(l);
            const double q = iou(s->maskOf(chosen), o.mask);
            QVERIFY2(q > 0.85, qPrintable(o.name + QStringLiteral(": %1").arg(q)));
        }
    }

    // ---- intelligent scissors ----

    void scissorsFollowAStrongEdge()
    {
        QImage image(200, 160, QImage::Format_RGB32);
        image.fill(QColor(230, 230, 230));
        {
            QPainter p(&image);
            p.fillRect(QRect(50, 40, 100, 80), QColor(30, 30, 30));
        }
        addNoise(image, 10);
        auto s = Scissors::build(image);
        QVERIFY(s);
        QVERIFY(!s->hasAnchor());
        QVERIFY(s->pathTo(QPoint(10, 10)).empty());
        QVERIFY(s->setAnchor(QPoint(52, 38)));
        QVERIFY(s->hasAnchor());
        // The straight line would be the shortest way; the path takes the square's outline instead (either way
        // round the corner), never cutting across the dark square.
        const std::vector<QPoint> path = s->pathTo(QPoint(148, 121));
        QCOMPARE(path.front(), QPoint(52, 38));
        QCOMPARE(path.back(), QPoint(148, 121));
        int nearEdge = 0;
        for (QPoint p : path) {
            const double dx = std::max({49.5 - p.x(), p.x() - 149.5, 0.0}), dy = std::max({39.5 - p.y(), p.y() - 119.5, 0.0});
            const double outside = std::hypot(dx, dy);
            const double inside = std::min({p.x() - 49.5, 149.5 - p.x(), p.y() - 39.5, 119.5 - p.y()});
            nearEdge += (outside > 0 ? outside : inside) <= 2.5;
        }
        QVERIFY2(nearEdge >= int(path.size()) - 4, qPrintable(QStringLiteral("%1 of %2").arg(nearEdge).arg(path.size())));
    }

    void scissorsCloseAnOutlineOnAPhoto()
    {
        // Anchors at the extreme points of the largest object, each segment from one to the next.
        const auto objects = largeObjects(m_photos);
        const auto largest = *std::max_element(objects.begin(), objects.end(),
                                               [](auto a, auto b) { return a.second->area < b.second->area; });
        const QImage &image = largest.first->image;
        auto s = Scissors::build(image);
        QVERIFY(s);
        const std::vector<QPoint> anchors = extremePoints(largest.second->mask);
        std::vector<std::vector<QPoint>> segments;
        for (size_t i = 0; i < anchors.size(); ++i) {
            QVERIFY(s->setAnchor(anchors[i]));
            const QPoint target = anchors[(i + 1) % anchors.size()];
            std::vector<QPoint> path = s->pathTo(target);
            QCOMPARE(path.front(), anchors[i]);
            QCOMPARE(path.back(), target);
            for (size_t k = 1; k < path.size(); ++k) // a connected chain of pixels
                QVERIFY(std::abs(path[k].x() - path[k - 1].x()) <= 1 && std::abs(path[k].y() - path[k - 1].y()) <= 1);
            segments.push_back(std::move(path));
        }
        const QImage closed = maskFromPaths(segments, image.size());
        QVERIFY(isBinaryMaskOf(closed, image.size()));
        const double q = iou(closed, largest.second->mask);
        QVERIFY2(q > 0.5, qPrintable(largest.second->name + QStringLiteral(": %1").arg(q)));
    }

    // ---- watershed ----

    void watershedSeparatesTwoObjects()
    {
        QImage image(240, 160, QImage::Format_RGB32);
        image.fill(QColor(210, 210, 200));
        QImage left(image.size(), QImage::Format_Grayscale8), right = left;
        left.fill(0);
        right.fill(0);
        for (int y = 0; y < 160; ++y)
            for (int x = 0; x < 240; ++x) {
                if ((x - 70) * (x - 70) + (y - 80) * (y - 80) <= 45 * 45) {
                    image.setPixelColor(x, y, QColor(200, 40, 40));
                    left.scanLine(y)[x] = 255;
                } else if ((x - 165) * (x - 165) + (y - 80) * (y - 80) <= 45 * 45) {
                    image.setPixelColor(x, y, QColor(40, 40, 200));
                    right.scanLine(y)[x] = 255;
                }
            }
        addNoise(image, 6);
        const std::vector<Scribble> scribbles = {{2, Stroke{{QPoint(60, 80), QPoint(80, 80)}, 3}},
                                                 {3, Stroke{{QPoint(165, 70), QPoint(165, 90)}, 3}},
                                                 {1, Stroke{{QPoint(5, 5), QPoint(234, 5)}, 2}}};
        auto r = watershedObjects(image, scribbles);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), size_t(2));
        QCOMPARE((*r)[0].first, 2);
        QCOMPARE((*r)[1].first, 3);
        QVERIFY2(iou((*r)[0].second, left) > 0.95, qPrintable(QString::number(iou((*r)[0].second, left))));
        QVERIFY2(iou((*r)[1].second, right) > 0.95, qPrintable(QString::number(iou((*r)[1].second, right))));
        QCOMPARE(countBoth((*r)[0].second, (*r)[1].second), int64_t(0));
        // One object against the image's edge, without a background scribble.
        auto single = watershedForeground(image, {Stroke{{QPoint(70, 80)}, 3}}, {});
        QVERIFY(single);
        QVERIFY(iou(*single, left) > 0.95);
    }

    void watershedOnAPhoto()
    {
        // The two buses, each scribbled at its deepest point, against a background scribble around the image:
        // each mask lies mostly on its own bus.
        const Photo &photo = m_photos[2];
        std::vector<const Object *> objects;
        for (const Object &o : photo.objects)
            objects.push_back(&o);
        std::sort(objects.begin(), objects.end(), [](auto a, auto b) { return a->area > b->area; });
        QVERIFY(objects.size() >= 2);
        const int w = photo.image.width() - 1, h = photo.image.height() - 1;
        std::vector<Scribble> scribbles = {{1, Stroke{{QPoint(0, 0), QPoint(w, 0), QPoint(w, h), QPoint(0, h), QPoint(0, 0)}, 2}}};
        for (int i = 0; i < 2; ++i) {
            int depth = 0;
            const QPoint c = deepestPoint(objects[size_t(i)]->mask, &depth);
            scribbles.push_back({2 + i, Stroke{{c}, std::max(2, depth * 2 / 3)}});
        }
        auto r = watershedObjects(photo.image, scribbles);
        QVERIFY(r);
        for (int i = 0; i < 2; ++i) {
            const QImage &m = (*r)[size_t(i)].second;
            const int64_t own = countBoth(m, objects[size_t(i)]->mask), other = countBoth(m, objects[size_t(1 - i)]->mask);
            qDebug("%s: %lld own, %lld other, IoU %.3f", qPrintable(objects[size_t(i)]->name), (long long)own, (long long)other,
                   iou(m, objects[size_t(i)]->mask));
            QVERIFY2(own > 4 * other, qPrintable(objects[size_t(i)]->name + QStringLiteral(": %1 vs %2").arg(own).arg(other)));
        }
    }

    void watershedNeedsAnObject()
    {
        auto r = watershedObjects(m_photos[0].image, {{1, Stroke{{QPoint(3, 3)}, 2}}});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Invalid);
        QVERIFY(!watershedObjects(m_photos[0].image, {{0, Stroke{{QPoint(3, 3)}, 2}}}));
    }

    // ---- cancelling, threads, large images ----

    void cancelledBeforeStarting()
    {
        const QImage &image = m_photos[0].image;
        std::atomic_bool cancel = true;
        auto cancelled = [](const auto &r) { return !r && r.error().code == Error::Code::Cancelled; };
        QVERIFY(cancelled(grabCutFromBox(image, QRect(50, 50, 200, 200), {}, &cancel)));
        QVERIFY(cancelled(grabCutFromExtremePoints(image, {{50, 100}, {100, 50}, {150, 100}, {100, 150}}, {}, &cancel)));
        QVERIFY(cancelled(magicWand(image, QPoint(10, 10), {}, &cancel)));
        QVERIFY(cancelled(Superpixels::compute(image, {}, &cancel)));
        QVERIFY(cancelled(Scissors::build(image, {}, &cancel)));
        QVERIFY(cancelled(watershedForeground(image, {Stroke{{QPoint(100, 100)}, 3}}, {}, {}, &cancel)));
        std::atomic_bool go = false;
        auto first = grabCutFromBox(image, QRect(50, 50, 200, 200), {}, &go);
        QVERIFY(first);
        QVERIFY(cancelled(grabCutRefine(image, *first->state, {Stroke{{QPoint(100, 100)}, 3}}, {}, {}, &cancel)));
        auto s = Scissors::build(image);
        QVERIFY(s);
        QVERIFY(cancelled(s->setAnchor(QPoint(10, 10), &cancel)));
        QVERIFY(!s->hasAnchor());
    }

    void cancelledWhileRunning()
    {
        // Many iterations on a large region; the flag is raised from another thread while it runs.
        const QImage big = m_photos[0].image.scaled(2000, 1352);
        GrabCutOptions slow;
        slow.iterations = 1000;
        slow.maxWorkingSide = 800;
        std::atomic_bool cancel = false;
        std::thread raiser([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            cancel = true;
        });
        auto r = grabCutFromBox(big, QRect(100, 100, 1800, 1100), slow, &cancel);
        raiser.join();
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Cancelled);
    }

    void runsOnSeveralThreadsAtOnce()
    {
        // The same calls from two threads give the same masks as one after the other (no shared state).
        const auto objects = largeObjects(m_photos);
        std::vector<QImage> alone, together(objects.size());
        for (const auto &[p, o] : objects)
            alone.push_back(grabCutFromBox(p->image, boundsOf(o->mask))->mask);
        auto work = [&](size_t start) {
            for (size_t i = start; i < objects.size(); i += 2)
                together[i] = grabCutFromBox(objects[i].first->image, boundsOf(objects[i].second->mask))->mask;
        };
        std::thread other(work, 1);
        work(0);
        other.join();
        for (size_t i = 0; i < objects.size(); ++i)
            QCOMPARE(iou(alone[i], together[i]), 1.0);
    }

    void largeImagesComeBackAtFullSize()
    {
        // A 12-megapixel upscale: the assists work on a smaller copy and answer at full size, as well as on
        // the original.
        const Photo &photo = m_photos[2];
        const QSize bigSize(4000, 3000);
        const QImage big = photo.image.scaled(bigSize, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const std::vector<Photo> one = {photo};
        const auto objects = largeObjects(one);
        QVERIFY(!objects.empty());
        const Object &object = *objects.front().second;
        const QImage truth = object.mask.scaled(bigSize).convertToFormat(QImage::Format_Grayscale8);
        auto small = grabCutFromBox(photo.image, boundsOf(object.mask));
        auto large = grabCutFromBox(big, boundsOf(truth));
        QVERIFY(small && large);
        QVERIFY(isBinaryMaskOf(large->mask, bigSize));
        QVERIFY2(iou(large->mask, truth) > iou(small->mask, object.mask) - 0.05,
                 qPrintable(QStringLiteral("%1 vs %2").arg(iou(large->mask, truth)).arg(iou(small->mask, object.mask))));
        auto wand = magicWand(big, deepestPoint(truth));
        QVERIFY(wand && isBinaryMaskOf(*wand, bigSize));
        QVERIFY(countSet(*wand) > 0);
        auto sp = Superpixels::compute(big);
        QVERIFY(sp);
        QCOMPARE(sp->imageSize(), bigSize);
        QVERIFY(sp->maskOf(sp->labelAt(QPoint(3999, 2999))).constScanLine(2999)[3999]);
        auto ws = watershedForeground(big, {Stroke{{deepestPoint(truth)}, 20}}, {});
        QVERIFY(ws && isBinaryMaskOf(*ws, bigSize));
        auto sc = Scissors::build(big);
        QVERIFY(sc);
        QVERIFY(sc->setAnchor(QPoint(100, 100)));
        const std::vector<QPoint> path = sc->pathTo(QPoint(3900, 2900));
        QCOMPARE(path.front(), QPoint(100, 100));
        QCOMPARE(path.back(), QPoint(3900, 2900));
    }
};

QTEST_GUILESS_MAIN(TestAssist)
#include "tst_assist.moc"
