// Bringing media in: image folders with sizes from headers (EXIF orientation respected), bad files flagged,
// texts from .txt/.csv/.tsv/.jsonl, manifests all-or-nothing unless --skip-bad.

#include "datasets/importers.h"
#include "datasets/text/csv.h"
#include "datasets/media.h"
#include "testutil.h"

#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QTest>

#include <set>

using namespace gw;
using namespace gw::datasets;

namespace {

void writeImage(const std::string &path, int w, int h, const char *format)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::darkCyan);
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).path());
    QVERIFY(img.save(QString::fromStdString(path), format));
}

/// A JPEG whose EXIF orientation says "rotate 90° clockwise" (6): displayed h × w.
void writeRotatedJpeg(const std::string &path, int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::red);
    QByteArray jpeg;
    QBuffer buf(&jpeg);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "JPEG");
    const char app1[] = "\xFF\xE1\x00\x22"
                        "Exif\x00\x00"
                        "MM\x00\x2A\x00\x00\x00\x08"
                        "\x00\x01"
                        "\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00"
                        "\x00\x00\x00\x00";
    jpeg.insert(2, QByteArray(app1, sizeof app1 - 1));
    test::writeFile(path, jpeg.toStdString());
}

QStringList strings(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out << QString::fromUtf8(s);
    return out;
}

SourceOptions defaults()
{
    return SourceOptions();
}

} // namespace

class TestImporters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void imageHeaderAndExifOrientation()
    {
        QTemporaryDir dir;
        writeRotatedJpeg(test::path(dir, "r.jpg"), 40, 20);
        const auto info = media::readImageInfo(test::path(dir, "r.jpg"));
        QCOMPARE(info.flags, 0);
        QCOMPARE(info.width, 20);
        QCOMPARE(info.height, 40);
        writeImage(test::path(dir, "p.png"), 33, 17, "PNG");
        const auto png = media::readImageInfo(test::path(dir, "p.png"));
        QCOMPARE(png.width, 33);
        QCOMPARE(png.height, 17);
    }

    void folderImportIsRecursiveFlagsBadFilesAndStoresRelativePaths()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "media/a/1.png"), 10, 10, "PNG");
        writeImage(test::path(dir, "media/a/b/2.JPG"), 12, 8, "JPEG");
        writeImage(test::path(dir, "media/3.bmp"), 5, 6, "BMP");
        writeImage(test::path(dir, "media/4.tif"), 7, 7, "TIFF");
        test::writeFile(test::path(dir, "media/broken.jpg"), "this is no jpeg");
        test::writeFile(test::path(dir, "media/notes.txt"), "ignored");
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importPath(*store, test::path(dir, "media"), defaults());
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, int64_t(5));
        QCOMPARE(r->flagged, int64_t(1));
        QCOMPARE(r->warnings.size(), size_t(1));
        QVERIFY(r->warnings[0].find("broken.jpg") != std::string::npos);
        auto item = store->itemByUri("media/a/b/2.JPG");
        GW_VERIFY_OK(item);
        QVERIFY(item->has_value());
        QCOMPARE((*item)->width, 12);
        QCOMPARE((*item)->height, 8);
        auto broken = store->itemByUri("media/broken.jpg");
        QCOMPARE((*broken)->flags, int(ItemCorrupt));
        // Importing the folder again adds nothing twice.
        auto again = importPath(*store, test::path(dir, "media"), defaults());
        QCOMPARE(again->itemsAdded, int64_t(0));
        QCOMPARE(again->itemsMatched, int64_t(5));
    }

    void aFolderIsListedInNaturalOrderFolderByFolder()
    {
        // Names that sort differently by bytes and by number, and folders whose names begin like files':
        // each folder's names are sorted on their own, yet the order is that of sorting every path.
        QTemporaryDir dir;
        const char *files[] = {"m/img10.png", "m/img2.png", "m/img1.png", "m/img1/b.png", "m/img1/a10.png",
                               "m/img1/a9.png", "m/img1-x.png", "m/img01.png", "m/img1.5/c.png", "m/img1x.png",
                               "m/Z.png", "m/a.png", "m/a/0.png", "m/a0.png", "m/empty/", "m/b/deep/er/1.jpg",
                               "m/b.png", "m/img2/z.png", "m/notes.txt"};
        for (const char *f : files) {
            const std::string path = test::path(dir, f);
            if (path.back() == '/')
                QDir().mkpath(QString::fromStdString(path));
            else if (path.ends_with(".txt"))
                test::writeFile(path, "not an image");
            else
                writeImage(path, 2, 2, path.ends_with(".jpg") ? "JPEG" : "PNG");
        }
        const std::vector<std::string> expected = {
            "Z.png", "a.png", "a/0.png", "a0.png", "b.png", "b/deep/er/1.jpg", "img1-x.png", "img1.5/c.png",
            "img1.png", "img1/a9.png", "img1/a10.png", "img1/b.png", "img1x.png", "img01.png", "img2.png",
            "img2/z.png", "img10.png"};
        auto all = listFolder(test::path(dir, "m"), true, false);
        GW_VERIFY_OK(all);
        std::vector<std::string> relative;
        for (const std::string &f : *all)
            relative.push_back(f.substr(test::path(dir, "m/").size()));
        QCOMPARE(relative, expected);
        // The same order as sorting all the paths at once.
        std::vector<std::string> sorted = *all;
        std::sort(sorted.begin(), sorted.end(), naturalLess);
        QCOMPARE(sorted, *all);
        // The first few alone: the same ones, without reading the folders after them.
        for (size_t n : {size_t(1), size_t(3), size_t(7), size_t(12)}) {
            auto first = listFolder(test::path(dir, "m"), true, false, n);
            GW_VERIFY_OK(first);
            QCOMPARE(*first, std::vector<std::string>(all->begin(), all->begin() + long(n)));
        }
    }

    void aFolderIsIndexedChunkByChunkInNaturalOrder()
    {
        QTemporaryDir dir;
        for (int i = 1; i <= 150; ++i)
            writeImage(test::path(dir, ("shots/" + std::string(i % 3 ? "" : "sub/") + "s" + std::to_string(i) + ".png").c_str()),
                       3, 2, "PNG");
        test::writeFile(test::path(dir, "shots/broken7.png"), "no png");
        auto store = test::newProject(test::path(dir, "shots/shots.gwproj"));
        FolderIndexOptions options;
        options.firstChunk = 10;
        options.chunk = 40;
        std::vector<std::pair<int64_t, int64_t>> steps;
        options.committed = [&](int64_t done, int64_t total) {
            steps.emplace_back(done, total);
            // Each step is committed: another connection sees exactly that many items.
            auto other = ProjectStore::open(store->path(), ProjectStore::OpenMode::OpenExisting);
            QCOMPARE(*(*other)->countItems({}), done);
        };
        auto r = indexFolder(*store, test::path(dir, "shots"), options);
        GW_VERIFY_OK(r);
        const std::vector<std::pair<int64_t, int64_t>> expectedSteps = {
            {10, -1}, {50, 151}, {90, 151}, {130, 151}, {151, 151}};
        QCOMPARE(steps, expectedSteps);
        QCOMPARE(r->itemsAdded, int64_t(151));
        QCOMPARE(r->flagged, int64_t(1));
        QVERIFY(r->warnings.at(0).find("broken7.png") != std::string::npos);
        // Item order is the natural order of the whole folder, all in one import batch.
        auto files = listFolder(test::path(dir, "shots"), true, false);
        std::vector<std::string> uris;
        std::set<int64_t> batches;
        (void)store->forEachItem({}, [&](const Item &it) {
            uris.push_back(test::path(dir, "shots/") + it.uri);
            batches.insert(it.batch);
            return true;
        });
        QCOMPARE(uris, *files);
        QCOMPARE(batches.size(), size_t(1));
    }

    void aCancelledIndexingKeepsItsChunksAndFinishesWhenRunAgain()
    {
        QTemporaryDir dir;
        for (int i = 1; i <= 100; ++i)
            writeImage(test::path(dir, ("f/" + std::to_string(i) + ".jpg").c_str()), 3, 2, "JPEG");
        auto store = test::newProject(test::path(dir, "f/f.gwproj"));
        FolderIndexOptions options;
        options.firstChunk = 8;
        options.chunk = 30;
        bool stop = false;
        options.committed = [&](int64_t done, int64_t) { stop = done >= 38; };
        options.cancelled = [&] { return stop; };
        auto r = indexFolder(*store, test::path(dir, "f"), options);
        GW_VERIFY_OK(r);
        QVERIFY(r->cancelled);
        QCOMPARE(r->done, int64_t(38));
        QCOMPARE(r->files, int64_t(100));
        QCOMPARE(*store->countItems({}), int64_t(38));
        QCOMPARE(store->item(38)->uri, std::string("38.jpg"));
        // Again: the rest, nothing twice, in order.
        stop = false;
        options.committed = {};
        options.cancelled = {};
        auto again = indexFolder(*store, test::path(dir, "f"), options);
        GW_VERIFY_OK(again);
        QVERIFY(!again->cancelled);
        QCOMPARE(again->itemsAdded, int64_t(62));
        QCOMPARE(again->itemsMatched, int64_t(38));
        QCOMPARE(*store->countItems({}), int64_t(100));
        for (int64_t id = 1; id <= 100; ++id)
            QCOMPARE(store->item(id)->uri, std::to_string(id) + ".jpg");
        // Cancelled before anything: nothing written.
        QTemporaryDir other;
        writeImage(test::path(other, "g/1.png"), 2, 2, "PNG");
        auto empty = test::newProject(test::path(other, "g/g.gwproj"));
        options.cancelled = [] { return true; };
        auto none = indexFolder(*empty, test::path(other, "g"), options);
        GW_VERIFY_OK(none);
        QVERIFY(none->cancelled);
        QCOMPARE(*empty->countItems({}), int64_t(0));
    }

    void mediaOutsideTheProjectFolderAreAbsolute()
    {
        QTemporaryDir media, project;
        writeImage(test::path(media, "x.png"), 4, 4, "PNG");
        auto store = test::newProject(test::path(project, "p.gwproj"));
        GW_VERIFY_OK(importPath(*store, test::path(media, "x.png"), defaults()));
        auto item = store->item(1);
        QCOMPARE(item->uri, test::path(media, "x.png"));
    }

    void manifestWithMissingImagesFlagsThem()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "img/ok.png"), 9, 9, "PNG");
        test::writeFile(test::path(dir, "in.manifest"),
                        "{\"source-ref\":\"img/ok.png\",\"camera\":\"north\"}\r\n"
                        "{\"source-ref\":\"img/gone.png\"}\n"
                        "\n"
                        "{\"source-ref\":\"s3://bucket/remote.jpg\"}");
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importPath(*store, test::path(dir, "in.manifest"), defaults());
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, int64_t(3));
        QCOMPARE(r->flagged, int64_t(1));
        QVERIFY(r->warnings.at(0).find("in.manifest:2:") != std::string::npos);
        QCOMPARE(store->item(1)->extra, std::string(R"({"camera":"north"})"));
        QCOMPARE(store->item(1)->width, 9);
        QCOMPARE(store->item(3)->uri, std::string("s3://bucket/remote.jpg"));
    }

    void malformedLineFailsTheWholeFileUnlessSkipBad()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "in.manifest"), "{\"source\":\"one\"}\n"
                                                        "{\"source\":\"two\"\n"
                                                        "{\"source\":\"three\"}\n"
                                                        "[1,2]\n");
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importPath(*store, test::path(dir, "in.manifest"), defaults());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("in.manifest:2: invalid JSON at column 16") != std::string::npos,
                 r.error().message.c_str());
        QCOMPARE(*store->countItems({}), int64_t(0));
        SourceOptions skip;
        skip.skipBad = true;
        auto s = importPath(*store, test::path(dir, "in.manifest"), skip);
        GW_VERIFY_OK(s);
        QCOMPARE(s->itemsAdded, int64_t(2));
        QCOMPARE(s->skipped.size(), size_t(2));
        QVERIFY(s->skipped[1].find("in.manifest:4: a manifest line must be a JSON object") != std::string::npos);
    }

    void textFiles()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        test::writeFile(test::path(dir, "lines.txt"), "\xEF\xBB\xBF" "first\r\nsecond\n\nthird");
        auto txt = importPath(*store, test::path(dir, "lines.txt"), defaults());
        GW_VERIFY_OK(txt);
        QCOMPARE(txt->itemsAdded, int64_t(3));
        QCOMPARE(store->item(1)->text, std::string("first"));

        test::writeFile(test::path(dir, "data.csv"), "id,text,label\n"
                                                    "1,\"Hello, world\",greet\n"
                                                    "2,\"multi\nline \"\"quoted\"\"\",other\n");
        auto csv = importPath(*store, test::path(dir, "data.csv"), defaults());
        GW_VERIFY_OK(csv);
        QCOMPARE(csv->itemsAdded, int64_t(2));
        QCOMPARE(store->item(4)->text, std::string("Hello, world"));
        QCOMPARE(store->item(5)->text, std::string("multi\nline \"quoted\""));
        QCOMPARE(store->item(5)->extra, std::string(R"({"id":"2","label":"other"})"));

        test::writeFile(test::path(dir, "data.tsv"), "review\tstars\nGood value\t5\n");
        SourceOptions tsv;
        auto noColumn = importPath(*store, test::path(dir, "data.tsv"), tsv);
        QVERIFY(!noColumn);
        QVERIFY(noColumn.error().message.find("columns: review, stars") != std::string::npos);
        tsv.column = "review";
        GW_VERIFY_OK(importPath(*store, test::path(dir, "data.tsv"), tsv));
        QCOMPARE(store->item(6)->text, std::string("Good value"));

        test::writeFile(test::path(dir, "t.jsonl"), "{\"body\":\"Zoë 東京 🎉\",\"section\":\"net\"}\n{\"body\":3}\n");
        SourceOptions jsonl;
        jsonl.field = "body";
        auto bad = importPath(*store, test::path(dir, "t.jsonl"), jsonl);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.find("t.jsonl:2: field 'body' is not a string") != std::string::npos);
        jsonl.skipBad = true;
        GW_VERIFY_OK(importPath(*store, test::path(dir, "t.jsonl"), jsonl));
        QCOMPARE(store->item(7)->text, std::string("Zoë 東京 🎉"));
        QCOMPARE(store->item(7)->extra, std::string(R"({"section":"net"})"));

        SourceOptions perFile;
        perFile.txtMode = SourceOptions::TxtMode::File;
        GW_VERIFY_OK(importPath(*store, test::path(dir, "lines.txt"), perFile));
        QCOMPARE(store->item(8)->text, std::string("first\r\nsecond\n\nthird"));
    }

    void csvRecordSplitting_data()
    {
        QTest::addColumn<QString>("record");
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<int>("state"); // csv::Split::State
        const int ok = int(csv::Split::State::Complete), open = int(csv::Split::State::Incomplete),
                  bad = int(csv::Split::State::Invalid);
        QTest::newRow("plain") << QStringLiteral("a,b,c") << strings({"a", "b", "c"}) << ok;
        QTest::newRow("empty fields") << QStringLiteral(",,") << strings({"", "", ""}) << ok;
        QTest::newRow("quoted comma") << QStringLiteral("\"a,b\",c") << strings({"a,b", "c"}) << ok;
        QTest::newRow("doubled quote") << QStringLiteral("\"say \"\"hi\"\"\"") << strings({"say \"hi\""}) << ok;
        QTest::newRow("quoted line break") << QStringLiteral("\"a\nb\",c") << strings({"a\nb", "c"}) << ok;
        QTest::newRow("crlf") << QStringLiteral("a,\"b\"\r") << strings({"a", "b"}) << ok;
        QTest::newRow("open quote") << QStringLiteral("\"unfinished,") << QStringList{} << open;
        QTest::newRow("quote inside a plain field") << QStringLiteral("5\" screen,b") << QStringList{} << bad;
        QTest::newRow("text after the closing quote") << QStringLiteral("\"a\"b,c") << QStringList{} << bad;
        // Two rows merged by a stray quote: the second row's quote closes the first one's, text follows.
        QTest::newRow("merged rows") << QStringLiteral("a,\"b\nc,\"d") << QStringList{} << bad;
    }
    void csvRecordSplitting()
    {
        QFETCH(QString, record);
        QFETCH(QStringList, fields);
        QFETCH(int, state);
        std::vector<std::string> out;
        QCOMPARE(int(csv::split(record.toStdString(), ',', out).state), state);
        if (state != int(csv::Split::State::Complete))
            return;
        QStringList got;
        for (const auto &f : out)
            got << QString::fromStdString(f);
        QCOMPARE(got, fields);
    }
};

QTEST_GUILESS_MAIN(TestImporters)
#include "tst_importers.moc"
