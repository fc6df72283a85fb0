// COCO JSON and LabelMe JSON through the format registry: golden exports byte for byte, imports with exact
// boxes and mask pixels, round trips, the labelme-examples package's real files, and bad input that names
// the file and element and writes nothing. The raster helpers have their own test (tst_raster).

#include "datasets/formats/raster.h"
#include "formatfixtures.h"

#include <cmath>

using namespace gw;
using namespace gw::datasets;

using namespace gw::test::formats;

class TestCocoLabelme : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void registered()
    {
        QVERIFY(findFormat("coco"));
        QVERIFY(findFormat("labelme"));
        QVERIFY(findFormat("coco")->carries(TaskType::SemanticSegmentation));
        QVERIFY(findFormat("labelme")->carries(TaskType::ImageClassificationMultiLabel));
        QVERIFY(findFormat("coco")->check({{"masks", "rle-string"}}).has_value());
        QVERIFY(findFormat("coco")->check({{"masks", "polygons"}}).has_value());
        QVERIFY(!findFormat("coco")->check({{"masks", "bitmap"}}).has_value());
        QVERIFY(!findFormat("labelme")->check({{"masks", "rle"}}).has_value());
    }

    // ---- COCO ----

    void cocoBoxesExportMatchesGolden()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        boxProject(*s, dir);
        auto r = exportTo(*s, "coco", "det", test::path(dir, "boxes.json"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->lines, int64_t(2)); // c.png has no label
        compareGolden(test::path(dir, "boxes.json"), "coco/boxes.json");
        // Same project, same bytes.
        GW_VERIFY_OK(exportTo(*s, "coco", "det", test::path(dir, "again.json")));
        QCOMPARE(test::readFile(test::path(dir, "again.json")),
                 test::readFile(test::path(dir, "boxes.json")));
        // A folder is refused with the file name to use.
        auto folder = exportTo(*s, "coco", "det", dir.path().toStdString());
        QVERIFY(!folder);
        QVERIFY(folder.error().message.find("annotations.json") != std::string::npos);
    }

    void cocoBoxesGoldenImport()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "images/a.png"), 40, 30);
        writeImage(test::path(dir, "images/b.png"), 20, 10);
        copyGolden("coco/boxes.json", test::path(dir, "boxes.json"));
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "coco", test::path(dir, "boxes.json"), "det");
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, int64_t(2));
        QCOMPARE(r->labels, int64_t(2));
        QCOMPARE(r->lines, int64_t(3)); // annotations
        auto job = s->job("det");
        QCOMPARE(job->type, TaskType::BoundingBox);
        QCOMPARE(job->classes.size(), size_t(2));
        QCOMPARE(job->classes[0].name, std::string("cat"));
        QCOMPARE(job->classes[1].name, std::string("dog"));
        const int cat = job->classes[0].id, dog = job->classes[1].id;
        auto a = labelOf(*s, "det", test::path(dir, "images/a.png"));
        QVERIFY(a);
        compareBoxes(a->boxes, {{cat, 2, 3, 10.5, 7.25, {}}, {dog, 0, 0, 40, 30, {}}});
        QCOMPARE(a->imageWidth, 40);
        QCOMPARE(a->imageHeight, 30);
        compareBoxes(labelOf(*s, "det", test::path(dir, "images/b.png"))->boxes, {{dog, 5.5, 1, 4, 8, {}}});
        // Back out: the same file.
        GW_VERIFY_OK(exportTo(*s, "coco", "det", test::path(dir, "out.json")));
        QCOMPARE(test::readFile(test::path(dir, "out.json")),
                 test::readFile(golden("coco/boxes.json").toStdString()));
    }

    void cocoSegmentationExportMatchesGolden_data()
    {
        QTest::addColumn<QByteArray>("masks");
        QTest::addColumn<QByteArray>("file");
        QTest::newRow("rle") << QByteArray("rle") << QByteArray("coco/segmentation.json");
        QTest::newRow("rle-string") << QByteArray("rle-string")
                                    << QByteArray("coco/segmentation-string.json");
        QTest::newRow("polygons") << QByteArray("polygons") << QByteArray("coco/segmentation-polygons.json");
    }

    void cocoSegmentationExportMatchesGolden()
    {
        QFETCH(QByteArray, masks);
        QFETCH(QByteArray, file);
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        segProject(*s, dir);
        auto r =
            exportTo(*s, "coco", "seg-ref", test::path(dir, "seg.json"), {{"masks", masks.toStdString()}});
        GW_VERIFY_OK(r);
        QCOMPARE(r->masksWritten, int64_t(2));
        QCOMPARE(r->labels, int64_t(2));
        compareGolden(test::path(dir, "seg.json"), file.constData());

        // Read back into a new project: pixel for pixel, in a job that takes the file's classes.
        QTemporaryDir other;
        writeImage(test::path(other, "images/s1.png"), 4, 3);
        writeImage(test::path(other, "images/s2.png"), 3, 2);
        copyGolden(file.constData(), test::path(other, "seg.json"));
        auto t = test::newProject(test::path(other, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*t, "coco", test::path(other, "seg.json"), "back-ref"));
        auto job = t->job("back-ref");
        QCOMPARE(job->type, TaskType::SemanticSegmentation);
        QCOMPARE(job->classes.size(), size_t(2));
        QCOMPARE(job->classes[0].name, std::string("sky"));
        QCOMPARE(job->classes[1].name, std::string("car"));
        const int sky = job->classes[0].id + 1, car = job->classes[1].id + 1;
        const mask::IndexedMask m1 = maskOf(*t, "back-ref", test::path(other, "images/s1.png"));
        QCOMPARE(m1.width, 4);
        QCOMPARE(m1.height, 3);
        QCOMPARE(m1.pixels, pixels({0, sky, sky, 0, 0, sky, car, car, 0, 0, car, car}));
        QCOMPARE(maskOf(*t, "back-ref", test::path(other, "images/s2.png")).pixels,
                 pixels({car, car, 0, 0, car, 0}));

        // And into the original project's job (class ids 5 and 2 there): the same stored masks.
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "seg.json"), "seg-ref"));
        QCOMPARE(maskOf(*s, "seg-ref", test::path(dir, "images/s1.png")).pixels,
                 pixels({0, 6, 6, 0, 0, 6, 3, 3, 0, 0, 3, 3}));
    }

    void cocoPolygonsAndRleImport()
    {
        // Polygons (two for one annotation), a counts array and a compressed string; later annotations
        // paint over earlier ones.
        QTemporaryDir dir;
        writeImage(test::path(dir, "img/p.png"), 4, 3);
        test::writeFile(test::path(dir, "ann.json"), R"({
  "images": [{"id": 7, "file_name": "img/p.png", "width": 4, "height": 3}],
  "categories": [{"id": 3, "name": "road"}, {"id": 9, "name": "tree"}, {"id": 0, "name": "_background_"}],
  "annotations": [
    {"id": 1, "image_id": 7, "category_id": 3, "iscrowd": 0,
     "segmentation": [[0, 0, 2, 0, 2, 1, 0, 1], [3, 2, 4, 2, 4, 3, 3, 3]]},
    {"id": 2, "image_id": 7, "category_id": 9, "iscrowd": 1,
     "segmentation": {"counts": [3, 2, 7], "size": [3, 4]}},
    {"id": 3, "image_id": 7, "category_id": 3, "iscrowd": 1,
     "segmentation": {"counts": "912", "size": [3, 4]}}
  ]
})");
        // Column-major, 3 rows: [3, 2, 7] → pixels 3 and 4 = column 1, rows 0 and 1 (tree, over the road at
        // (1, 0)); "912" → counts [9, 1, 2] → pixel 9 = column 3, row 0.
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "coco", test::path(dir, "ann.json"), {}, {{"task", "segmentation"}});
        GW_VERIFY_OK(r);
        auto job = s->job("coco-ref");
        GW_VERIFY_OK(job);
        QCOMPARE(job->classes.size(), size_t(2)); // "_background_" is no class
        const int road = job->classByName("road")->id + 1, tree = job->classByName("tree")->id + 1;
        QCOMPARE(maskOf(*s, "coco-ref", test::path(dir, "img/p.png")).pixels,
                 pixels({road, tree, 0, road, 0, tree, 0, 0, 0, 0, 0, road}));
    }

    void cocoTaskChoice()
    {
        // A file with boxes and polygons: boxes by default, masks for a -ref job or task=segmentation.
        QTemporaryDir dir;
        writeImage(test::path(dir, "q.png"), 10, 10);
        test::writeFile(test::path(dir, "c.json"),
                        R"({"images": [{"id": 1, "file_name": "q.png", "width": 10, "height": 10}],
"categories": [{"id": 1, "name": "x"}],
"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": [[1, 1, 3, 1, 3, 3, 1, 3]]}]})");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "c.json")));
        QCOMPARE(s->job("coco")->type, TaskType::BoundingBox);
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "c.json"), "m-ref"));
        QCOMPARE(s->job("m-ref")->type, TaskType::SemanticSegmentation);
        auto masks = importFrom(*s, "coco", test::path(dir, "c.json"), "masks", {{"task", "segmentation"}});
        QVERIFY(!masks); // a segmentation job needs a -ref name
        QVERIFY(masks.error().message.find("-ref") != std::string::npos);
        GW_VERIFY_OK(
            importFrom(*s, "coco", test::path(dir, "c.json"), "forced-ref", {{"task", "segmentation"}}));
        QCOMPARE(s->job("forced-ref")->type, TaskType::SemanticSegmentation);
        s->createJob(makeJob("existing-ref", TaskType::SemanticSegmentation, {{0, "x"}}));
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "c.json"), "existing-ref"));
        const auto m = maskOf(*s, "existing-ref", test::path(dir, "q.png"));
        QCOMPARE(std::count(m.pixels.begin(), m.pixels.end(), 1), 4L);
    }

    void cocoBadInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("expected1");
        QTest::addColumn<QByteArray>("expected2");
        const QByteArray images(R"("images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30},
                                                            {"id": 2, "file_name": "b.png", "width": 20, "height": 10}],
                                               "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],)");
        QTest::newRow("malformed") << QByteArray("{\"images\": [\n  {\"id\": 1,, }]}")
                                   << QByteArray("not valid JSON at column") << QByteArray("bad.json:2:");
        QTest::newRow("not coco") << QByteArray("[1, 2]") << QByteArray("a JSON object")
                                  << QByteArray("bad.json");
        QTest::newRow("unknown category")
            << QByteArray("{") + images +
                   R"("annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                                 {"id": 2, "image_id": 2, "category_id": 7, "bbox": [0, 0, 1, 1]}]})"
            << QByteArray("annotations[1]: category_id 7 is not in \"categories\"") << QByteArray("bad.json");
        QTest::newRow("unknown image")
            << QByteArray("{") + images +
                   R"("annotations": [{"id": 1, "image_id": 3, "category_id": 1, "bbox": [0, 0, 1, 1]}]})"
            << QByteArray("annotations[0]: image_id 3 is not in \"images\"") << QByteArray("bad.json");
        QTest::newRow("box out of range")
            << QByteArray("{") + images +
                   R"("annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 30]},
                                 {"id": 2, "image_id": 2, "category_id": 2, "bbox": [15, 2, 5.6, 3]}]})"
            << QByteArray(
                   "annotations[1]: bbox [15, 2, 5.6, 3] is outside the 20 × 10 image images[1] (b.png)")
            << QByteArray("bad.json");
        QTest::newRow("bad bbox")
            << QByteArray("{") + images +
                   R"("annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 4]}]})"
            << QByteArray("annotations[0]: \"bbox\" should be [x, y, width, height]")
            << QByteArray("bad.json");
        QTest::newRow("missing image")
            << QByteArray(R"({"images": [{"id": 1, "file_name": "a.png"}, {"id": 5, "file_name": "gone.png"}],
                  "categories": [{"id": 1, "name": "cat"}],
                  "annotations": [{"id": 1, "image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1]}]})")
            << QByteArray("images[1]: file_name 'gone.png': no such image") << QByteArray("bad.json");
        QTest::newRow("bad rle")
            << QByteArray("{") + images + R"("annotations": [{"id": 1, "image_id": 2, "category_id": 1,
                                   "segmentation": {"counts": [5, 5], "size": [10, 20]}}]})"
            << QByteArray(
                   "annotations[0].segmentation: the RLE counts add up to 10 pixels, not 10 × 20 = 200")
            << QByteArray("bad.json");
        QTest::newRow("rle size") << QByteArray("{") + images +
                                         R"("annotations": [{"id": 1, "image_id": 2, "category_id": 1,
                                   "segmentation": {"counts": "0", "size": [20, 10]}}]})"
                                  << QByteArray("annotations[0].segmentation: RLE size [20, 10] is not the "
                                                "image's [height, width] [10, 20]")
                                  << QByteArray("bad.json");
    }

    void cocoBadInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, expected1);
        QFETCH(QByteArray, expected2);
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        boxProject(*s, dir);
        writeImage(test::path(dir, "a.png"), 40, 30);
        writeImage(test::path(dir, "b.png"), 20, 10);
        test::writeFile(test::path(dir, "bad.json"), json.toStdString());
        const Counts before = counts(*s);
        const bool rle = json.contains("segmentation");
        auto r = importFrom(*s, "coco", test::path(dir, "bad.json"), rle ? "new-ref" : "new");
        QVERIFY(!r);
        const std::string &message = r.error().message;
        QVERIFY2(message.find(expected1.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected2.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(counts(*s) == before, "nothing is written");
        // The same into the existing job.
        if (!rle) {
            auto again = importFrom(*s, "coco", test::path(dir, "bad.json"), "det");
            QVERIFY(!again);
            QVERIFY(counts(*s) == before);
        }
    }

    void cocoBoxSlackIsClipped()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "a.png"), 40, 30);
        test::writeFile(test::path(dir, "c.json"),
                        R"({"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30}],
"categories": [{"id": 1, "name": "cat"}],
"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [-0.4, 0.5, 40.8, 29.9]}]})");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "c.json")));
        compareBoxes(labelOf(*s, "coco", test::path(dir, "a.png"))->boxes, {{0, 0, 0.5, 40, 29.5, {}}});
    }

    void cocoUnknownClassInExistingJob()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        boxProject(*s, dir);
        writeImage(test::path(dir, "a.png"), 40, 30);
        test::writeFile(test::path(dir, "c.json"),
                        R"({"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30}],
"categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "horse"}, {"id": 3, "name": "unused"}],
"annotations": [{"id": 1, "image_id": 1, "category_id": 2, "bbox": [0, 0, 1, 1]}]})");
        const Counts before = counts(*s);
        auto r = importFrom(*s, "coco", test::path(dir, "c.json"), "det");
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("categories[1]: class 'horse' is not one of job 'det'") !=
                     std::string::npos,
                 r.error().message.c_str());
        QVERIFY(counts(*s) == before);
        FormatImportOptions o;
        o.job = "det";
        o.addClasses = true;
        GW_VERIFY_OK(findFormat("coco")->read(*s, test::path(dir, "c.json"), o));
        QCOMPARE(s->job("det")->classes.size(), size_t(4)); // horse and unused added
    }

    // ---- LabelMe ----

    void labelmeBoxesExportMatchesGolden()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        boxProject(*s, dir);
        auto r = exportTo(*s, "labelme", "det", test::path(dir, "labelme"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->lines, int64_t(2));
        QCOMPARE(QDir(dir.filePath(QStringLiteral("labelme"))).entryList(QDir::Files).size(), 2);
        compareGolden(test::path(dir, "labelme/a.json"), "labelme/boxes/a.json");
        compareGolden(test::path(dir, "labelme/b.json"), "labelme/boxes/b.json");
        // LabelMe's keys, in LabelMe's order.
        json::Value v;
        QVERIFY(json::parse(test::readFile(test::path(dir, "labelme/a.json")), v));
        std::vector<std::string> keys;
        for (const auto &[k, x] : v.toObject())
            keys.push_back(k);
        QCOMPARE(keys, (std::vector<std::string>{"version", "flags", "shapes", "imagePath", "imageData",
                                                 "imageHeight", "imageWidth"}));
        // Exporting into the images' folder would replace it: refused.
        auto into = exportTo(*s, "labelme", "det", test::path(dir, "images"));
        QVERIFY(!into);
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("images/a.png"))));
    }

    void labelmeSegmentationExportMatchesGolden()
    {
        // Masks leave as polygons along pixel edges and come back pixel for pixel.
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        segProject(*s, dir);
        GW_VERIFY_OK(exportTo(*s, "labelme", "seg-ref", test::path(dir, "seg")));
        compareGolden(test::path(dir, "seg/s1.json"), "labelme/segmentation/s1.json");
        compareGolden(test::path(dir, "seg/s2.json"), "labelme/segmentation/s2.json");
        auto t = test::newProject(test::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importFrom(*t, "labelme", test::path(dir, "seg")));
        auto job = t->job("labelme-ref");
        GW_VERIFY_OK(job);
        const int sky = job->classByName("sky")->id + 1, car = job->classByName("car")->id + 1;
        QCOMPARE(maskOf(*t, "labelme-ref", test::path(dir, "images/s1.png")).pixels,
                 pixels({0, sky, sky, 0, 0, sky, car, car, 0, 0, car, car}));
        QCOMPARE(maskOf(*t, "labelme-ref", test::path(dir, "images/s2.png")).pixels,
                 pixels({car, car, 0, 0, car, 0}));
    }

    void labelmeBoxesGoldenImportAndRoundTrip()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "images/a.png"), 40, 30);
        writeImage(test::path(dir, "images/b.png"), 20, 10);
        copyGolden("labelme/boxes/a.json", test::path(dir, "labelme/a.json"));
        copyGolden("labelme/boxes/b.json", test::path(dir, "labelme/b.json"));
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "labelme", test::path(dir, "labelme"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, int64_t(2));
        auto job = s->job("labelme");
        QCOMPARE(job->type, TaskType::BoundingBox);
        const int cat = job->classByName("cat")->id, dog = job->classByName("dog")->id;
        compareBoxes(labelOf(*s, "labelme", test::path(dir, "images/a.png"))->boxes,
                     {{cat, 2, 3, 10.5, 7.25, {}}, {dog, 0, 0, 40, 30, {}}});
        compareBoxes(labelOf(*s, "labelme", test::path(dir, "images/b.png"))->boxes,
                     {{dog, 5.5, 1, 4, 8, {}}});
        // Write → read again: the same files.
        GW_VERIFY_OK(exportTo(*s, "labelme", "labelme", test::path(dir, "again")));
        QCOMPARE(test::readFile(test::path(dir, "again/a.json")),
                 test::readFile(test::path(dir, "labelme/a.json")));
        QCOMPARE(test::readFile(test::path(dir, "again/b.json")),
                 test::readFile(test::path(dir, "labelme/b.json")));
        // One file alone, rectangle corners in any order.
        QTemporaryDir one;
        writeImage(test::path(one, "x.png"), 10, 10);
        test::writeFile(test::path(one, "x.json"), R"({"version": "5.2.1", "flags": {}, "shapes": [
            {"label": "cat", "points": [[8, 9], [2.5, 1]], "group_id": null, "shape_type": "rectangle", "flags": {}},
            {"label": "cat", "points": [[1, 1], [2, 2]], "shape_type": "line"}],
            "imagePath": "x.png", "imageData": null, "imageHeight": 10, "imageWidth": 10})");
        auto t = test::newProject(test::path(one, "p.gwproj"));
        auto single = importFrom(*t, "labelme", test::path(one, "x.json"));
        GW_VERIFY_OK(single);
        QCOMPARE(single->warnings.size(), size_t(1)); // the line
        compareBoxes(labelOf(*t, "labelme", test::path(one, "x.png"))->boxes, {{0, 2.5, 1, 5.5, 8, {}}});
    }

    void labelmeClassificationGoldenAndRoundTrip()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        writeImage(test::path(dir, "images/a.png"), 40, 30);
        writeImage(test::path(dir, "images/b.png"), 20, 10);
        Job j = *s->createJob(makeJob("tags", TaskType::ImageClassificationMultiLabel,
                                      {{0, "indoor"}, {1, "people"}, {2, "night"}}));
        const Item a = addImage(*s, test::path(dir, "images/a.png"), 40, 30);
        const Item b = addImage(*s, test::path(dir, "images/b.png"), 20, 10);
        Payload pa, pb;
        pa.classes = {0, 2};
        pa.classConfidence = {std::nullopt, std::nullopt};
        put(*s, j, a, pa);
        put(*s, j, b, pb); // labelled: none of the tags
        GW_VERIFY_OK(exportTo(*s, "labelme", "tags", test::path(dir, "out")));
        compareGolden(test::path(dir, "out/a.json"), "labelme/classification/a.json");
        compareGolden(test::path(dir, "out/b.json"), "labelme/classification/b.json");

        auto t = test::newProject(test::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importFrom(*t, "labelme", test::path(dir, "out"), "tags"));
        auto job = t->job("tags");
        QCOMPARE(job->type, TaskType::ImageClassificationMultiLabel); // several true flags
        QCOMPARE(job->classes.size(), size_t(3));
        auto la = labelOf(*t, "tags", test::path(dir, "images/a.png"));
        QVERIFY(la);
        QCOMPARE(la->classes.size(), size_t(2));
        QCOMPARE(className(*t, "tags", la->classes[0]), std::string("indoor"));
        QCOMPARE(className(*t, "tags", la->classes[1]), std::string("night"));
        auto lb = labelOf(*t, "tags", test::path(dir, "images/b.png"));
        QVERIFY(lb);
        QVERIFY(lb->classes.empty());
    }

    void labelmeSegmentationImport()
    {
        QTemporaryDir dir;
        writeImage(test::path(dir, "m.png"), 6, 4);
        test::writeFile(test::path(dir, "m.json"), R"({"version": "4.0.0", "flags": {}, "shapes": [
            {"label": "road", "points": [[0, 2], [6, 2], [6, 4], [0, 4]], "group_id": null, "shape_type": "polygon", "flags": {}},
            {"label": "car", "points": [[4, 1], [1, 3]], "group_id": null, "shape_type": "rectangle", "flags": {}},
            {"label": "sun", "points": [[5, 0.5], [5.5, 0.5]], "group_id": null, "shape_type": "circle", "flags": {}},
            {"label": "__ignore__", "points": [[0, 0], [6, 0], [6, 4]], "group_id": null, "shape_type": "polygon", "flags": {}}],
            "imagePath": "m.png", "imageData": null, "imageHeight": 4, "imageWidth": 6})");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "labelme", test::path(dir, "m.json"));
        GW_VERIFY_OK(r);
        auto job = s->job("labelme-ref");
        GW_VERIFY_OK(job);
        QCOMPARE(job->classes.size(), size_t(3)); // no "__ignore__"
        const int road = job->classByName("road")->id + 1, car = job->classByName("car")->id + 1,
                  sun = job->classByName("sun")->id + 1;
        // LabelMe's pixels (PIL's: points at pixel centres, outlines included): road fills rows 2-3 (its
        // bottom edge at 4 is outside); the car rectangle, both corners included, takes x 1..4, y 1..3 over it;
        // the circle of radius 0.5 about the centre of pixel (5, 0.5) holds pixels (5, 0) and (5, 1).
        // clang-format off
        QCOMPARE(maskOf(*s, "labelme-ref", test::path(dir, "m.png")).pixels,
                 pixels({0, 0, 0, 0, 0, sun,
                         0, car, car, car, car, sun,
                         road, car, car, car, car, road,
                         road, car, car, car, car, road}));
        // clang-format on
    }

    void labelmeBadInput_data()
    {
        QTest::addColumn<QByteArray>("second");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("malformed") << QByteArray("{\"shapes\": [}")
                                   << QByteArray("b.json:1: not valid JSON at column 13");
        QTest::newRow("out of range")
            << QByteArray(
                   R"({"shapes": [{"label": "cat", "points": [[0, 0], [1, 1]], "shape_type": "rectangle"},
                                {"label": "cat", "points": [[0, 0], [20.6, 1]], "shape_type": "rectangle"}],
                                "imagePath": "b.png", "imageHeight": 10, "imageWidth": 20})")
            << QByteArray("b.json: shapes[1]: rectangle (0, 0)-(20.6, 1) is outside the 20 × 10 image");
        QTest::newRow("short polygon")
            << QByteArray(
                   R"({"shapes": [{"label": "cat", "points": [[0, 0], [1, 1]], "shape_type": "polygon"}],
                                "imagePath": "b.png"})")
            << QByteArray("b.json: shapes[0]: a polygon needs at least 3 points, not 2");
        QTest::newRow("embedded image")
            << QByteArray(
                   R"({"shapes": [], "flags": {"cat": true}, "imagePath": "gone.png", "imageData": "iVBORw0KGgo="})")
            << QByteArray("b.json: imagePath 'gone.png': no such image");
        QTest::newRow("no label")
            << QByteArray(
                   R"({"shapes": [{"points": [[0, 0], [1, 1]], "shape_type": "rectangle"}], "imagePath": "b.png"})")
            << QByteArray("b.json: shapes[0]: no \"label\"");
        QTest::newRow("size differs")
            << QByteArray(R"({"shapes": [], "imagePath": "b.png", "imageHeight": 11, "imageWidth": 20})")
            << QByteArray("b.json: imageWidth × imageHeight is 20 × 11 but the image is 20 × 10");
    }

    void labelmeBadInput()
    {
        QFETCH(QByteArray, second);
        QFETCH(QByteArray, expected);
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        boxProject(*s, dir);
        writeImage(test::path(dir, "in/a.png"), 40, 30);
        writeImage(test::path(dir, "in/b.png"), 20, 10);
        test::writeFile(test::path(dir, "in/a.json"),
                        R"({"shapes": [{"label": "cat", "points": [[1, 1], [5, 5]],
            "shape_type": "rectangle"}], "flags": {"cat": true}, "imagePath": "a.png", "imageHeight": 30, "imageWidth": 40})");
        test::writeFile(test::path(dir, "in/b.json"), second.toStdString());
        const Counts before = counts(*s);
        auto r = importFrom(*s, "labelme", test::path(dir, "in"), "new", {{"task", "boxes"}});
        QVERIFY(!r);
        const std::string &message = r.error().message;
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        if (second.contains("imageData"))
            QVERIFY2(message.find("embedded in imageData") != std::string::npos, message.c_str());
        QVERIFY2(counts(*s) == before, "nothing is written");
    }

    // ---- the labelme-examples package ----

    void realLabelmeBoxes()
    {
        const QString root = QString::fromUtf8(kExamples) + QStringLiteral("/bbox_detection/data_annotated");
        if (!QFileInfo::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "labelme", root.toStdString());
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, int64_t(3));
        QCOMPARE(r->labels, int64_t(3));
        auto job = s->job("labelme");
        QCOMPARE(job->type, TaskType::BoundingBox);
        QCOMPARE(job->classes.size(), size_t(3)); // person, bus, car
        const std::string dirPath = root.toStdString() + "/";
        auto p3 = labelOf(*s, "labelme", dirPath + "2011_000003.jpg");
        QVERIFY(p3);
        QCOMPARE(p3->boxes.size(), size_t(2));
        QCOMPARE(className(*s, "labelme", p3->boxes[0].classId), std::string("person"));
        // [[191.0, 107.36900369003689], [313.0, 329.36900369003695]] in the file
        QCOMPARE(p3->boxes[0].left, 191.0);
        QCOMPARE(p3->boxes[0].top, 107.36900369003689);
        QCOMPARE(p3->boxes[0].width, 122.0);
        QCOMPARE(p3->boxes[0].height, 329.36900369003695 - 107.36900369003689);
        QCOMPARE(p3->imageWidth, 500);
        QCOMPARE(p3->imageHeight, 338);
        QCOMPARE(labelOf(*s, "labelme", dirPath + "2011_000006.jpg")->boxes.size(), size_t(4));
        auto p25 = labelOf(*s, "labelme", dirPath + "2011_000025.jpg");
        QCOMPARE(p25->boxes.size(), size_t(3));
        QCOMPARE(className(*s, "labelme", p25->boxes[2].classId), std::string("car"));
        // [[409.0, 167.0], [500.0, 266.0]]: right on the image's edge
        QCOMPARE(p25->boxes[2].left, 409.0);
        QCOMPARE(p25->boxes[2].width, 91.0);
        QCOMPARE(p25->boxes[2].height, 99.0);

        // Out as COCO and back: the same boxes.
        GW_VERIFY_OK(exportTo(*s, "coco", "labelme", test::path(dir, "c.json")));
        GW_VERIFY_OK(importFrom(*s, "coco", test::path(dir, "c.json"), "again"));
        for (const char *name : {"2011_000003.jpg", "2011_000006.jpg", "2011_000025.jpg"}) {
            auto a = labelOf(*s, "labelme", dirPath + name), b = labelOf(*s, "again", dirPath + name);
            QVERIFY(a && b);
            compareBoxes(b->boxes,
                         a->boxes); // class ids agree: both jobs made their classes in the same order
        }
    }

    void realLabelmeClassification()
    {
        const QString root = QString::fromUtf8(kExamples) + QStringLiteral("/classification/data_annotated");
        if (!QFileInfo::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto r = importFrom(*s, "labelme", root.toStdString());
        GW_VERIFY_OK(r);
        auto job = s->job("labelme");
        QCOMPARE(job->type, TaskType::ImageClassification);
        QCOMPARE(job->classes.size(), size_t(2)); // "__ignore__" is no class
        QCOMPARE(job->classes[0].name, std::string("cat"));
        QCOMPARE(job->classes[1].name, std::string("dog"));
        const std::string dirPath = root.toStdString() + "/";
        QCOMPARE(labelOf(*s, "labelme", dirPath + "0001.jpg")->classes, std::vector<int>{job->classes[0].id});
        QCOMPARE(labelOf(*s, "labelme", dirPath + "0002.jpg")->classes, std::vector<int>{job->classes[1].id});
    }

    void realInstanceSegmentationAndLabelme2coco()
    {
        const QString root = QString::fromUtf8(kExamples) + QStringLiteral("/instance_segmentation");
        if (!QFileInfo::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        // Read as class masks (their group_ids would make them objects: tst_instances).
        auto fromLabelme = importFrom(*s, "labelme", (root + QStringLiteral("/data_annotated")).toStdString(), {},
                                      {{"task", "segmentation"}});
        GW_VERIFY_OK(fromLabelme);
        QCOMPARE(fromLabelme->labels, int64_t(3));
        QCOMPARE(fromLabelme->warnings.size(), size_t(1)); // the two "__ignore__" polygons
        auto lm = s->job("labelme-ref");
        QCOMPARE(lm->type, TaskType::SemanticSegmentation);
        QCOMPARE(lm->classes.size(), size_t(6)); // person, bottle, chair, sofa, bus, car; no "__ignore__"
        // labelme2coco's file: images under JPEGImages/ relative to the json's folder; categories with ids
        // from 0 ("_background_"), all 20 VOC classes.
        const std::string cocoFile =
            (root + QStringLiteral("/data_dataset_coco/annotations.json")).toStdString();
        auto fromCoco = importFrom(*s, "coco", cocoFile, "voc-ref");
        GW_VERIFY_OK(fromCoco);
        QCOMPARE(fromCoco->itemsAdded, int64_t(3));
        QCOMPARE(fromCoco->lines, int64_t(12));
        QCOMPARE(s->job("voc-ref")->classes.size(), size_t(20));
        const std::string cocoDir = (root + QStringLiteral("/data_dataset_coco/")).toStdString();
        QVERIFY(
            s->itemByUri(media::storedUri(s->projectDir(), cocoDir + "JPEGImages/2011_000025.jpg")).value());
        // labelme2coco wrote LabelMe's points as COCO polygons, which pycocotools (and Groundwork reading COCO)
        // fill by pixel centres: the same objects, less the rim of outline pixels LabelMe's own drawing adds.
        for (const char *stem : {"2011_000003", "2011_000006", "2011_000025"}) {
            const auto a =
                pixelsByClass(*s, "labelme-ref", root.toStdString() + "/data_annotated/" + stem + ".jpg");
            const auto b = pixelsByClass(*s, "voc-ref", cocoDir + "JPEGImages/" + stem + ".jpg");
            QVERIFY2(!a.empty(), stem);
            QCOMPARE(a.size(), b.size());
            for (const auto &[name, n] : a) {
                QVERIFY2(b.count(name), name.c_str());
                QVERIFY2(b.at(name) < n && b.at(name) > n * 0.9,
                         (std::string(stem) + " " + name + ": " + std::to_string(n) + " vs " +
                          std::to_string(b.at(name)))
                             .c_str());
            }
        }
        // labelme2coco's "area" came from its own rasterisation (PIL, which also takes the pixels the outline
        // crosses): ours, by pixel centres, is a little smaller (93-99.7% on these files).
        json::Value doc;
        QVERIFY(json::parse(test::readFile(cocoFile), doc));
        for (const json::Value &a : doc.find("annotations")->toArray()) {
            const json::Value &img = doc.find("images")->toArray()[size_t(a.find("image_id")->toInt())];
            mask::IndexedMask m{int(img.find("width")->toInt()), int(img.find("height")->toInt()), {}};
            m.pixels.assign(size_t(m.width) * size_t(m.height), 0);
            for (const json::Value &poly : a.find("segmentation")->toArray()) {
                std::vector<raster::Point> pts;
                for (size_t i = 0; i + 1 < poly.toArray().size(); i += 2)
                    pts.push_back({poly.toArray()[i].toDouble(), poly.toArray()[i + 1].toDouble()});
                raster::fillPolygon(m, pts, 1);
            }
            const double ours = double(std::count(m.pixels.begin(), m.pixels.end(), 1));
            const double theirs = a.find("area")->toDouble();
            QVERIFY2(ours <= theirs && ours >= theirs * 0.9,
                     qPrintable(QStringLiteral("annotation %1: %2 vs %3")
                                    .arg(a.find("id")->toInt())
                                    .arg(ours)
                                    .arg(theirs)));
        }
    }

    void labelmeImportHasLabelme2vocsPixels_data()
    {
        QTest::addColumn<QString>("example");
        QTest::newRow("semantic") << QStringLiteral("semantic_segmentation");
        QTest::newRow("instance (as class masks)") << QStringLiteral("instance_segmentation");
        QTest::newRow("video") << QStringLiteral("video_annotation");
    }

    void labelmeImportHasLabelme2vocsPixels()
    {
        // LabelMe's own examples read as class masks have the pixels LabelMe's labelme2voc drew from the same
        // files (SegmentationClassPNG: PNG value v is class_names.txt's line v; 0 background, 255 "don't care").
        QFETCH(QString, example);
        const std::string root = std::string(kExamples) + "/" + example.toStdString();
        if (!QFileInfo::exists(QString::fromStdString(root)))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(importFrom(*s, "labelme", root + "/data_annotated", "lm-ref", {{"task", "segmentation"}}));
        QStringList names = QString::fromStdString(test::readFile(root + "/data_dataset_voc/class_names.txt"))
                                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        std::map<int, std::string> ours;
        const Job job = *s->job("lm-ref");
        for (const LabelClass &c : job.classes)
            ours[c.id + 1] = c.name;
        int64_t labelled = 0, agree = 0, disagree = 0, images = 0;
        for (const auto &entry : std::filesystem::directory_iterator(root + "/data_dataset_voc/SegmentationClassPNG")) {
            const std::string stem = entry.path().stem().string();
            const QImage png(QString::fromStdString(entry.path().string()));
            QCOMPARE(png.format(), QImage::Format_Indexed8);
            const mask::IndexedMask m = maskOf(*s, "lm-ref", root + "/data_annotated/" + stem + ".jpg");
            QCOMPARE(m.width, png.width());
            ++images;
            for (int y = 0; y < png.height(); ++y)
                for (int x = 0; x < png.width(); ++x) {
                    const int v = png.pixelIndex(x, y);
                    if (v == 255)
                        continue; // "__ignore__": Groundwork leaves such shapes out
                    const uint8_t value = m.pixels[size_t(y) * size_t(m.width) + size_t(x)];
                    const std::string want = v == 0 ? std::string() : names.at(v).toStdString();
                    const std::string got = value == 0 ? std::string() : ours.at(value);
                    labelled += v != 0 || value != 0;
                    (got == want ? agree : disagree) += v != 0 || value != 0;
                }
        }
        QVERIFY(images >= 3);
        qInfo("%s: %lld of %lld labelled pixels as labelme2voc has them (%.4f%%), %lld differ", qPrintable(example),
              (long long)agree, (long long)labelled, 100.0 * double(agree) / double(labelled), (long long)disagree);
        QVERIFY(labelled > 10000);
        QCOMPARE(disagree, int64_t(0));
    }

    void segmentationRoundTripThroughCocoAndBack()
    {
        // A mask with many runs, regions, holes and corner contacts through both RLE forms, COCO polygons and
        // LabelMe polygons: pixel-exact.
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        writeImage(test::path(dir, "big.png"), 37, 23);
        Job j =
            *s->createJob(makeJob("m-ref", TaskType::SemanticSegmentation, {{0, "a"}, {1, "b"}, {2, "c"}}));
        const Item it = addImage(*s, test::path(dir, "big.png"), 37, 23);
        mask::IndexedMask m{37, 23, std::vector<uint8_t>(37 * 23, 0)};
        for (int y = 0; y < 23; ++y)
            for (int x = 0; x < 37; ++x)
                m.pixels[size_t(y * 37 + x)] = uint8_t(((x * 7 + y * 3) / 5 + (x * y) % 4) % 4);
        put(*s, j, it, maskPayload(m, j));
        for (const char *form : {"rle", "rle-string", "polygons"}) {
            const std::string out = test::path(dir, (std::string(form) + ".json").c_str());
            GW_VERIFY_OK(exportTo(*s, "coco", "m-ref", out, {{"masks", form}}));
            const std::string job = std::string("back-") + form + "-ref";
            GW_VERIFY_OK(importFrom(*s, "coco", out, job));
            QCOMPARE(maskOf(*s, job, test::path(dir, "big.png")).pixels, m.pixels);
        }
        GW_VERIFY_OK(exportTo(*s, "labelme", "m-ref", test::path(dir, "lm")));
        GW_VERIFY_OK(importFrom(*s, "labelme", test::path(dir, "lm"), "back-labelme-ref"));
        QCOMPARE(maskOf(*s, "back-labelme-ref", test::path(dir, "big.png")).pixels, m.pixels);
    }
};

QTEST_GUILESS_MAIN(TestCocoLabelme)
#include "tst_coco_labelme.moc"
