// The box detector (models.h BoxDetector, activelearning/torch/detector.cpp) trained for real on the composed
// digits (datasets/composed.h: OpenCV's handwritten digits on opencv-doc photos, exact boxes): it must learn
// to find them on images it has not seen, by Ground Truth's per-image mean IoU (imagepass.h), and its answer
// on the mirror image must come back mirrored.

#include "activelearning/imagepass.h"
#include "activelearning/models.h"
#include "datasets/composed.h"
#include "datasets/json.h"
#include "testutil.h"

#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace gw;
using namespace gw::activelearning;
namespace gwtest = gw::test;

namespace {

const std::string kDigits = "/usr/share/doc/opencv-doc/examples/data/digits.png";

struct Composed
{
    std::shared_ptr<ImageInputs> inputs;
    std::vector<ImageBoxList> boxes;
};

/// A composed set of n images of side × side, read back as the detector's inputs and boxes.
Composed compose(const std::string &dir, int n, int side, uint64_t seed)
{
    datasets::composed::Options o;
    o.digitsPng = kDigits;
    o.photoDir = std::filesystem::path(kDigits).parent_path().string();
    o.outDir = dir;
    o.count = n;
    o.side = side;
    o.minHeight = side / 8;
    o.maxHeight = side * 3 / 8;
    o.seed = seed;
    auto written = datasets::composed::write(o);
    if (!written)
        qFatal("%s", written.error().message.c_str());
    Composed c;
    c.inputs = std::make_shared<ImageInputs>();
    c.inputs->channels = 3;
    c.inputs->height = c.inputs->width = side;
    c.boxes.resize(size_t(n));
    json::Value doc;
    if (!json::parse(gwtest::readFile(dir + "/annotations.json"), doc))
        qFatal("annotations.json does not parse");
    for (const json::Value &img : doc.find("images")->toArray()) {
        const QImage image = QImage(QString::fromStdString(dir + "/" + img.find("file_name")->toString()))
                                 .convertToFormat(QImage::Format_RGB888);
        for (int ch = 0; ch < 3; ++ch)
            for (int y = 0; y < side; ++y)
                for (int x = 0; x < side; ++x)
                    c.inputs->pixels.push_back(float(image.constScanLine(y)[x * 3 + ch]) / 255.0F);
    }
    for (const json::Value &a : doc.find("annotations")->toArray()) {
        const json::Array &b = a.find("bbox")->toArray();
        c.boxes[size_t(a.find("image_id")->toInt() - 1)].push_back(
            {int(a.find("category_id")->toInt() - 1), float(b[0].toDouble()), float(b[1].toDouble()),
             float(b[2].toDouble()), float(b[3].toDouble()), 1});
    }
    return c;
}

std::vector<datasets::Box> asBoxes(const ImageBoxList &list)
{
    std::vector<datasets::Box> out;
    for (const FoundBox &b : list)
        out.push_back({b.cls, b.left, b.top, b.width, b.height, b.score});
    return out;
}

} // namespace

class TestDetector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void learnsToFindDigitsOnPhotos()
    {
        if (!std::filesystem::exists(kDigits))
            QFAIL("opencv-doc is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        const Composed set = compose(gwtest::path(dir, "set"), 400, 128, 21);
        std::vector<int> trainRows, valRows;
        std::vector<ImageBoxList> trainBoxes, valBoxes;
        for (int i = 0; i < 400; ++i) {
            (i < 320 ? trainRows : valRows).push_back(i);
            (i < 320 ? trainBoxes : valBoxes).push_back(set.boxes[size_t(i)]);
        }
        auto detector = makeBoxDetector(set.inputs);
        GW_VERIFY_OK(detector);
        ModelOptions options;
        options.seed = 3;
        options.maxEpochs = 25;
        options.patience = 5;
        auto report = (*detector)->train(trainRows, trainBoxes, valRows, valBoxes, 10, options);
        GW_VERIFY_OK(report);
        const float minScore = 0.2F;
        auto found = (*detector)->detect(valRows, false, minScore);
        GW_VERIFY_OK(found);
        auto mirrored = (*detector)->detect(valRows, true, minScore);
        GW_VERIFY_OK(mirrored);
        QCOMPARE(found->size(), valRows.size());
        double iou = 0, located = 0, agreement = 0;
        int passed = 0;
        auto anyClass = [](ImageBoxList list) {
            for (FoundBox &b : list)
                b.cls = 0;
            return asBoxes(list);
        };
        for (size_t i = 0; i < valRows.size(); ++i) {
            const double one = imageBoxIoU(asBoxes((*found)[i]), asBoxes(valBoxes[i]));
            iou += one;
            passed += one >= kBoxPassIoU;
            located += imageBoxIoU(anyClass((*found)[i]), anyClass(valBoxes[i])); // where, whatever the class
            // Mirrored back: in the picture, and where the unmirrored answer is (0, 1 and 8 look alike mirrored).
            for (const FoundBox &b : (*mirrored)[i])
                QVERIFY(b.left > -8 && b.left + b.width < 128 + 8);
            agreement += imageBoxIoU(anyClass((*found)[i]), anyClass((*mirrored)[i]));
        }
        const double n = double(valRows.size());
        qInfo("%d epochs (best %d) in %.1f s; on 80 new images: mean IoU %.3f (%.3f ignoring the class), "
              "%d of 80 pass at 0.6; where the mirror image's boxes agree %.3f",
              report->epochs, report->bestEpoch, report->seconds, iou / n, located / n, passed, agreement / n);
        // Far from good enough to label with (the classes above all), but it learns: an untrained one finds
        // nothing near the digits (about 0).
        QVERIFY(located / n > 0.3);
        QVERIFY(iou / n > 0.04);
        QVERIFY(agreement / n > 0.1);
    }

    void refusesWhatItCannotUse()
    {
        auto inputs = std::make_shared<ImageInputs>();
        inputs->channels = 3;
        inputs->height = inputs->width = 20; // not a multiple of 8
        inputs->pixels.assign(3 * 20 * 20, 0.5F);
        auto detector = makeBoxDetector(inputs);
        GW_VERIFY_OK(detector);
        auto r = (*detector)->train({0}, {{}}, {}, {}, 2, ModelOptions{});
        QVERIFY(!r && r.error().message.find("multiple of 8") != std::string::npos);
        QVERIFY(!(*detector)->detect({0}));
        inputs->height = inputs->width = 16;
        inputs->pixels.assign(3 * 16 * 16, 0.5F);
        auto other = makeBoxDetector(inputs);
        r = (*other)->train({3}, {{}}, {}, {}, 2, ModelOptions{});
        QVERIFY(!r && r.error().message.find("row 3") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestDetector)
#include "tst_detector.moc"
