// The gallery: the model pages images with their labels through every filter in both orders, thumbnails
// arrive in the background (placeholders for unreadable files, decoded once), and the view paints the grid.

#include "testutil.h"
#include "ui/gallerymodel.h"
#include "ui/galleryview.h"
#include "ui/thumbnailcache.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <functional>
#include <set>

using namespace gw;
using namespace gw::datasets;
using ui::GalleryModel;

namespace {

constexpr int kImages = 2500;
constexpr int kMissing = 7;  // image numbers (1-based), not ids
constexpr int kCorrupt = 17;
constexpr int kTextAfter = 1000; // a text item sits among the images; the gallery never shows it

/// Labels by image number i: the rules the expected results are computed from.
bool labeled(int i)
{
    const int r = i % 10;
    return r == 1 || r == 2 || r == 3 || r == 5 || (r == 4 && i % 20 == 14);
}
bool human(int i) { return i % 10 == 1 || i % 10 == 2 || (i % 10 == 4 && i % 20 == 14); }
bool automatic(int i) { return i % 10 == 3; }
bool hasDog(int i) { return i % 10 == 2 || i % 10 == 3; }
bool byAlice(int i) { return i % 10 == 1 || (i % 10 == 4 && i % 20 == 14); }

QColor pngColor(int k)
{
    static const QColor colors[] = {Qt::red, Qt::green, Qt::blue, Qt::yellow};
    return colors[k];
}

QSize pngSize(int k)
{
    static const QSize sizes[] = {{64, 48}, {20, 20}, {400, 300}, {300, 400}};
    return sizes[k];
}

void writePng(const QString &path, QSize size, QColor color)
{
    QImage img(size, QImage::Format_RGB32);
    img.fill(color);
    QVERIFY(img.save(path));
}

/// A project of kImages images (img/0.png .. img/3.png, one missing and one corrupt file), a text item,
/// and a classification job "animal" labeled by people, a model and an import.
struct Project
{
    QTemporaryDir dir;
    std::unique_ptr<ProjectStore> store;
    Job job;
    std::vector<int64_t> ids; ///< ids[i - 1]: image number i
    int64_t textId = 0;

    std::vector<int64_t> expected(const std::function<bool(int)> &pred, bool descending = false) const
    {
        std::vector<int64_t> out;
        for (int i = 1; i <= int(ids.size()); ++i)
            if (pred(i))
                out.push_back(ids[size_t(i - 1)]);
        if (descending)
            std::reverse(out.begin(), out.end());
        return out;
    }
};

std::unique_ptr<Project> makeProject(int images = kImages)
{
    auto p = std::make_unique<Project>();
    QDir(p->dir.path()).mkpath(QStringLiteral("img"));
    for (int k = 0; k < 4; ++k)
        writePng(p->dir.path() + QStringLiteral("/img/%1.png").arg(k), pngSize(k), pngColor(k));
    test::writeFile(test::path(p->dir, "img/bad.png"), "this is not a PNG");
    p->store = test::newProject(test::path(p->dir, "p.gwproj"));
    Job j;
    j.name = "animal";
    j.classes = {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#ff7f0e", "2", {}}, {2, "bird", "#2ca02c", "3", {}}};
    p->job = *p->store->createJob(j);

    auto tx = p->store->begin();
    for (int i = 1; i <= images; ++i) {
        Item it;
        it.uri = i == kMissing   ? "img/missing.png"
                 : i == kCorrupt ? "img/bad.png"
                                 : "img/" + std::to_string(i % 4) + ".png";
        it.width = pngSize(i % 4).width();
        it.height = pngSize(i % 4).height();
        (void)(*tx)->addItem(it);
        p->ids.push_back(it.id);
        if (i == kTextAfter) {
            Item text;
            text.kind = MediaKind::Text;
            text.text = "a text among the images";
            (void)(*tx)->addItem(text);
            p->textId = text.id;
        }
    }
    for (int i = 1; i <= images; ++i) {
        const int r = i % 10;
        if (r < 1 || r > 5)
            continue;
        Annotation a;
        a.jobId = p->job.id;
        a.itemId = p->ids[size_t(i - 1)];
        a.payload.classes = {r == 1 || r == 5 ? 0 : r == 4 ? 2 : 1};
        a.payload.classConfidence = {std::nullopt};
        a.provenance.author = r == 1 || r == 4 ? "alice" : r == 2 ? "bob" : r == 3 ? "model-1" : "gt";
        if (r == 3) {
            a.provenance.source = Source::Auto;
            a.provenance.humanAnnotated = false;
            a.provenance.confidence = 0.93;
        } else if (r == 5) {
            a.provenance.source = Source::Imported;
        }
        auto put = (*tx)->putAnnotation(a);
        if (!put)
            qFatal("%s", put.error().message.c_str());
    }
    // Every other bird label is taken back: a deleted label is no label.
    Provenance who;
    who.author = "alice";
    for (int i = 4; i <= images; i += 20)
        (void)(*tx)->clearAnnotation(p->job.id, p->ids[size_t(i - 1)], who);
    (void)(*tx)->commit();
    if (images >= kCorrupt) {
        (void)p->store->setItemFlags(p->ids[kMissing - 1], ItemMissing);
        (void)p->store->setItemFlags(p->ids[kCorrupt - 1], ItemCorrupt);
    }
    return p;
}

std::vector<int64_t> allIds(GalleryModel &m)
{
    while (m.canFetchMore({}))
        m.fetchMore({});
    std::vector<int64_t> out;
    for (int r = 0; r < m.rowCount(); ++r)
        out.push_back(m.data(m.index(r), GalleryModel::ItemIdRole).toLongLong());
    return out;
}

QImage decoration(const GalleryModel &m, int row)
{
    return m.data(m.index(row), Qt::DecorationRole).value<QImage>();
}

} // namespace

class TestGallery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storeFiltersByAuthorAndPagesBothWays()
    {
        auto p = makeProject(200);
        ItemFilter f;
        f.jobId = p->job.id;
        f.author = "alice";
        f.kind = MediaKind::Image;
        std::vector<int64_t> seen;
        GW_VERIFY_OK(p->store->forEachItem(f, [&](const Item &it) {
            seen.push_back(it.id);
            return true;
        }));
        QCOMPARE(seen, p->expected(byAlice));
        QCOMPARE(*p->store->countItems(f), int64_t(seen.size()));

        // Keyset pages from the top: ids below the last one seen, highest first.
        ItemFilter page;
        page.kind = MediaKind::Image;
        page.descending = true;
        page.limit = 64;
        std::vector<int64_t> down;
        while (true) {
            size_t before = down.size();
            GW_VERIFY_OK(p->store->forEachItem(page, [&](const Item &it) {
                down.push_back(it.id);
                return true;
            }));
            if (down.size() == before)
                break;
            page.beforeId = down.back();
        }
        QCOMPARE(down, p->expected([](int) { return true; }, true));

        // "Unlabeled" counted as all minus labeled matches a walk of the items.
        ItemFilter unlabeled;
        unlabeled.jobId = p->job.id;
        unlabeled.labeled = false;
        unlabeled.kind = MediaKind::Image;
        QCOMPARE(*p->store->countItems(unlabeled), int64_t(p->expected([](int i) { return !labeled(i); }).size()));
        unlabeled.flaggedOnly = true;
        QCOMPARE(*p->store->countItems(unlabeled), int64_t(2)); // 7 and 17 are unlabeled
        // A class filter combined with a source and a bound.
        ItemFilter dogs;
        dogs.jobId = p->job.id;
        dogs.classId = 1;
        dogs.source = Source::Human;
        dogs.afterId = p->ids[10];
        QCOMPARE(*p->store->countItems(dogs),
                 int64_t(p->expected([](int i) { return i > 11 && hasDog(i) && human(i); }).size()));
    }

    void pagesThroughEveryFilter_data()
    {
        QTest::addColumn<int>("filter");
        QTest::addColumn<std::function<bool(int)>>("pred");
        auto all = [](int) { return true; };
        QTest::newRow("all") << int(GalleryModel::Filter::All) << std::function<bool(int)>(all);
        QTest::newRow("unlabeled") << int(GalleryModel::Filter::Unlabeled)
                                   << std::function<bool(int)>([](int i) { return !labeled(i); });
        QTest::newRow("labeled") << int(GalleryModel::Filter::Labeled) << std::function<bool(int)>(labeled);
        QTest::newRow("human") << int(GalleryModel::Filter::Human) << std::function<bool(int)>(human);
        QTest::newRow("auto") << int(GalleryModel::Filter::Auto) << std::function<bool(int)>(automatic);
        QTest::newRow("flagged") << int(GalleryModel::Filter::Flagged)
                                 << std::function<bool(int)>([](int i) { return i == kMissing || i == kCorrupt; });
    }

    void pagesThroughEveryFilter()
    {
        QFETCH(int, filter);
        QFETCH(std::function<bool(int)>, pred);
        auto p = makeProject();
        GalleryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFilter(GalleryModel::Filter(filter));
        model.setStore(p->store.get(), &p->job);
        const std::vector<int64_t> want = p->expected(pred);
        // One page at once, never everything.
        QCOMPARE(model.rowCount(), std::min<int>(int(want.size()), GalleryModel::kPageSize));
        QCOMPARE(model.canFetchMore({}), int(want.size()) > GalleryModel::kPageSize);
        QCOMPARE(allIds(model), want);
        QTRY_COMPARE(model.filteredCount(), int64_t(want.size()));
        QVERIFY(!model.canFetchMore({}));
        QVERIFY(!std::count(want.begin(), want.end(), p->textId));

        model.setSortDescending(true);
        QCOMPARE(allIds(model), p->expected(pred, true));
        QTRY_COMPARE(model.filteredCount(), int64_t(want.size()));
        model.setStore(nullptr, nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void classAndAuthorFiltersNarrowTheJobFilter()
    {
        auto p = makeProject();
        GalleryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(p->store.get(), &p->job);
        model.setClassFilter(1);
        QCOMPARE(allIds(model), p->expected(hasDog));
        model.setFilter(GalleryModel::Filter::Human);
        QCOMPARE(allIds(model), p->expected([](int i) { return hasDog(i) && human(i); }));
        model.setFilter(GalleryModel::Filter::All);
        model.setClassFilter(std::nullopt);
        model.setAuthorFilter(std::string("alice"));
        QCOMPARE(allIds(model), p->expected(byAlice));
        model.setSortDescending(true);
        QCOMPARE(allIds(model), p->expected(byAlice, true));
        model.setAuthorFilter(std::string("model-1"));
        model.setFilter(GalleryModel::Filter::Auto);
        QCOMPARE(allIds(model), p->expected(automatic, true));
        // A class or an author means labeled: nothing is both that and unlabeled.
        model.setFilter(GalleryModel::Filter::Unlabeled);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.filteredCount(), int64_t(0));
        // Without a job nothing is labeled.
        model.setAuthorFilter(std::nullopt);
        model.setStore(p->store.get(), nullptr);
        QCOMPARE(int64_t(allIds(model).size()), int64_t(kImages));
        model.setFilter(GalleryModel::Filter::Labeled);
        QCOMPARE(model.rowCount(), 0);
    }

    void sparseMatchesAreFoundAcrossManyWindows()
    {
        // Far more ids than one scan window: the two flagged images are found in both orders, and each
        // fetchMore returns after a bounded scan even when it found nothing yet.
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        std::vector<int64_t> ids;
        {
            auto tx = s->begin();
            for (int i = 0; i < 300000; ++i) {
                Item it;
                it.uri = "img/" + std::to_string(i) + ".png";
                (void)(*tx)->addItem(it);
                ids.push_back(it.id);
            }
            GW_VERIFY_OK((*tx)->commit());
        }
        GW_VERIFY_OK(s->setItemFlags(ids[5], ItemMissing));
        GW_VERIFY_OK(s->setItemFlags(ids[290000], ItemCorrupt));
        GalleryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFilter(GalleryModel::Filter::Flagged);
        model.setStore(s.get(), nullptr);
        QCOMPARE(allIds(model), (std::vector<int64_t>{ids[5], ids[290000]}));
        model.setSortDescending(true);
        QCOMPARE(allIds(model), (std::vector<int64_t>{ids[290000], ids[5]}));
        QTRY_COMPARE(model.filteredCount(), int64_t(2));
        // A view showing the first match asks for more, and gets the second.
        model.setSortDescending(false);
        QCOMPARE(model.rowCount(), 1);
        ui::GalleryView view;
        view.setModel(&model);
        view.show();
        QTRY_COMPARE(model.rowCount(), 2);
        QVERIFY(!model.canFetchMore({}));
    }

    void rolesCarryTheLabel()
    {
        auto p = makeProject(40);
        // A multi-label, a box and a mask job for the other label texts.
        Job boxes;
        boxes.name = "boxes";
        boxes.type = TaskType::BoundingBox;
        boxes.classes = {{0, "car", "#d62728", "1", {}}};
        boxes = *p->store->createJob(boxes);
        {
            auto tx = p->store->begin();
            Annotation a;
            a.jobId = boxes.id;
            a.itemId = p->ids[0];
            a.payload.boxes = {{0, 1, 2, 3, 4, {}}, {0, 5, 6, 7, 8, {}}, {0, 9, 9, 9, 9, {}}};
            a.payload.imageWidth = 64;
            a.payload.imageHeight = 48;
            GW_VERIFY_OK((*tx)->putAnnotation(a));
            GW_VERIFY_OK((*tx)->commit());
        }
        Job objects;
        objects.name = "objects-ref";
        objects.type = TaskType::InstanceSegmentation;
        objects.classes = {{0, "person", "#2ca02c", "1", {}}};
        objects = *p->store->createJob(objects);
        {
            auto tx = p->store->begin();
            for (int k = 0; k < 2; ++k) {
                Annotation a;
                a.jobId = objects.id;
                a.itemId = p->ids[size_t(k)];
                a.payload.imageWidth = 20;
                a.payload.imageHeight = 20;
                Instance person;
                person.polygons = {{1, 1, 8, 1, 8, 8}};
                a.payload.instances.assign(size_t(k + 1), person); // 1 object, then 2
                GW_VERIFY_OK((*tx)->putAnnotation(a));
            }
            GW_VERIFY_OK((*tx)->commit());
        }
        GalleryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(p->store.get(), &p->job);
        auto row = [&](int i) { return model.index(model.rowOfItem(p->ids[size_t(i - 1)])); };
        QCOMPARE(row(1).data(Qt::DisplayRole).toString(), QStringLiteral("1.png"));
        QCOMPARE(row(1).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("cat"));
        QCOMPARE(row(1).data(GalleryModel::LabelColorRole).value<QColor>(), QColor(QStringLiteral("#1f77b4")));
        QCOMPARE(row(1).data(GalleryModel::SourceRole).toString(), QStringLiteral("human"));
        QVERIFY(!row(1).data(GalleryModel::ConfidenceRole).isValid());
        const QString tip = row(1).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("alice")) && tip.contains(QStringLiteral("img/1.png"))
                     && tip.contains(QStringLiteral("20 × 20")),
                 qPrintable(tip));
        QCOMPARE(row(3).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("dog"));
        QCOMPARE(row(3).data(GalleryModel::SourceRole).toString(), QStringLiteral("auto"));
        QCOMPARE(row(3).data(GalleryModel::ConfidenceRole).toDouble(), 0.93);
        QCOMPARE(row(5).data(GalleryModel::SourceRole).toString(), QStringLiteral("imported"));
        QVERIFY(row(6).data(GalleryModel::LabelTextRole).toString().isEmpty());
        QVERIFY(!row(6).data(GalleryModel::LabelColorRole).isValid());
        QVERIFY(!row(6).data(GalleryModel::SourceRole).isValid());
        QVERIFY(row(kMissing).data(GalleryModel::FlaggedRole).toBool());
        QVERIFY(row(kMissing).data(Qt::ToolTipRole).toString().contains(QStringLiteral("missing")));
        QVERIFY(!row(1).data(GalleryModel::FlaggedRole).toBool());
        QCOMPARE(model.rowOfItem(p->textId), -1);
        QCOMPARE(model.itemIdAt(0), p->ids[0]);

        model.setStore(p->store.get(), &boxes);
        QCOMPARE(model.index(0).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("3 boxes"));
        QCOMPARE(model.index(0).data(GalleryModel::LabelColorRole).value<QColor>(), QColor(QStringLiteral("#d62728")));

        // Instance segmentation: the objects are counted, not called empty.
        model.setStore(p->store.get(), &objects);
        QCOMPARE(row(1).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("1 object"));
        QCOMPARE(row(2).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("2 objects"));
        QCOMPARE(row(2).data(GalleryModel::LabelColorRole).value<QColor>(), QColor(QStringLiteral("#2ca02c")));
    }

    void refreshItemUpdatesTheLabel()
    {
        auto p = makeProject(40);
        GalleryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(p->store.get(), &p->job);
        const int64_t id = p->ids[5]; // image 6: unlabeled
        const int row = model.rowOfItem(id);
        QVERIFY(row >= 0);
        QVERIFY(model.index(row).data(GalleryModel::LabelTextRole).toString().isEmpty());
        {
            auto tx = p->store->begin();
            Annotation a;
            a.jobId = p->job.id;
            a.itemId = id;
            a.payload.classes = {0, 2};
            a.payload.classConfidence = {std::nullopt, std::nullopt};
            a.provenance.author = "carol";
            GW_VERIFY_OK((*tx)->putAnnotation(a));
            GW_VERIFY_OK((*tx)->commit());
        }
        // Nothing is read at paint time: the row shows the label it was loaded with until refreshed.
        QVERIFY(model.index(row).data(GalleryModel::LabelTextRole).toString().isEmpty());
        QSignalSpy changed(&model, &GalleryModel::dataChanged);
        model.refreshItem(id);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), row);
        QCOMPARE(model.index(row).data(GalleryModel::LabelTextRole).toString(), QStringLiteral("cat, bird"));
        QVERIFY(model.index(row).data(Qt::ToolTipRole).toString().contains(QStringLiteral("carol")));
        model.refreshItem(999999); // not loaded: nothing to do
        QCOMPARE(changed.count(), 1);
    }

    void thumbnailsArriveAndUnreadableFilesAreNotRetried()
    {
        auto p = makeProject(40);
        GalleryModel model;
        model.setStore(p->store.get(), &p->job);
        QSignalSpy changed(&model, &GalleryModel::dataChanged);
        const int big = model.rowOfItem(p->ids[1]);  // image 2: 400 × 300
        const int tiny = model.rowOfItem(p->ids[0]); // image 1: 20 × 20
        const int missing = model.rowOfItem(p->ids[kMissing - 1]);
        const int corrupt = model.rowOfItem(p->ids[kCorrupt - 1]);
        QVERIFY(decoration(model, big).isNull()); // not decoded yet: nothing, and a decode is queued
        QTRY_VERIFY(!decoration(model, big).isNull());
        QCOMPARE(decoration(model, big).size(), QSize(160, 120));
        QCOMPARE(QColor(decoration(model, big).pixel(80, 60)), QColor(Qt::blue));
        QTRY_VERIFY(!decoration(model, tiny).isNull());
        QCOMPARE(decoration(model, tiny).size(), QSize(160, 160)); // whole factor, pixels kept sharp
        QVERIFY(std::any_of(changed.begin(), changed.end(), [&](const QList<QVariant> &args) {
            return args.at(0).toModelIndex().row() == big
                   && args.at(2).value<QList<int>>().contains(Qt::DecorationRole);
        }));

        QVERIFY(model.index(corrupt).data(GalleryModel::FlaggedRole).toBool());
        QTRY_VERIFY(ui::ThumbnailCache::isPlaceholder(decoration(model, missing)));
        QTRY_VERIFY(ui::ThumbnailCache::isPlaceholder(decoration(model, corrupt)));
        QVERIFY(model.thumbnails()->hasFailed(p->ids[kCorrupt - 1]));
        // Painting them again and again decodes nothing again.
        const int64_t started = model.thumbnails()->stats().decodesStarted;
        for (int i = 0; i < 50; ++i) {
            decoration(model, missing);
            decoration(model, corrupt);
            decoration(model, big);
            QCoreApplication::processEvents();
        }
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(model.thumbnails()->stats().decodesStarted, started);
        QCOMPARE(model.thumbnails()->stats().failed, int64_t(2));
    }

    void newestRequestsFirstAndOldOnesDropped()
    {
        QTemporaryDir dir;
        for (int k = 0; k < 10; ++k)
            writePng(dir.path() + QStringLiteral("/%1.png").arg(k), {32, 32}, pngColor(k % 4));
        ui::ThumbnailCache cache;
        cache.setPathResolver([&](int64_t id) { return dir.path() + QStringLiteral("/%1.png").arg(id); });
        cache.setMaxInFlight(1);
        cache.setMaxQueued(3);
        QSignalSpy ready(&cache, &ui::ThumbnailCache::thumbnailReady);
        for (int64_t id = 0; id < 10; ++id)
            QVERIFY(cache.thumbnail(id).isNull());
        QCOMPARE(cache.stats().dropped, int64_t(7)); // scrolled away before anything was decoded
        cache.thumbnail(7); // painted again: first in line
        QTRY_COMPARE(ready.count(), 3);
        QCOMPARE(ready.at(0).at(0).value<int64_t>(), int64_t(7));
        QCOMPARE(ready.at(1).at(0).value<int64_t>(), int64_t(9));
        QCOMPARE(ready.at(2).at(0).value<int64_t>(), int64_t(8));
        QVERIFY(!cache.thumbnail(9).isNull());
        QVERIFY(cache.thumbnail(0).isNull()); // dropped, so asked again now
        QTRY_VERIFY(!cache.thumbnail(0).isNull());
    }

    void safeWhenDestroyedWhileDecoding()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("img"));
        writePng(dir.path() + QStringLiteral("/img/big.png"), {2500, 2500}, Qt::darkCyan);
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        {
            auto tx = s->begin();
            for (int i = 0; i < 100; ++i) {
                Item it;
                it.uri = "img/big.png";
                (void)(*tx)->addItem(it);
            }
            GW_VERIFY_OK((*tx)->commit());
        }
        auto model = std::make_unique<GalleryModel>();
        model->setStore(s.get(), nullptr);
        QPointer<ui::ThumbnailCache> cache = model->thumbnails();
        QObject receiver;
        int delivered = 0;
        connect(cache, &ui::ThumbnailCache::thumbnailReady, &receiver, [&] { ++delivered; });
        for (int r = 0; r < model->rowCount(); ++r)
            decoration(*model, r);
        QCoreApplication::processEvents(); // decodes start
        QVERIFY(cache->inFlightCount() > 0);
        const int before = delivered;
        model.reset(); // with decodes and the count still running
        QVERIFY(cache.isNull());
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents(); // their results would be delivered now
        QCoreApplication::processEvents();
        QCOMPARE(delivered, before);
    }

    void viewShowsTheGridAndFetchesAsItScrolls()
    {
        auto p = makeProject();
        GalleryModel model;
        model.setStore(p->store.get(), &p->job);
        ui::GalleryView view;
        view.setModel(&model);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.gridSize(), view.galleryDelegate()->cellSize(view.fontMetrics()));
        QVERIFY(view.uniformItemSizes());
        QCOMPARE(view.layoutMode(), QListView::Batched);

        // The first cell shows image 1 (green) once its thumbnail arrived.
        QTRY_VERIFY(!decoration(model, 0).isNull());
        QTRY_VERIFY(view.visualRect(model.index(0)).isValid());
        const QRect cell = view.visualRect(model.index(0));
        const QImage shot = view.viewport()->grab().toImage();
        const int edge = view.thumbnailEdge();
        const QPoint centre(cell.center().x(), cell.top() + 2 + 6 + edge / 2);
        QCOMPARE(QColor(shot.pixel(centre * shot.devicePixelRatio())), QColor(Qt::green));

        const int before = model.rowCount();
        QCOMPARE(before, GalleryModel::kPageSize);
        view.scrollToBottom();
        QTRY_VERIFY(model.rowCount() > before);
        // Changing the thumbnail size resizes the grid and the model's thumbnails.
        view.setThumbnailEdge(96);
        QCOMPARE(model.thumbnails()->thumbnailEdge(), 96);
        QCOMPARE(view.gridSize(), view.galleryDelegate()->cellSize(view.fontMetrics()));
        QTRY_VERIFY(!decoration(model, model.rowCount() - 1).isNull());
        QVERIFY(decoration(model, model.rowCount() - 1).width() <= 96);
    }
};

QTEST_MAIN(TestGallery)
#include "tst_gallery.moc"
