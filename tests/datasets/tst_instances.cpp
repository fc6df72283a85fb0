// Instance segmentation: objects stored and compared, the conversions between task types, every format that
// carries objects (COCO, LabelMe, YOLO, the Ground Truth manifest) round trip, and LabelMe's own instance
// examples against what labelme2coco made of them.

#include "datasets/convertjob.h"
#include "datasets/eda.h"
#include "datasets/formats/raster.h"
#include "datasets/groundtruth.h"
#include "datasets/json.h"
#include "datasets/instances.h"
#include "datasets/payload.h"
#include "formatfixtures.h"

#include <QDir>
#include <QTemporaryDir>

#include <cmath>

using namespace gw::datasets;
namespace json = gw::json;
using namespace gw::test::formats;
namespace gwtest = gw::test;

namespace {

Instance outline(int cls, std::vector<std::vector<double>> polygons, std::vector<std::vector<double>> holes = {})
{
    Instance i;
    i.classId = cls;
    i.polygons = std::move(polygons);
    i.holes = std::move(holes);
    return i;
}

/// Four objects on a 37 × 23 image: two parts of one object, an object with a hole, a painted one (a ring of
/// pixels no polygon drew) and an object partly under a later one.
Payload sample()
{
    Payload p;
    p.imageWidth = 37;
    p.imageHeight = 23;
    p.imageDepth = 3;
    p.instances.push_back(outline(0, {{1, 1, 6, 1, 6, 5, 1, 5}, {8.5, 2, 12, 2.5, 10, 7}}));
    p.instances.push_back(outline(1, {{14, 2, 30, 2, 30, 15, 14, 15}}, {{18, 5, 24, 5, 24, 10, 18, 10}}));
    mask::IndexedMask ring{37, 23, std::vector<uint8_t>(37 * 23, 0)};
    raster::fillCircle(ring, {8, 16}, 5.2, 1);
    raster::fillCircle(ring, {8, 16}, 2.1, 0);
    Instance painted = instances::fromBinary(ring, 2, false);
    painted.confidence = 0.75;
    p.instances.push_back(painted);
    p.instances.push_back(outline(0, {{25, 12, 36, 12, 36, 22, 25, 22}})); // over the second object's corner
    return p;
}

std::vector<std::vector<uint8_t>> objectPixels(const Payload &p)
{
    std::vector<std::vector<uint8_t>> out;
    for (const Instance &i : p.instances)
        out.push_back(instances::binary(i, p.imageWidth, p.imageHeight)->pixels);
    return out;
}

/// The one label of a job in a project.
Payload onlyLabel(const ProjectStore &s, const std::string &job)
{
    std::vector<Payload> all;
    (void)s.forEachAnnotation(s.job(job)->id, [&](const Annotation &a) {
        all.push_back(a.payload);
        return true;
    });
    if (all.size() != 1)
        qFatal("job %s has %zu labels", job.c_str(), all.size());
    return all.front();
}

std::vector<std::string> classNames(const ProjectStore &s, const std::string &job, const Payload &p)
{
    std::vector<std::string> names;
    for (const Instance &i : p.instances)
        names.push_back(className(s, job, i.classId));
    return names;
}

} // namespace

class TestInstances : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storedAndCompared()
    {
        const Payload p = sample();
        auto back = decodePayload(encodePayload(p), {});
        GW_VERIFY_OK(back);
        QCOMPARE(back->instances.size(), size_t(4));
        QVERIFY(sameLabel(p, *back));
        QCOMPARE(back->instances[2].confidence, std::optional<double>(0.75));
        QCOMPARE(back->instances[1].holes, p.instances[1].holes);
        QCOMPARE(back->imageWidth, 37);
        QCOMPARE(*storedClassList(p), std::string("[0,1,2]"));
        Payload moved = p;
        moved.instances[0].polygons[1][0] += 1;
        QVERIFY(!sameLabel(p, moved));
        Payload reordered = p;
        std::swap(reordered.instances[0], reordered.instances[3]); // drawing order is part of the label
        QVERIFY(!sameLabel(p, reordered));
        QCOMPARE(payloadClassIds(p), (std::vector<int>{0, 1, 2}));
    }

    void pixelsOfAnObject()
    {
        const Payload p = sample();
        // The hole is cut out: 17 × 13 pixels minus 6 × 5.
        auto hollow = instances::extent(p.instances[1], 37, 23);
        GW_VERIFY_OK(hollow);
        QCOMPARE(hollow->area, int64_t(16 * 13 - 6 * 5));
        QCOMPARE(hollow->x0, 14);
        QCOMPARE(hollow->x1, 30);
        // Two parts: the rectangle's 5 × 4 pixels and the triangle's.
        auto parts = instances::binary(p.instances[0], 37, 23);
        GW_VERIFY_OK(parts);
        QVERIFY(parts->pixels[size_t(2 * 37 + 2)]);
        QVERIFY(parts->pixels[size_t(3 * 37 + 10)]);
        QVERIFY(!parts->pixels[size_t(3 * 37 + 7)]);
        // Traced back from pixels, as outlines or painted: the same pixels.
        for (const auto &own : objectPixels(p)) {
            mask::IndexedMask m{37, 23, own};
            for (bool polygons : {true, false})
                QCOMPARE(instances::binary(instances::fromBinary(m, 5, polygons), 37, 23)->pixels, own);
        }
    }

    void conversions()
    {
        const Payload p = sample();
        // Objects → class map: later objects on top.
        auto map = instances::classMap(p, 37, 23);
        GW_VERIFY_OK(map);
        QCOMPARE(int(map->pixels[size_t(14 * 37 + 28)]), 0 + 1); // the last object covers the second's corner
        QCOMPARE(int(map->pixels[size_t(3 * 37 + 15)]), 1 + 1);
        QCOMPARE(int(map->pixels[size_t(7 * 37 + 20)]), 0);      // in the hole
        QCOMPARE(int(map->pixels[size_t(16 * 37 + 8)]), 0);      // in the ring's middle
        QCOMPARE(int(map->pixels[size_t(16 * 37 + 12)]), 2 + 1);
        // Objects → boxes, each its pixels' tight box.
        auto boxes = instances::boxes(p, 37, 23);
        GW_VERIFY_OK(boxes);
        QCOMPARE(boxes->size(), size_t(4));
        QCOMPARE((*boxes)[1].left, 14.0);
        QCOMPARE((*boxes)[1].width, 16.0);
        QCOMPARE((*boxes)[1].height, 13.0);
        QCOMPARE((*boxes)[2].confidence, std::optional<double>(0.75));
        // The quick boxes for statistics are within a pixel of them.
        const std::vector<Box> quick = instances::outlineBoxes(p);
        QCOMPARE(quick.size(), size_t(4));
        for (size_t i = 0; i < 4; ++i) {
            QVERIFY(std::abs(quick[i].left - (*boxes)[i].left) <= 1);
            QVERIFY(std::abs(quick[i].left + quick[i].width - (*boxes)[i].left - (*boxes)[i].width) <= 1);
            QVERIFY(std::abs(quick[i].top + quick[i].height - (*boxes)[i].top - (*boxes)[i].height) <= 1);
        }
        // Class map → objects: one per 4-connected region of a class, giving back the class map.
        const std::vector<Instance> regions = instances::fromClassMap(*map);
        Payload fromMap;
        fromMap.instances = regions;
        QCOMPARE(instances::classMap(fromMap, 37, 23)->pixels, map->pixels);
        QCOMPARE(std::count_if(regions.begin(), regions.end(), [](const Instance &i) { return i.classId == 0; }),
                 long(3)); // the rectangle, the triangle and the last object
    }

    void validatedAgainstTheImage()
    {
        Job job = makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}});
        Item item;
        item.width = 37;
        item.height = 23;
        QCOMPARE(gt::validatePayload(job, item, sample()), std::string());
        Payload outside = sample();
        outside.instances[3].polygons[0][2] = 40;
        QVERIFY(gt::validatePayload(job, item, outside).find("outside the 37 × 23 image") != std::string::npos);
        Payload twoPoints = sample();
        twoPoints.instances[0].polygons[1] = {1, 1, 2, 2};
        QVERIFY(gt::validatePayload(job, item, twoPoints).find("at least 3 points") != std::string::npos);
        Payload badPixels = sample();
        badPixels.instances[2].rle = "1";
        QVERIFY(!gt::validatePayload(job, item, badPixels).empty());
        Payload unknown = sample();
        unknown.instances[0].classId = 9;
        QVERIFY(gt::validatePayload(job, item, unknown).find("not a class") != std::string::npos);
        item.width = 36;
        QVERIFY(gt::validatePayload(job, item, sample()).find("drawn on a 37x23") != std::string::npos);
        QVERIFY(!validateLabelAttributeName("objects", TaskType::InstanceSegmentation).empty());
        QVERIFY(validateLabelAttributeName("objects-ref", TaskType::InstanceSegmentation).empty());
    }

    void roundTripThroughEveryFormat_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("option");
        QTest::addColumn<bool>("asDrawn"); // outlines come back with their own points
        QTest::newRow("coco rle") << QStringLiteral("coco") << QStringLiteral("rle") << true;
        QTest::newRow("coco rle-string") << QStringLiteral("coco") << QStringLiteral("rle-string") << true;
        QTest::newRow("coco polygons") << QStringLiteral("coco") << QStringLiteral("polygons") << false;
        QTest::newRow("labelme") << QStringLiteral("labelme") << QString() << false;
        QTest::newRow("yolo") << QStringLiteral("yolo") << QString() << false;
        QTest::newRow("groundtruth") << QStringLiteral("groundtruth") << QString() << true;
        QTest::newRow("voc") << QStringLiteral("voc") << QString() << false;
    }

    void roundTripThroughEveryFormat()
    {
        QFETCH(QString, format);
        QFETCH(QString, option);
        QFETCH(bool, asDrawn);
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "img/big.png"), 37, 23);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        const Item it = addImage(*s, gwtest::path(dir, "img/big.png"), 37, 23);
        const Payload p = sample();
        put(*s, j, it, p);

        const std::string fmt = format.toStdString();
        const bool file = fmt == "coco" || fmt == "groundtruth";
        const std::string out = gwtest::path(dir, file ? "out/objects.json" : "out/objects");
        std::map<std::string, std::string> settings;
        if (!option.isEmpty())
            settings["masks"] = option.toStdString();
        auto written = exportTo(*s, fmt.c_str(), "o-ref", out, settings);
        GW_VERIFY_OK(written);

        // Into a project of its own, read as objects (the job is new: the file decides its classes).
        auto t = gwtest::newProject(gwtest::path(dir, "q.gwproj"));
        std::map<std::string, std::string> read;
        if (fmt == "voc")
            read["labels"] = "instances";
        else if (fmt != "groundtruth")
            read["task"] = "instances";
        // A manifest names its job (the label attribute); the others take the name given.
        const std::string name = fmt == "groundtruth" ? "o-ref" : "back-ref";
        auto imported = importFrom(*t, fmt.c_str(), out, fmt == "groundtruth" ? std::string() : name, read);
        GW_VERIFY_OK(imported);
        auto job = t->job(name);
        QVERIFY(job);
        QCOMPARE(job->type, TaskType::InstanceSegmentation);
        const Payload back = onlyLabel(*t, name);
        QCOMPARE(back.instances.size(), p.instances.size());
        QCOMPARE(classNames(*t, name, back), (std::vector<std::string>{"a", "b", "c", "a"}));
        // Every object's pixels, in order, whatever form the format gave them.
        Payload sized = back;
        sized.imageWidth = 37;
        sized.imageHeight = 23;
        if (fmt == "voc") {
            // One object per pixel: where objects overlap, the later one keeps the pixels.
            auto visible = objectPixels(p);
            for (size_t k = 0; k < visible.size(); ++k)
                for (size_t later = k + 1; later < visible.size(); ++later)
                    for (size_t i = 0; i < visible[k].size(); ++i)
                        visible[k][i] &= uint8_t(!visible[later][i]);
            QCOMPARE(objectPixels(sized), visible);
        } else {
            QCOMPARE(objectPixels(sized), objectPixels(p));
        }
        if (asDrawn)
            QCOMPARE(back.instances[0].polygons, p.instances[0].polygons);
    }

    void exportsMatchGolden_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QStringList>("files"); // below the output, compared with golden/formats/instances/FORMAT[-OPTION]/
        QTest::newRow("coco") << QStringLiteral("coco") << QString() << QStringList{QString()};
        QTest::newRow("coco polygons") << QStringLiteral("coco") << QStringLiteral("polygons") << QStringList{QString()};
        QTest::newRow("labelme") << QStringLiteral("labelme") << QString() << QStringList{QStringLiteral("big.json")};
        QTest::newRow("yolo") << QStringLiteral("yolo") << QString()
                              << QStringList{QStringLiteral("labels/big.txt"), QStringLiteral("data.yaml")};
        QTest::newRow("voc") << QStringLiteral("voc") << QString()
                             << QStringList{QStringLiteral("SegmentationObject/big.png"),
                                            QStringLiteral("SegmentationClass/big.png"), QStringLiteral("class_names.txt")};
        QTest::newRow("groundtruth") << QStringLiteral("groundtruth") << QString() << QStringList{QString()};
    }

    void exportsMatchGolden()
    {
        // The sample's objects written by each format, byte for byte as reviewed once (GW_UPDATE_GOLDEN=1
        // writes them again after a deliberate change).
        QFETCH(QString, format);
        QFETCH(QString, option);
        QFETCH(QStringList, files);
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "img/big.png"), 37, 23);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        const Item it = addImage(*s, gwtest::path(dir, "img/big.png"), 37, 23);
        Annotation a;
        a.jobId = j.id;
        a.itemId = it.id;
        a.payload = sample();
        a.provenance.createdUs = 1733000000000000; // a fixed date for the manifest
        {
            auto tx = s->begin();
            GW_VERIFY_OK((*tx)->putAnnotation(a));
            GW_VERIFY_OK((*tx)->commit());
        }
        const std::string fmt = format.toStdString();
        const bool file = fmt == "coco" || fmt == "groundtruth";
        // Beside the images, so that the files name them by relative paths.
        const std::string out = gwtest::path(dir, file ? "objects.json" : "objects");
        std::map<std::string, std::string> settings;
        if (!option.isEmpty())
            settings["masks"] = option.toStdString();
        GW_VERIFY_OK(exportTo(*s, fmt.c_str(), "o-ref", out, settings));
        const std::string name = "instances/" + fmt + (option.isEmpty() ? "" : "-" + option.toStdString());
        for (const QString &f : files) {
            const std::string actual = f.isEmpty() ? out : out + "/" + f.toStdString();
            const std::string golden = name + (f.isEmpty() ? (fmt == "coco" ? ".json" : ".manifest") : "/" + f.toStdString());
            compareGolden(actual, golden.c_str());
        }
    }

    void groundTruthManifestCarriesTheClassMapToo()
    {
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "big.png"), 37, 23);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        put(*s, j, addImage(*s, gwtest::path(dir, "big.png"), 37, 23), sample());
        GW_VERIFY_OK(exportTo(*s, "groundtruth", "o-ref", gwtest::path(dir, "out.manifest")));
        json::Value line;
        QVERIFY(json::parse(gwtest::readFile(gwtest::path(dir, "out.manifest")), line));
        const json::Value *md = line.find("o-ref-metadata");
        QVERIFY(md);
        QCOMPARE(md->find("type")->toString(), std::string("groundtruth/semantic-segmentation"));
        QCOMPARE(md->find(gt::kInstancesKey)->toArray().size(), size_t(4));
        // The PNG Ground Truth reads: positions + 1, objects drawn in order.
        const std::string png = gwtest::readFile(
            (std::filesystem::path(gwtest::path(dir, "out.manifest")).parent_path() / line.find("o-ref")->toString())
                .string());
        auto m = mask::decode(png);
        GW_VERIFY_OK(m);
        QCOMPARE(m->pixels, instances::classMap(sample(), 37, 23)->pixels); // ids are positions here
    }

    void conversionsAreCheckedAndWholeOrNothing()
    {
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "big.png"), 37, 23);
        writeImage(gwtest::path(dir, "other.png"), 40, 30);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        put(*s, j, addImage(*s, gwtest::path(dir, "big.png"), 37, 23), sample());
        const Job objects = *s->job("o-ref");
        auto masks = convertJob(*s, objects, "classes-ref", TaskType::SemanticSegmentation);
        GW_VERIFY_OK(masks);
        QCOMPARE(masks->labels, int64_t(1));
        QCOMPARE(maskOf(*s, "classes-ref", gwtest::path(dir, "big.png")).pixels, instances::classMap(sample(), 37, 23)->pixels);
        auto back = convertJob(*s, *s->job("classes-ref"), "regions-ref", TaskType::InstanceSegmentation);
        GW_VERIFY_OK(back);
        QCOMPARE(labelOf(*s, "regions-ref", gwtest::path(dir, "big.png"))->instances.size(), size_t(5));
        auto boxes = convertJob(*s, objects, "boxes", TaskType::BoundingBox);
        GW_VERIFY_OK(boxes);
        QCOMPARE(labelOf(*s, "boxes", gwtest::path(dir, "big.png"))->boxes.size(), size_t(4));
        // Refused: a name Ground Truth would not take for the type, a name in use, an impossible conversion.
        QVERIFY(!convertJob(*s, objects, "classes", TaskType::SemanticSegmentation));
        QVERIFY(!convertJob(*s, objects, "boxes", TaskType::BoundingBox));
        QVERIFY(!convertJob(*s, *s->job("boxes"), "x-ref", TaskType::SemanticSegmentation));
        // A mask that does not fit its image gives no objects: nothing of the new job is written.
        Job sem = *s->createJob(makeJob("m-ref", TaskType::SemanticSegmentation, {{0, "a"}}));
        mask::IndexedMask wrong{37, 23, std::vector<uint8_t>(37 * 23, 1)};
        put(*s, sem, addImage(*s, gwtest::path(dir, "other.png"), 40, 30), maskPayload(wrong, sem));
        const auto jobsBefore = s->jobs()->size();
        auto refused = convertJob(*s, *s->job("m-ref"), "m-objects-ref", TaskType::InstanceSegmentation);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("other.png") != std::string::npos, refused.error().message.c_str());
        QCOMPARE(s->jobs()->size(), jobsBefore);
    }

    void aManifestMaskEditedElsewhereWins()
    {
        // The objects ride in the metadata beside the class map; when the PNG was edited since (another tool),
        // its regions are the label, with a warning, rather than the edit being lost.
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "big.png"), 37, 23);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        put(*s, j, addImage(*s, gwtest::path(dir, "big.png"), 37, 23), sample());
        const std::string manifest = gwtest::path(dir, "out.manifest");
        GW_VERIFY_OK(exportTo(*s, "groundtruth", "o-ref", manifest));
        const std::string png = gwtest::path(dir, "out.masks/1.png");
        auto m = mask::decode(gwtest::readFile(png));
        GW_VERIFY_OK(m);
        for (int y = 0; y < 4; ++y)
            for (int x = 30; x < 36; ++x)
                m->pixels[size_t(y * 37 + x)] = 3; // a new region of class c (Ground Truth value 3)
        std::vector<uint32_t> palette(256, 0xffffff);
        gwtest::writeFile(png, *mask::encode(*m, palette));
        auto t = gwtest::newProject(gwtest::path(dir, "q.gwproj"));
        auto imported = importFrom(*t, "groundtruth", manifest);
        GW_VERIFY_OK(imported);
        QVERIFY(!imported->warnings.empty());
        const Payload back = onlyLabel(*t, "o-ref");
        auto map = instances::classMap(back, 37, 23);
        QCOMPARE(int(map->pixels[size_t(1 * 37 + 32)]), 2 + 1);
    }

    void labelmeInstanceExamplesMatchLabelme2coco()
    {
        const QString root = QString::fromUtf8(kExamples) + QStringLiteral("/instance_segmentation");
        if (!QFileInfo::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        // group_id makes the files objects by themselves.
        auto imported = importFrom(*s, "labelme", (root + QStringLiteral("/data_annotated")).toStdString());
        GW_VERIFY_OK(imported);
        QCOMPARE(s->job("labelme-ref")->type, TaskType::InstanceSegmentation);
        const std::string ours = gwtest::path(dir, "coco.json");
        GW_VERIFY_OK(exportTo(*s, "coco", "labelme-ref", ours));

        json::Value mine, theirs;
        QVERIFY(json::parse(gwtest::readFile(ours), mine));
        QVERIFY(json::parse(gwtest::readFile((root + QStringLiteral("/data_dataset_coco/annotations.json")).toStdString()),
                            theirs));
        // Objects by image file stem, with their class name.
        struct Object
        {
            std::string cls;
            std::vector<double> bbox;
            double area = 0;
            size_t parts = 0;
            int64_t crowd = 0;
        };
        auto objects = [](const json::Value &doc) {
            std::map<int64_t, std::string> stem, category;
            for (const json::Value &i : doc.find("images")->toArray())
                stem[i.find("id")->toInt()] = std::filesystem::path(i.find("file_name")->toString()).stem().string();
            for (const json::Value &c : doc.find("categories")->toArray())
                category[c.find("id")->toInt()] = c.find("name")->toString();
            std::map<std::string, std::vector<Object>> out;
            for (const json::Value &a : doc.find("annotations")->toArray()) {
                Object o;
                o.cls = category[a.find("category_id")->toInt()];
                for (const json::Value &v : a.find("bbox")->toArray())
                    o.bbox.push_back(v.toDouble());
                o.area = a.find("area")->toDouble();
                o.parts = a.find("segmentation")->toArray().size();
                o.crowd = a.find("iscrowd")->toInt();
                out[stem[a.find("image_id")->toInt()]].push_back(o);
            }
            return out;
        };
        const auto a = objects(mine), b = objects(theirs);
        QCOMPARE(a.size(), size_t(3));
        size_t matched = 0;
        double lowest = 1, highest = 0, furthest = 0;
        for (const auto &[image, expected] : b) {
            QVERIFY2(a.count(image), image.c_str());
            const std::vector<Object> &got = a.at(image);
            QCOMPARE(got.size(), expected.size());
            for (const Object &e : expected) {
                // The object of the same class whose box is nearest.
                const Object *best = nullptr;
                double bestDistance = 1e9;
                for (const Object &g : got) {
                    if (g.cls != e.cls)
                        continue;
                    double d = 0; // the furthest of the four edges
                    for (size_t k = 0; k < 2; ++k)
                        d = std::max({d, std::abs(g.bbox[k] - e.bbox[k]),
                                      std::abs(g.bbox[k] + g.bbox[k + 2] - e.bbox[k] - e.bbox[k + 2])});
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = &g;
                    }
                }
                const std::string what = image + " " + e.cls;
                QVERIFY2(best, what.c_str());
                // Outlines read from LabelMe have LabelMe's pixels (PIL's, which labelme2coco counted), so the
                // areas and boxes, which come from the pixels, are labelme2coco's.
                // (The issue asked for areas within 1% and boxes within 1 px; they are the same exactly.)
                QVERIFY2(bestDistance == 0, (what + ": box " + std::to_string(bestDistance) + " px off").c_str());
                QCOMPARE(best->parts, e.parts);
                QCOMPARE(best->crowd, int64_t(0));
                QVERIFY2(best->area == e.area,
                         (what + ": area " + std::to_string(best->area) + " vs " + std::to_string(e.area)).c_str());
                lowest = std::min(lowest, best->area / e.area);
                highest = std::max(highest, best->area / e.area);
                furthest = std::max(furthest, bestDistance);
                ++matched;
            }
        }
        QCOMPARE(matched, size_t(12));
        qInfo("12/12 objects matched; area ours/labelme2coco %.3f-%.3f; box edges at most %.0f px apart", lowest,
              highest, furthest);
    }

    void labelmeOutlinesKeepLabelmesPixels()
    {
        // An outline read from LabelMe has the pixels LabelMe gives it, and keeps them through the store, COCO's
        // area, a Ground Truth manifest and back; LabelMe gets it back as it came.
        QTemporaryDir dir;
        writeImage(gwtest::path(dir, "img/m.png"), 12, 9);
        const std::string source = R"({"version": "5.1.1", "flags": {}, "shapes": [
            {"label": "cat", "points": [[1.2, 1], [6, 0.6], [5.5, 5.4]], "group_id": 1, "shape_type": "polygon", "flags": {}},
            {"label": "cat", "points": [[8, 2], [10, 2], [10, 7], [8, 7]], "group_id": 1, "shape_type": "polygon", "flags": {}}],
            "imagePath": "../img/m.png", "imageData": null, "imageHeight": 9, "imageWidth": 12})";
        QVERIFY(QDir().mkpath(QString::fromStdString(gwtest::path(dir, "lm"))));
        gwtest::writeFile(gwtest::path(dir, "lm/m.json"), source);
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*s, "labelme", gwtest::path(dir, "lm"), "lm-ref"));
        Payload a = onlyLabel(*s, "lm-ref");
        QCOMPARE(a.instances.size(), size_t(1));
        QVERIFY(a.instances[0].labelmePixels);
        mask::IndexedMask expected{12, 9, std::vector<uint8_t>(12 * 9, 0)};
        raster::fillLabelmePolygon(expected, {{1.2, 1}, {6, 0.6}, {5.5, 5.4}}, 1);
        raster::fillLabelmePolygon(expected, {{8, 2}, {10, 2}, {10, 7}, {8, 7}}, 1);
        const int64_t area = std::count(expected.pixels.begin(), expected.pixels.end(), 1);
        QCOMPARE(area, int64_t(18 + 18)); // the triangle's 18 pixels (worked out by hand) and the 3 × 6 rectangle
        a.imageWidth = 12;
        a.imageHeight = 9;
        QCOMPARE(objectPixels(a).front(), expected.pixels);

        // COCO: the area and box of those pixels, the points as LabelMe had them (as labelme2coco writes them).
        GW_VERIFY_OK(exportTo(*s, "coco", "lm-ref", gwtest::path(dir, "coco.json")));
        json::Value coco;
        QVERIFY(json::parse(gwtest::readFile(gwtest::path(dir, "coco.json")), coco));
        const json::Value &annotation = coco.find("annotations")->toArray().front();
        QCOMPARE(annotation.find("area")->toDouble(), double(area));
        const json::Array &bbox = annotation.find("bbox")->toArray();
        QCOMPARE(bbox[0].toDouble(), 1.0);
        QCOMPARE(bbox[2].toDouble(), 10.0); // pixels 1..10
        QCOMPARE(annotation.find("segmentation")->toArray().front().toArray()[0].toDouble(), 1.2);

        // LabelMe: the shapes as they came.
        GW_VERIFY_OK(exportTo(*s, "labelme", "lm-ref", gwtest::path(dir, "out")));
        json::Value back, original;
        QVERIFY(json::parse(gwtest::readFile(gwtest::path(dir, "out/m.json")), back));
        QVERIFY(json::parse(source, original));
        for (size_t k = 0; k < 2; ++k)
            QCOMPARE(json::toString(*back.find("shapes")->toArray()[k].find("points")),
                     json::toString(*original.find("shapes")->toArray()[k].find("points")));

        // A manifest says so ("pixels": "labelme") and reads back the same.
        GW_VERIFY_OK(exportTo(*s, "groundtruth", "lm-ref", gwtest::path(dir, "out.manifest")));
        QVERIFY(gwtest::readFile(gwtest::path(dir, "out.manifest")).find(R"("pixels":"labelme")") != std::string::npos);
        auto t = gwtest::newProject(gwtest::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importFrom(*t, "groundtruth", gwtest::path(dir, "out.manifest")));
        Payload c = onlyLabel(*t, "lm-ref");
        QVERIFY(c.instances.at(0).labelmePixels);
        c.imageWidth = 12;
        c.imageHeight = 9;
        QCOMPARE(objectPixels(c).front(), expected.pixels);
    }

    void labelmeVocObjectsAreItsObjects()
    {
        // labelme2voc's SegmentationObjectPNG holds the same objects as the LabelMe files, with the same pixels
        // (both LabelMe's), except where a later object covers an earlier one (a VOC pixel has one object).
        const QString root = QString::fromUtf8(kExamples) + QStringLiteral("/instance_segmentation");
        if (!QFileInfo::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*s, "labelme", (root + QStringLiteral("/data_annotated")).toStdString()));
        auto voc = importFrom(*s, "voc", (root + QStringLiteral("/data_dataset_voc")).toStdString(), "voc-ref",
                              {{"labels", "instances"}});
        GW_VERIFY_OK(voc);
        QCOMPARE(s->job("voc-ref")->type, TaskType::InstanceSegmentation);
        size_t objects = 0;
        double lowest = 1;
        for (const char *stem : {"2011_000003", "2011_000006", "2011_000025"}) {
            const auto a = labelOf(*s, "labelme-ref", root.toStdString() + "/data_annotated/" + stem + ".jpg");
            const auto b = labelOf(*s, "voc-ref", root.toStdString() + "/data_dataset_voc/JPEGImages/" + stem + ".jpg");
            QVERIFY(a && b);
            QCOMPARE(b->instances.size(), a->instances.size());
            const int w = b->imageWidth, h = b->imageHeight;
            for (const Instance &theirs : b->instances) {
                // The LabelMe object it overlaps most, of the same class.
                const auto t = instances::binary(theirs, w, h)->pixels;
                double best = 0;
                for (const Instance &ours : a->instances) {
                    if (className(*s, "labelme-ref", ours.classId) != className(*s, "voc-ref", theirs.classId))
                        continue;
                    const auto o = instances::binary(ours, w, h)->pixels;
                    int64_t both = 0, either = 0;
                    for (size_t i = 0; i < o.size(); ++i) {
                        both += o[i] && t[i];
                        either += o[i] || t[i];
                    }
                    best = std::max(best, double(both) / double(either));
                }
                QVERIFY2(best > 0.95, (std::string(stem) + ": IoU " + std::to_string(best)).c_str());
                lowest = std::min(lowest, best);
                ++objects;
            }
        }
        QCOMPARE(objects, size_t(12));
        qInfo("12 objects; lowest IoU with labelme2voc's %.4f", lowest);
    }

    void edaCountsObjects()
    {
        QTemporaryDir dir;
        auto s = gwtest::newProject(gwtest::path(dir, "p.gwproj"));
        writeImage(gwtest::path(dir, "big.png"), 37, 23);
        writeImage(gwtest::path(dir, "small.png"), 37, 23);
        Job j = *s->createJob(makeJob("o-ref", TaskType::InstanceSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        put(*s, j, addImage(*s, gwtest::path(dir, "big.png"), 37, 23), sample());
        Payload one = sample();
        one.instances.resize(1);
        put(*s, j, addImage(*s, gwtest::path(dir, "small.png"), 37, 23), one);
        EdaOptions o;
        o.job = "o-ref";
        auto r = computeEda(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labelsPerItem.total, int64_t(2));
        QCOMPARE(r->labelsPerItem.lowest, 1.0);
        QCOMPARE(r->labelsPerItem.highest, 4.0);
        QCOMPARE(r->boxWidth.total, int64_t(5)); // every object's size
        // The class filter finds objects' classes.
        QCOMPARE(*s->countItems({.jobId = j.id, .classId = 2}), int64_t(1));
        QCOMPARE(*s->countItems({.jobId = j.id, .classId = 0}), int64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestInstances)
#include "tst_instances.moc"
