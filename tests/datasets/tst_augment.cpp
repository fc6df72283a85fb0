// Augmentation geometry checked exactly: a flipped or rotated box is the bounding box of its transformed
// corners, clipped, and dropped below the visible-area ratio; mask pixels land where the image's pixels do;
// copies are reproducible; exports carry the copies with their lineage and versions reproduce them.

#include "datasets/augment.h"
#include "datasets/formats/format.h"
#include "datasets/importers.h"
#include "datasets/mask.h"
#include "datasets/media.h"
#include "datasets/versions.h"
#include "testutil.h"

#include <QDir>
#include <QDirIterator>
#include <QImage>
#include <QTest>

#include <cmath>

using namespace gw;
using namespace gw::datasets;

namespace {

AugmentOptions only(const std::string &spec)
{
    auto o = AugmentOptions::parse("hflip=0," + spec);
    if (!o)
        qFatal("%s", o.error().message.c_str());
    return *o;
}

/// An image whose pixels say where they are (red = x, green = y), and the same size mask with one pixel set.
void writeCoordinateImage(const QString &path, int w, int h)
{
    QImage img(w, h, QImage::Format_RGB888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixelColor(x, y, QColor(x * 10, y * 10, 77));
    QVERIFY(img.save(path));
}

} // namespace

class TestAugment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesAndRefusesSpecs()
    {
        auto o = AugmentOptions::parse("copies=3,rotate=15,scale=0.8:1.2,hflip=0.5,seed=9");
        GW_VERIFY_OK(o);
        QCOMPARE(o->copies, 3);
        QCOMPARE(o->scale[0], 0.8);
        QCOMPARE(o->seed, uint64_t(9));
        auto again = AugmentOptions::parse(o->toString());
        GW_VERIFY_OK(again);
        QCOMPARE(again->toString(), o->toString());
        for (const char *bad : {"rotate", "spin=3", "hflip=2", "copies=1.5", "copies=1e30", "cutout=3e94", "seed=1e20", "scale=1.2:0.8", "noise=-1"}) {
            auto r = AugmentOptions::parse(bad);
            QVERIFY2(!r, bad);
        }
        QVERIFY(AugmentOptions::parse("spin=3").error().message.find("unknown key 'spin'") != std::string::npos);
    }

    void flippedAndRotatedBoxesAreTheBoundsOfTheirCorners()
    {
        // Horizontal flip of a 10×8 image: x → 10 − x.
        AugmentTransform t = drawTransform(only("hflip=1"), 10, 8, 1, 1);
        QVERIFY(t.hflip);
        auto boxes = transformBoxes({{0, 1, 2, 3, 4, std::nullopt}}, t, 10, 8, 0.3);
        QCOMPARE(boxes.size(), size_t(1));
        QCOMPARE(boxes[0].left, 6.0);
        QCOMPARE(boxes[0].top, 2.0);
        QCOMPARE(boxes[0].width, 3.0);
        QCOMPARE(boxes[0].height, 4.0);
        // Vertical flip: y → 8 − y.
        t = drawTransform(only("vflip=1"), 10, 8, 1, 1);
        boxes = transformBoxes({{0, 1, 2, 3, 4, std::nullopt}}, t, 10, 8, 0.3);
        QCOMPARE(boxes[0].top, 2.0);
        QCOMPARE(boxes[0].left, 1.0);

        // Any rotation: the bounding box of the four corners rotated about the centre, computed here by hand.
        for (int copy = 1; copy <= 20; ++copy) {
            t = drawTransform(only("rotate=40"), 100, 80, 7, copy);
            const double rad = t.angle * M_PI / 180, c = std::cos(rad), s = std::sin(rad);
            const Box box{0, 30, 25, 20, 10, std::nullopt};
            double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
            for (auto [x, y] : {std::pair{30.0, 25.0}, {50.0, 25.0}, {30.0, 35.0}, {50.0, 35.0}}) {
                const double rx = 50 + c * (x - 50) - s * (y - 40), ry = 40 + s * (x - 50) + c * (y - 40);
                x0 = std::min(x0, rx), y0 = std::min(y0, ry), x1 = std::max(x1, rx), y1 = std::max(y1, ry);
            }
            boxes = transformBoxes({box}, t, 100, 80, 0.3);
            QCOMPARE(boxes.size(), size_t(1));
            QVERIFY(std::abs(boxes[0].left - x0) < 1e-9 && std::abs(boxes[0].top - y0) < 1e-9);
            QVERIFY(std::abs(boxes[0].width - (x1 - x0)) < 1e-9 && std::abs(boxes[0].height - (y1 - y0)) < 1e-9);
        }
    }

    void boxesAreClippedAndDroppedBelowTheVisibleShare()
    {
        // Shifted by up to half the width: a box near the edge is clipped, or dropped when mostly outside.
        AugmentTransform t;
        t.matrix = {1, 0, 6, 0, 1, 0}; // 6 px to the right, in a 10×10 image
        const auto kept = transformBoxes({{0, 0, 0, 4, 4, std::nullopt}}, t, 10, 10, 0.3);
        QCOMPARE(kept.size(), size_t(1));
        QCOMPARE(kept[0].left, 6.0);
        QCOMPARE(kept[0].width, 4.0);
        const auto clipped = transformBoxes({{0, 2, 0, 4, 4, std::nullopt}}, t, 10, 10, 0.3);
        QCOMPARE(clipped[0].left, 8.0);
        QCOMPARE(clipped[0].width, 2.0); // half of it stays: kept at 0.3
        QCOMPARE(transformBoxes({{0, 2, 0, 4, 4, std::nullopt}}, t, 10, 10, 0.6).size(), size_t(0));
        QCOMPARE(transformBoxes({{0, 5, 0, 4, 4, std::nullopt}}, t, 10, 10, 0.1).size(), size_t(0)); // all outside
    }

    void maskPixelsMoveWithTheImage_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("hflip") << QStringLiteral("hflip=1");
        QTest::newRow("vflip") << QStringLiteral("vflip=1");
        QTest::newRow("both") << QStringLiteral("hflip=1,vflip=1");
    }

    void maskPixelsMoveWithTheImage()
    {
        QFETCH(QString, spec);
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/c.png");
        writeCoordinateImage(path, 12, 9);
        mask::IndexedMask m{12, 9, std::vector<uint8_t>(12 * 9, 0)};
        m.pixels[3 * 12 + 2] = 1; // (2, 3)
        m.pixels[7 * 12 + 10] = 2; // (10, 7)
        const std::vector<LabelClass> classes = {{0, "a", "#ff0000", "", {}}, {1, "b", "#00ff00", "", {}}};
        Payload p;
        p.mask = *mask::encodeStored(m, classes);
        auto a = augmentImage(path.toStdString(), p, TaskType::SemanticSegmentation, classes,
                              only(spec.toStdString()), 1, 1);
        GW_VERIFY_OK(a);
        QImage out;
        QVERIFY(out.loadFromData(QByteArray::fromStdString(a->encoded)));
        auto moved = mask::decode(a->label.mask);
        GW_VERIFY_OK(moved);
        int found = 0;
        for (int y = 0; y < 9; ++y)
            for (int x = 0; x < 12; ++x) {
                const uint8_t v = moved->pixels[size_t(y * 12 + x)];
                if (!v)
                    continue;
                ++found;
                // The image pixel now here came from (red/10, green/10): the mask pixel came from there too.
                const QColor c = out.pixelColor(x, y);
                const int sx = c.red() / 10, sy = c.green() / 10;
                QCOMPARE(m.pixels[size_t(sy * 12 + sx)], v);
            }
        QCOMPARE(found, 2);
    }

    void rotatedMaskPixelsFollowTheImage()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/c.png");
        writeCoordinateImage(path, 9, 9);
        mask::IndexedMask m{9, 9, std::vector<uint8_t>(81, 0)};
        m.pixels[1 * 9 + 6] = 1; // (6, 1)
        const std::vector<LabelClass> classes = {{0, "a", "#ff0000", "", {}}};
        Payload p;
        p.mask = *mask::encodeStored(m, classes);
        // Rotations by arbitrary angles: the mask is resampled by nearest neighbour, the image bilinearly.
        for (int copy = 1; copy <= 5; ++copy) {
            auto a = augmentImage(path.toStdString(), p, TaskType::SemanticSegmentation, classes, only("rotate=30"), 3,
                                  copy);
            GW_VERIFY_OK(a);
            QImage out;
            QVERIFY(out.loadFromData(QByteArray::fromStdString(a->encoded)));
            auto moved = mask::decode(a->label.mask);
            // Wherever the mask pixel went, the image pixel there came from near (6, 1).
            for (int i = 0; i < 81; ++i)
                if (moved->pixels[size_t(i)]) {
                    const QColor c = out.pixelColor(i % 9, i / 9);
                    QVERIFY2(std::abs(c.red() / 10.0 - 6) <= 1 && std::abs(c.green() / 10.0 - 1) <= 1,
                             qPrintable(QStringLiteral("copy %1 at (%2,%3)").arg(copy).arg(i % 9).arg(i / 9)));
                }
        }
    }

    void copiesAreReproducible()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/c.png");
        writeCoordinateImage(path, 20, 16);
        const auto o = *AugmentOptions::parse("rotate=20,scale=0.8:1.2,crop=0.1,brightness=0.2,contrast=0.2,"
                                              "gamma=0.3,blur=1,noise=0.05,cutout=1");
        Payload none;
        auto a = augmentImage(path.toStdString(), none, TaskType::ImageClassification, {}, o, 5, 1);
        auto b = augmentImage(path.toStdString(), none, TaskType::ImageClassification, {}, o, 5, 1);
        auto c = augmentImage(path.toStdString(), none, TaskType::ImageClassification, {}, o, 5, 2);
        GW_VERIFY_OK(a);
        QCOMPARE(a->encoded, b->encoded);
        QVERIFY(a->encoded != c->encoded);
        QCOMPARE(a->transform.describe(), b->transform.describe());
    }

    void exportsCarryCopiesAndVersionsReproduceThem()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        Job j;
        j.name = "animal";
        j.classes = {{0, "cat", "#ff0000", "1", {}}, {1, "dog", "#00ff00", "2", {}}};
        const Job job = *s->createJob(j);
        for (int i = 0; i < 3; ++i) {
            const QString path = dir.path() + QStringLiteral("/img%1.png").arg(i);
            writeCoordinateImage(path, 8, 6);
            GW_VERIFY_OK(importImageFiles(*s, {path.toStdString()}, "t", {}));
            Annotation a;
            a.jobId = job.id;
            a.itemId = i + 1;
            a.payload.classes = {i % 2};
            a.payload.classConfidence = {std::nullopt};
            auto tx = s->begin();
            QVERIFY((*tx)->putAnnotation(a) && (*tx)->commit());
        }
        DatasetExport request;
        request.format = "class-folders";
        request.jobs = {"animal"};
        request.options.outPath = test::path(dir, "out");
        request.options.augment = *AugmentOptions::parse("copies=2,rotate=10,noise=0.02");
        auto v = exportDataset(*s, request);
        GW_VERIFY_OK(v);
        QCOMPARE(v->report.lines, int64_t(9)); // 3 images + 2 copies each
        QDirIterator it(dir.path() + QStringLiteral("/out"), QDir::Files, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            it.next();
            ++files;
        }
        QCOMPARE(files, 9);
        const std::string lineage = test::readFile(test::path(dir, "out-augmented/augmentation.jsonl"));
        QCOMPARE(std::count(lineage.begin(), lineage.end(), '\n'), 6L);
        QVERIFY(lineage.find("\"source_item\":2") != std::string::npos);
        // The version writes the same copies again.
        auto again = exportVersion(*s, v->version.id, test::path(dir, "again"));
        GW_VERIFY_OK(again);
        const QString copy = QStringLiteral("/cat/img0-aug1-1.png");
        QCOMPARE(test::readFile((dir.path() + QStringLiteral("/again") + copy).toStdString()),
                 test::readFile((dir.path() + QStringLiteral("/out") + copy).toStdString()));
        // A Ground Truth manifest takes the copies as lines of their own after their source line.
        request.format = "groundtruth";
        request.options.outPath = test::path(dir, "x.manifest");
        auto manifest = exportDataset(*s, request);
        GW_VERIFY_OK(manifest);
        const std::string lines = test::readFile(test::path(dir, "x.manifest"));
        QCOMPARE(std::count(lines.begin(), lines.end(), '\n'), 9L);
        QVERIFY(lines.find("\"source-ref\":\"x-augmented/img0-aug2-1.png\"") != std::string::npos);
        QCOMPARE(manifest->version.items, int64_t(3)); // the version holds the originals; the copies follow
        auto manifestAgain = exportVersion(*s, manifest->version.id, test::path(dir, "x.manifest"), {}, /*overwrite=*/true);
        GW_VERIFY_OK(manifestAgain);
        QCOMPARE(test::readFile(test::path(dir, "x.manifest")), lines);
    }
};

QTEST_GUILESS_MAIN(TestAugment)
#include "tst_augment.moc"
