// Pixel figures: difference hashes that survive re-encoding and resizing, near-duplicate groups with known
// answers (including the pigeonhole limit), brightness and contrast, unreadable files, and the cache that
// spares a second decode.

#include "datasets/importers.h"
#include "datasets/manifest.h"
#include "datasets/imagestats.h"
#include "testutil.h"

#include <QImage>
#include <QPainter>
#include <QTest>

#include <bit>

using namespace gw;
using namespace gw::datasets;

namespace {

/// A picture with structure (gradients and a disc), so its hash means something.
QImage scene(int w, int h, int variant)
{
    QImage img(w, h, QImage::Format_RGB32);
    QPainter p(&img);
    QLinearGradient g(0, 0, w, h);
    g.setColorAt(0, variant ? Qt::darkBlue : Qt::white);
    g.setColorAt(1, variant ? Qt::yellow : Qt::black);
    p.fillRect(img.rect(), g);
    p.setBrush(variant ? Qt::red : Qt::darkGreen);
    p.drawEllipse(QPointF(w * (variant ? 0.7 : 0.3), h * 0.5), w * 0.2, h * 0.2);
    return img;
}

} // namespace

class TestImageStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void groupsByHammingDistance()
    {
        const std::vector<std::pair<int64_t, uint64_t>> h = {
            {1, 0x0}, {2, 0x3}, {3, 0xff00}, {4, 0xff01}, {5, 0x0}, {6, 0xf0f0f0f0f0f0f0f0}};
        QCOMPARE(nearDuplicateGroups(h, 2), (std::vector<std::vector<int64_t>>{{1, 2, 5}, {3, 4}}));
        QCOMPARE(nearDuplicateGroups(h, 0), (std::vector<std::vector<int64_t>>{{1, 5}}));
        // Seven differing bits, one in each of seven bytes: still found (one byte agrees).
        const uint64_t seven = 0x0001010101010101;
        QCOMPARE(std::popcount(seven), 7);
        QCOMPARE(nearDuplicateGroups({{1, 0}, {2, seven}}, 7).size(), size_t(1));
        QCOMPARE(nearDuplicateGroups({{1, 0}, {2, seven}}, 6).size(), size_t(0));
        // Not transitive: 0 ~ 3 ~ 0xf are 2 bits apart at each step but 4 from end to end; the chain does not
        // make the ends one group (0xf is 2 bits from 3, which is already taken by 0's group).
        QCOMPARE(nearDuplicateGroups({{1, 0x0}, {2, 0x3}, {3, 0xf}}, 2), (std::vector<std::vector<int64_t>>{{1, 2}}));
    }

    void hashesSurviveReencodingAndResizing()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("a.png")), jpg = dir.filePath(QStringLiteral("a.jpg")),
                      small = dir.filePath(QStringLiteral("a-small.png")), other = dir.filePath(QStringLiteral("b.png"));
        const QImage a = scene(320, 240, 0);
        QVERIFY(a.save(png) && a.save(jpg, "JPEG", 40));
        QVERIFY(a.scaled(160, 120, Qt::IgnoreAspectRatio, Qt::SmoothTransformation).save(small));
        QVERIFY(scene(320, 240, 1).save(other));
        const auto ha = differenceHash(png.toStdString()), hj = differenceHash(jpg.toStdString()),
                   hs = differenceHash(small.toStdString()), hb = differenceHash(other.toStdString());
        QVERIFY(ha && hj && hs && hb);
        QVERIFY2(std::popcount(*ha ^ *hj) <= 4, qPrintable(QString::number(std::popcount(*ha ^ *hj))));
        QVERIFY2(std::popcount(*ha ^ *hs) <= 4, qPrintable(QString::number(std::popcount(*ha ^ *hs))));
        QVERIFY2(std::popcount(*ha ^ *hb) > 12, qPrintable(QString::number(std::popcount(*ha ^ *hb))));
        QVERIFY(!differenceHash(dir.filePath(QStringLiteral("missing.png")).toStdString()));
    }

    void projectFiguresAndTheirCache()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto file = [&](const char *name) { return dir.filePath(QString::fromLatin1(name)); };
        QImage black(40, 30, QImage::Format_RGB32), white(40, 30, QImage::Format_RGB32);
        black.fill(Qt::black);
        white.fill(Qt::white);
        QVERIFY(black.save(file("black.png")) && white.save(file("white.png")));
        QVERIFY(scene(200, 150, 0).save(file("photo.png")) && scene(200, 150, 0).save(file("photo-copy.jpg"), "JPEG", 50));
        QVERIFY(scene(200, 150, 1).save(file("other.png")));
        test::writeFile(file("broken.png").toStdString(), "not a png");
        std::vector<std::string> files;
        for (const char *n : {"black.png", "white.png", "photo.png", "photo-copy.jpg", "other.png", "broken.png"})
            files.push_back(file(n).toStdString());
        GW_VERIFY_OK(importImageFiles(*s, files, "t", {}));

        auto r = computeImageStats(*s, {});
        GW_VERIFY_OK(r);
        QCOMPARE(r->images.size(), size_t(6));
        QCOMPARE(r->decoded, int64_t(6));
        QCOMPARE(r->unreadable, int64_t(1));
        QCOMPARE(r->images[0].brightness, 0.0f);
        QCOMPARE(r->images[1].brightness, 255.0f);
        QCOMPARE(r->images[1].contrast, 0.0f);
        QVERIFY(r->images[2].contrast > 20);
        QVERIFY(r->images[5].unreadable);
        // The photo and its JPEG copy are one group; black and white are flat (hash 0) and so alike too.
        QCOMPARE(r->duplicateGroups.size(), size_t(2));
        QVERIFY(std::find(r->duplicateGroups.begin(), r->duplicateGroups.end(), std::vector<int64_t>{3, 4})
                != r->duplicateGroups.end());

        // Again: nothing decoded. A changed file is decoded again.
        auto again = computeImageStats(*s, {});
        GW_VERIFY_OK(again);
        QCOMPARE(again->decoded, int64_t(0));
        QCOMPARE(again->images[2].hash, r->images[2].hash);
        QTest::qWait(20);
        QVERIFY(white.save(file("black.png")));
        auto changed = computeImageStats(*s, {});
        GW_VERIFY_OK(changed);
        QCOMPARE(changed->decoded, int64_t(1));
        QCOMPARE(changed->images[0].brightness, 255.0f);

        // Keep one: the JPEG copy is set aside — out of exports — and comes back on restore.
        ExportOptions e;
        e.outPath = test::path(dir, "all.manifest");
        e.overwrite = true; // written again after each change below
        GW_VERIFY_OK(exportManifest(*s, e));
        QCOMPARE(test::readFile(e.outPath).size() > 0, true);
        auto lines = [&] {
            const std::string text = test::readFile(e.outPath);
            return std::count(text.begin(), text.end(), '\n');
        };
        QCOMPARE(lines(), 6L);
        auto kept = keepOne(*s, {3, 4}, "ann");
        GW_VERIFY_OK(kept);
        QCOMPARE(*kept, int64_t(1));
        QVERIFY(s->item(4)->flags & ItemSetAside);
        QVERIFY(!(s->item(3)->flags & ItemSetAside));
        GW_VERIFY_OK(exportManifest(*s, e));
        QCOMPARE(lines(), 5L);
        QVERIFY(test::readFile(e.outPath).find("photo-copy.jpg") == std::string::npos);
        auto log = s->changes();
        QVERIFY(log && !log->empty() && log->back().detail == "near-duplicates of item 3: items 4");
        QCOMPARE(*setAside(*s, {4}, "ann", /*restore=*/true), int64_t(1));
        GW_VERIFY_OK(exportManifest(*s, e));
        QCOMPARE(lines(), 6L);
    }
};

QTEST_GUILESS_MAIN(TestImageStats)
#include "tst_imagestats.moc"
