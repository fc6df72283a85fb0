// Ground Truth manifests: golden output manifests for every task type go in and come out as the same JSON
// objects; the rules of the reference (names, dates, numbers, masks) hold.

#include "datasets/groundtruth.h"
#include "datasets/json.h"
#include "datasets/manifest.h"
#include "datasets/mask.h"
#include "testutil.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

#include <sstream>

using namespace gw;
using namespace gw::datasets;

namespace {

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

/// Copies a golden folder into dir (masks are referenced relative to the manifest).
void copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = to + src.mid(from.size());
        QDir().mkpath(QFileInfo(dst).path());
        QFile::copy(src, dst);
    }
}

} // namespace

class TestGroundTruth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goldenRoundTrip_data()
    {
        QTest::addColumn<QString>("folder");
        const QDir root(test::goldenDir() + QStringLiteral("/groundtruth"));
        for (const QString &d : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QTest::newRow(qPrintable(d)) << root.filePath(d);
        QVERIFY(root.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() >= 8);
    }
    void goldenRoundTrip()
    {
        QFETCH(QString, folder);
        QTemporaryDir dir;
        copyTree(folder, dir.path());
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        ImportOptions in;
        auto imported = importManifest(*store, test::path(dir, "output.manifest"), in);
        GW_VERIFY_OK(imported);
        QVERIFY(imported->labels > 0);
        QVERIFY2(imported->skipped.empty(), "nothing is skipped");

        ExportOptions out;
        out.outPath = test::path(dir, "exported.manifest");
        GW_VERIFY_OK(exportManifest(*store, out));

        const std::string expectedText = test::readFile(test::path(dir, "output.manifest"));
        const std::string actualText = test::readFile(out.outPath);
        QVERIFY(actualText.ends_with("\n"));
        const auto expected = lines(expectedText), actual = lines(actualText);
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            json::Value e, a;
            QVERIFY(json::parse(expected[i], e));
            QVERIFY2(json::parse(actual[i], a), actual[i].c_str());
            QVERIFY2(json::equalIgnoringOrder(e, a),
                     qPrintable(QStringLiteral("line %1\nexpected %2\nactual   %3")
                                    .arg(i + 1)
                                    .arg(QString::fromStdString(expected[i]), QString::fromStdString(actual[i]))));
            // Compact, as Ground Truth writes it: the same bytes once keys are in the same order.
            QCOMPARE(QString::fromStdString(actual[i]).size(), QString::fromStdString(expected[i]).size());
        }
    }

    void exportingTwiceIsByteIdentical()
    {
        QTemporaryDir dir;
        copyTree(test::goldenDir() + QStringLiteral("/groundtruth/chained"), dir.path());
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importManifest(*store, test::path(dir, "output.manifest"), {}));
        ExportOptions a, b;
        a.outPath = test::path(dir, "a.manifest");
        b.outPath = test::path(dir, "b.manifest");
        GW_VERIFY_OK(exportManifest(*store, a));
        GW_VERIFY_OK(exportManifest(*store, b));
        QCOMPARE(test::readFile(a.outPath), test::readFile(b.outPath));
        // Unknown label attributes (verification) stay on the line, untouched.
        QVERIFY(test::readFile(a.outPath).find(R"("worker-feedback":[{"comment":"Box on the left bird is too wide."}])")
                != std::string::npos);
    }

    void creationDate_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("us");
        QTest::newRow("ground truth form") << QStringLiteral("2019-04-18T16:40:59.217995") << qint64(1555605659217995);
        QTest::newRow("zulu millis") << QStringLiteral("2019-04-18T16:40:59.217Z") << qint64(1555605659217000);
        QTest::newRow("offset") << QStringLiteral("2019-04-18T18:40:59+0200") << qint64(1555605659000000);
        QTest::newRow("colon offset") << QStringLiteral("2019-04-18T16:40:59.5+00:00") << qint64(1555605659500000);
    }
    void creationDate()
    {
        QFETCH(QString, text);
        QFETCH(qint64, us);
        QCOMPARE(gt::parseCreationDate(text.toStdString()).value_or(-1), us);
        QCOMPARE(gt::formatCreationDate(1555605659217995), std::string("2019-04-18T16:40:59.217995"));
        QVERIFY(!gt::parseCreationDate("yesterday"));
    }

    void labelAttributeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("valid");
        const int cls = int(TaskType::ImageClassification), seg = int(TaskType::SemanticSegmentation);
        QTest::newRow("plain") << QStringLiteral("animal") << cls << true;
        QTest::newRow("hyphens") << QStringLiteral("my-job-2") << cls << true;
        QTest::newRow("underscore") << QStringLiteral("my_job") << cls << false;
        QTest::newRow("leading hyphen") << QStringLiteral("-job") << cls << false;
        QTest::newRow("trailing hyphen") << QStringLiteral("job-") << cls << false;
        QTest::newRow("metadata suffix") << QStringLiteral("job-metadata") << cls << false;
        QTest::newRow("reserved source") << QStringLiteral("source") << cls << false;
        QTest::newRow("reserved source-ref") << QStringLiteral("source-ref") << seg << false;
        QTest::newRow("segmentation needs -ref") << QStringLiteral("road") << seg << false;
        QTest::newRow("segmentation -ref") << QStringLiteral("road-ref") << seg << true;
        QTest::newRow("-ref only for segmentation") << QStringLiteral("boxes-ref") << cls << false;
        QTest::newRow("127 characters") << QString(127, QLatin1Char('a')) << cls << true;
        QTest::newRow("128 characters") << QString(128, QLatin1Char('a')) << cls << false;
    }
    void labelAttributeNames()
    {
        QFETCH(QString, name);
        QFETCH(int, type);
        QFETCH(bool, valid);
        const std::string msg = validateLabelAttributeName(name.toStdString(), TaskType(type));
        QCOMPARE(msg.empty(), valid);
    }

    void editedMaskIsWrittenAsPalettePngInGroundTruthIndices()
    {
        QTemporaryDir dir;
        copyTree(test::goldenDir() + QStringLiteral("/groundtruth/semantic-segmentation"), dir.path());
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importManifest(*store, test::path(dir, "output.manifest"), {}));
        // Remove the first class so ids and Ground Truth positions differ: the old file cannot be referenced.
        auto job = store->job("road-seg-ref");
        GW_VERIFY_OK(job);
        QCOMPARE(job->classes.size(), size_t(2));
        GW_VERIFY_OK(store->removeClass(job->id, job->classByName("road")->id, std::nullopt, "t"));
        ExportOptions out;
        out.outPath = test::path(dir, "after.manifest");
        auto r = exportManifest(*store, out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->masksWritten, int64_t(1));
        json::Value first;
        QVERIFY(json::parse(lines(test::readFile(out.outPath)).at(0), first));
        const std::string ref = first.find("road-seg-ref")->toString();
        QCOMPARE(ref, std::string("after.masks/1.png"));
        auto m = mask::decode(test::readFile(test::path(dir, "after.masks/1.png")));
        GW_VERIFY_OK(m);
        // Golden mask: rows 4-5 road (now background), top-right block car (now class 1 at index 1).
        QCOMPARE(int(m->pixels[size_t(0 * 8 + 6)]), 1);
        QCOMPARE(int(m->pixels[size_t(5 * 8 + 0)]), 0);
        const json::Value *cmap = first.find("road-seg-ref-metadata")->find("internal-color-map");
        QCOMPARE(cmap->find("1")->find("class-name")->toString(), std::string("car"));
        QVERIFY(!cmap->find("2"));
    }

    void badLabelsAreClearErrors_data();
    void badLabelsAreClearErrors()
    {
        QFETCH(QString, line);
        QFETCH(QString, message);
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        test::writeFile(test::path(dir, "m.manifest"), line.toStdString() + "\n");
        auto r = importManifest(*store, test::path(dir, "m.manifest"), {});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Invalid);
        QVERIFY2(QString::fromStdString(r.error().message).contains(message), r.error().message.c_str());
        QVERIFY(QString::fromStdString(r.error().message).contains(QStringLiteral("m.manifest:")));
        QCOMPARE(*store->countItems({}), int64_t(0)); // nothing half-imported
    }
};

// Out of the class and hidden from moc, which misreads raw strings spliced with others.
#ifndef Q_MOC_RUN
void TestGroundTruth::badLabelsAreClearErrors_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("box outside image")
        << QStringLiteral(R"({"source-ref":"s3://b/x.jpg","b":{"image_size":[{"width":100,"height":50,"depth":3}],"annotations":[{"class_id":0,"left":90,"top":0,"width":20,"height":10}]},"b-metadata":{"objects":[{"confidence":0}],"class-map":{"0":"car"},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2020-01-01T00:00:00.000000","job-name":"labeling-job/b"}})")
        << QStringLiteral("outside the 100x50 image");
    QTest::newRow("span outside text")
        << QStringLiteral(R"({"source":"short","n":{"annotations":{"entities":[{"label":"X","startOffset":2,"endOffset":9}],"labels":[{"label":"X"}]}},"n-metadata":{"entities":[{"confidence":0}],"type":"groundtruth/text-span","human-annotated":"yes","creation-date":"2020-01-01T00:00:00.000000","job-name":"labeling-job/n"}})")
        << QStringLiteral("outside the text of 5 characters");
    QTest::newRow("invalid attribute name")
        << QStringLiteral(R"({"source-ref":"s3://b/x.jpg","bad_name":0,"bad_name-metadata":{"class-name":"a","type":"groundtruth/image-classification"}})")
        << QStringLiteral("not a valid label attribute name");
    QTest::newRow("neither source")
        << QStringLiteral(R"({"image":"s3://b/x.jpg"})") << QStringLiteral("neither 'source-ref' nor 'source'");
    QTest::newRow("inconsistent class index")
        << QStringLiteral(R"({"source-ref":"s3://b/x.jpg","c":0,"c-metadata":{"class-name":"a","type":"groundtruth/image-classification"}})" "\n"
                          R"({"source-ref":"s3://b/y.jpg","c":0,"c-metadata":{"class-name":"b","type":"groundtruth/image-classification"}})")
        << QStringLiteral("m.manifest:2: label 'c': class 0 is named 'b' here but 'a' earlier");
    // An index beyond int's range is no class (it used to wrap around to class 0, or was undefined).
    QTest::newRow("class index out of range")
        << QStringLiteral(R"({"source-ref":"s3://b/x.jpg","c":4294967296,"c-metadata":{"class-name":"a","type":"groundtruth/image-classification"}})")
        << QStringLiteral("must be a class index");
    QTest::newRow("class index 1e300")
        << QStringLiteral(R"({"source-ref":"s3://b/x.jpg","c":1e300,"c-metadata":{"class-name":"a","type":"groundtruth/image-classification"}})")
        << QStringLiteral("must be a class index");
}
#endif

QTEST_GUILESS_MAIN(TestGroundTruth)
#include "tst_groundtruth.moc"
