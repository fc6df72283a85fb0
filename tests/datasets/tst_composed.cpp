// The composed detection set (datasets/composed.h) on the real material: OpenCV's digits pasted onto the
// opencv-doc photos. Its answers must be exact (each box is its mask's extent, each mask is the class map's
// pixels of that digit), it must be the same for the same seed, never write into a folder with files, and
// read as boxes, class masks and objects by Groundwork's own COCO reader.

#include "datasets/composed.h"
#include "datasets/formats/raster.h"
#include "datasets/json.h"
#include "formatfixtures.h"

#include <QDir>
#include <QImage>
#include <QTemporaryDir>

#include <filesystem>

using namespace gw;
using namespace gw::datasets;
using namespace gw::test::formats;
namespace fs = std::filesystem;

namespace {

const std::string kDigits = "/usr/share/doc/opencv-doc/examples/data/digits.png";
const std::string kPhotos = "/usr/share/doc/opencv-doc/examples/data";

composed::Options options(const std::string &out, int count, uint64_t seed)
{
    composed::Options o;
    o.digitsPng = kDigits;
    o.photoDir = kPhotos;
    o.outDir = out;
    o.count = count;
    o.seed = seed;
    return o;
}

} // namespace

class TestComposed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!fs::exists(kDigits))
            QFAIL("opencv-doc is not installed (scripts/setup.sh installs it)");
    }

    void answersAreExact()
    {
        QTemporaryDir dir;
        const std::string out = test::path(dir, "set");
        auto r = composed::write(options(out, 40, 3));
        GW_VERIFY_OK(r);
        QCOMPARE(r->images, 40);
        QVERIFY(r->objects >= 40 && r->objects <= 200);
        QVERIFY(r->photos >= 20); // opencv-doc's photos of at least 256 × 256
        json::Value doc;
        QVERIFY(json::parse(test::readFile(out + "/annotations.json"), doc));
        QCOMPARE(doc.find("images")->toArray().size(), size_t(40));
        QCOMPARE(doc.find("categories")->toArray().size(), size_t(10));
        QCOMPARE(doc.find("annotations")->toArray().size(), size_t(r->objects));
        std::map<int64_t, int> perImage;
        for (const json::Value &a : doc.find("annotations")->toArray()) {
            const int64_t image = a.find("image_id")->toInt();
            const int cls = int(a.find("category_id")->toInt()) - 1;
            ++perImage[image];
            // The RLE's pixels: their extent is the box, their count the area, and the class map agrees.
            const json::Array &counts = a.find("segmentation")->find("counts")->toArray();
            std::vector<uint32_t> c;
            for (const json::Value &v : counts)
                c.push_back(uint32_t(v.toInt()));
            mask::IndexedMask own{256, 256, std::vector<uint8_t>(256 * 256, 0)};
            GW_VERIFY_OK(raster::fillRle(own, c, 1));
            const raster::PixelBox extent = raster::pixelBox(own, 1);
            const json::Array &bbox = a.find("bbox")->toArray();
            QCOMPARE(bbox[0].toInt(), int64_t(extent.x0));
            QCOMPARE(bbox[1].toInt(), int64_t(extent.y0));
            QCOMPARE(bbox[2].toInt(), int64_t(extent.x1 - extent.x0));
            QCOMPARE(bbox[3].toInt(), int64_t(extent.y1 - extent.y0));
            QCOMPARE(a.find("area")->toInt(), extent.area);
            QVERIFY(extent.y1 - extent.y0 >= 10); // digits are 24-96 px tall cells; their ink a little less
            char name[32];
            std::snprintf(name, sizeof name, "%05d.png", int(image - 1));
            const QImage classes(QString::fromStdString(out + "/masks/" + name));
            QCOMPARE(classes.size(), QSize(256, 256));
            for (int y = extent.y0; y < extent.y1; ++y)
                for (int x = extent.x0; x < extent.x1; ++x) {
                    const bool mine = own.pixels[size_t(y) * 256 + size_t(x)];
                    const int value = qGray(classes.pixel(x, y));
                    if (mine)
                        QCOMPARE(value, cls + 1);
                }
        }
        for (const auto &[image, n] : perImage)
            QVERIFY(n >= 1 && n <= 5);
        // The images are photos with something on them, not blank.
        const QImage first(QString::fromStdString(out + "/images/00000.jpg"));
        QCOMPARE(first.size(), QSize(256, 256));
    }

    void sameSeedSameSet()
    {
        QTemporaryDir dir;
        GW_VERIFY_OK(composed::write(options(test::path(dir, "a"), 6, 9)));
        GW_VERIFY_OK(composed::write(options(test::path(dir, "b"), 6, 9)));
        GW_VERIFY_OK(composed::write(options(test::path(dir, "c"), 6, 10)));
        QCOMPARE(test::readFile(test::path(dir, "a/annotations.json")), test::readFile(test::path(dir, "b/annotations.json")));
        QCOMPARE(test::readFile(test::path(dir, "a/images/00005.jpg")), test::readFile(test::path(dir, "b/images/00005.jpg")));
        QVERIFY(test::readFile(test::path(dir, "a/annotations.json")) != test::readFile(test::path(dir, "c/annotations.json")));
    }

    void neverWritesIntoAFolderWithFiles()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(QString::fromStdString(test::path(dir, "mine"))));
        test::writeFile(test::path(dir, "mine/notes.txt"), "keep me");
        auto r = composed::write(options(test::path(dir, "mine"), 2, 1));
        QVERIFY(!r);
        QVERIFY(r.error().message.find("not empty") != std::string::npos);
        QCOMPARE(test::readFile(test::path(dir, "mine/notes.txt")), std::string("keep me"));
        QVERIFY(!fs::exists(test::path(dir, "mine/images")));
        // Missing material is named.
        composed::Options o = options(test::path(dir, "x"), 2, 1);
        o.digitsPng = test::path(dir, "nowhere.png");
        r = composed::write(o);
        QVERIFY(!r && r.error().message.find("nowhere.png") != std::string::npos);
    }

    void readByGroundworksCocoReader()
    {
        QTemporaryDir dir;
        const std::string out = test::path(dir, "set");
        auto r = composed::write(options(out, 12, 5));
        GW_VERIFY_OK(r);
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto boxes = importFrom(*s, "coco", out + "/annotations.json", "digits", {{"task", "boxes"}});
        GW_VERIFY_OK(boxes);
        QCOMPARE(boxes->itemsAdded, int64_t(12));
        QCOMPARE(s->job("digits")->type, TaskType::BoundingBox);
        int64_t found = 0;
        (void)s->forEachAnnotation(s->job("digits")->id, [&](const Annotation &a) {
            found += int64_t(a.payload.boxes.size());
            return true;
        });
        QCOMPARE(found, int64_t(r->objects));
        auto objects = importFrom(*s, "coco", out + "/annotations.json", "digit-objects-ref", {{"task", "instances"}});
        GW_VERIFY_OK(objects);
        QCOMPARE(s->job("digit-objects-ref")->type, TaskType::InstanceSegmentation);
        auto masks = importFrom(*s, "coco", out + "/annotations.json", "digit-masks-ref", {{"task", "segmentation"}});
        GW_VERIFY_OK(masks);
        QCOMPARE(s->job("digit-masks-ref")->type, TaskType::SemanticSegmentation);
    }
};

QTEST_GUILESS_MAIN(TestComposed)
#include "tst_composed.moc"
