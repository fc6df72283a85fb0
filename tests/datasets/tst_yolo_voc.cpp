// The YOLO and Pascal VOC formats: exports equal the golden folders (tests/golden/formats), the golden
// folders and labelme's VOC examples import with exact boxes and mask pixels, read → write → read is exact,
// splits survive, and bad input is refused with the file and line (or element) and nothing written.
//
// Text files and copied images are compared byte for byte; mask PNGs by size, palette and pixels (their
// compressed bytes depend on the zlib version). GW_UPDATE_GOLDEN=1 rewrites the golden folders from the
// exports (check the diff by hand).

#include "yolovocfixtures.h"

using namespace gw;
using namespace gw::datasets;
namespace fs = std::filesystem;

using namespace Qt::StringLiterals;
using namespace gw::test::yolovoc;

class TestYoloVoc : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void registered()
    {
        QVERIFY(format("yolo").carries(TaskType::BoundingBox));
        QVERIFY(format("yolo").carries(TaskType::SemanticSegmentation));
        QVERIFY(format("voc").carries(TaskType::BoundingBox));
        QVERIFY(format("voc").carries(TaskType::SemanticSegmentation));
        QVERIFY(format("yolo").writesFolder && format("yolo").readsFolder);
        QVERIFY(format("voc").writesFolder && format("voc").readsFolder);
    }

    // ---- YOLO ----

    void yoloExportMatchesGolden()
    {
        BoxProject p;
        const std::string out = p.path("out");
        auto r = exportTo(*p.store, "yolo", "boxes", out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, 3);
        // By hand: cat (4, 3, 10×12) in 40×30 is centre (9, 9) → 0.225 0.3, size 0.25 0.4; class cat is
        // position 0 though its id is 3. dog (5, 7, 11×9) in 37×23: 10.5/37 = 0.2837837.. → 0.283784, 11/37 =
        // 0.2972972.. → 0.297297, 9/23 = 0.3913043.. → 0.391304.
        QCOMPARE(test::readFile(out + "/labels/train/a.txt"),
                 std::string("0 0.225000 0.300000 0.250000 0.400000\n"
                             "2 0.500000 0.500000 1.000000 1.000000\n"));
        QCOMPARE(test::readFile(out + "/labels/validation/b.txt"),
                 std::string("1 0.283784 0.500000 0.297297 0.391304\n"));
        QVERIFY(fs::exists(out + "/labels/train/c.txt"));
        QCOMPARE(test::readFile(out + "/labels/train/c.txt"), std::string()); // a negative image
        QVERIFY(!fs::exists(out + "/images/test")); // d is unlabelled: not exported, no test split
        for (const char *f : {"images/train/a.png", "images/validation/b.png", "images/train/c.png"})
            QCOMPARE(test::readFile(out + "/" + f),
                     test::readFile(golden(std::string("images/") + fs::path(f).filename().string())));
        compareWithGolden(out, "yolo");
    }

    void yoloImportGolden()
    {
        Project p;
        auto r = importFrom(*p.store, "yolo", golden("yolo"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, 3);
        QCOMPARE(r->labels, 3);
        QCOMPARE(classNames(*p.store, "yolo"), strs({"cat", "dog", "traffic light"}));
        const Item a = itemAt(*p.store, golden("yolo/images/train/a.png"));
        const Item b = itemAt(*p.store, golden("yolo/images/validation/b.png"));
        const Item c = itemAt(*p.store, golden("yolo/images/train/c.png"));
        QCOMPARE(a.split, std::string("train"));
        QCOMPARE(b.split, std::string("validation"));
        QCOMPARE(c.split, std::string("train"));
        QCOMPARE(boxTexts(*p.store, "yolo", *labelOf(*p.store, "yolo", a)),
                 strs({"cat 4 3 10 12", "traffic light 0 0 40 30"}));
        QCOMPARE(boxTexts(*p.store, "yolo", *labelOf(*p.store, "yolo", b)), strs({"dog 5 7 11 9"}));
        const auto cl = labelOf(*p.store, "yolo", c);
        QVERIFY(cl); // labelled, with no box
        QVERIFY(cl->boxes.empty());
    }

    void yoloReadWriteRead()
    {
        Project p;
        GW_VERIFY_OK(importFrom(*p.store, "yolo", golden("yolo")));
        const std::string out = p.path("again");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "yolo", out));
        compareWithGolden(out, "yolo");
        Project q;
        GW_VERIFY_OK(importFrom(*q.store, "yolo", out));
        const Item b = itemAt(*q.store, out + "/images/validation/b.png");
        QCOMPARE(b.split, std::string("validation"));
        QCOMPARE(boxTexts(*q.store, "yolo", *labelOf(*q.store, "yolo", b)), strs({"dog 5 7 11 9"}));
    }

    void yoloIntegerBoxesSurviveOddSizes()
    {
        // Every integer box on awkward sizes comes back exact through 6 decimals.
        Project p;
        const Job job = makeJob(*p.store, "boxes", TaskType::BoundingBox, {{0, "x"}});
        const Item it = addImage(p, "b.png", "b.png", 37, 23, {});
        std::vector<Box> all;
        for (int l = 0; l < 37; l += 3)
            for (int w = 1; l + w <= 37; w += 5)
                all.push_back(box(0, l, (l * 7) % 20, w, 23 - (l * 7) % 20));
        put(*p.store, job, it, boxes(all, it));
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "boxes", out));
        Project q;
        GW_VERIFY_OK(importFrom(*q.store, "yolo", out));
        QCOMPARE(
            boxTexts(*q.store, "yolo", *labelOf(*q.store, "yolo", itemAt(*q.store, out + "/images/b.png"))),
            boxTexts(*p.store, "boxes", *labelOf(*p.store, "boxes", it)));
    }

    void yoloWithoutSplitsIsFlat()
    {
        BoxProject p;
        auto tx = p.store->begin();
        for (const Item &it : {p.a, p.b, p.c, p.d})
            GW_VERIFY_OK((*tx)->setSplit(it.id, {}));
        GW_VERIFY_OK((*tx)->commit());
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "boxes", out, {}, /*onlyLabeled=*/false));
        QStringList files;
        for (const auto &[rel, _] : filesBelow(out))
            files << QString::fromStdString(rel);
        // d is unlabelled: its image without a label file.
        QCOMPARE(files, strs({"classes.txt", "data.yaml", "images/a.png", "images/b.png", "images/c.png",
                              "images/d.png", "labels/a.txt", "labels/b.txt", "labels/c.txt"}));
        const std::string yaml = test::readFile(out + "/data.yaml");
        QVERIFY(
            yaml.find(
                "\ntrain: images\nval: images\nnc: 3\nnames:\n  0: cat\n  1: dog\n  2: traffic light\n") !=
            std::string::npos);
        Project q;
        auto r = importFrom(*q.store, "yolo", out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, 4);
        QCOMPARE(r->labels, 3);
        QVERIFY(!labelOf(*q.store, "yolo", itemAt(*q.store, out + "/images/d.png")));
        QCOMPARE(itemAt(*q.store, out + "/images/a.png").split, std::string());
    }

    void yoloItemsWithoutSplitGoToUnassigned()
    {
        BoxProject p;
        auto tx = p.store->begin();
        GW_VERIFY_OK((*tx)->setSplit(p.c.id, {}));
        GW_VERIFY_OK((*tx)->commit());
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "boxes", out));
        QVERIFY(fs::exists(out + "/images/unassigned/c.png"));
        QVERIFY(fs::exists(out + "/labels/unassigned/c.txt"));
        QVERIFY(test::readFile(out + "/data.yaml").find("unassigned") == std::string::npos);
        Project q;
        GW_VERIFY_OK(importFrom(*q.store, "yolo", out));
        QCOMPARE(itemAt(*q.store, out + "/images/unassigned/c.png").split, std::string());
        QCOMPARE(itemAt(*q.store, out + "/images/train/a.png").split, std::string("train"));
    }

    void yoloLinksImages()
    {
        BoxProject p;
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "boxes", out, {{"files", "link"}}));
        QVERIFY(fs::is_symlink(out + "/images/train/a.png"));
        QCOMPARE(fs::read_symlink(out + "/images/train/a.png").string(), p.path("src/a.png"));
    }

    void yoloNames_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("names");
        const QStringList three = strs({"cat", "dog", "traffic light"});
        QTest::newRow("flow list")
            << u"data.yaml"_s << u"train: images/train\nnames: [cat, 'dog', \"traffic light\"]\nnc: 3\n"_s
            << three;
        QTest::newRow("flow list over lines")
            << u"data.yaml"_s << u"names: [cat,\n  dog,\n  traffic light]  # three\n"_s << three;
        QTest::newRow("block list")
            << u"data.yaml"_s << u"nc: 3\nnames:\n  - cat\n  - dog # a comment\n  - traffic light\nval: x\n"_s
            << three;
        QTest::newRow("block list at column 0")
            << u"data.yaml"_s << u"names:\n- cat\n- dog\n- traffic light\n"_s << three;
        QTest::newRow("map") << u"data.yaml"_s
                             << u"path: ../x\nnames:\n  2: traffic light\n  0: cat\n  1: \"dog\"\nnc: 3\n"_s
                             << three;
        QTest::newRow("flow map") << u"data.yaml"_s << u"names: {0: cat, 1: dog, 2: 'traffic light'}\n"_s
                                  << three;
        QTest::newRow("quotes") << u"data.yaml"_s << u"names: ['it''s', \"a \\\"b\\\"\", 'x: y # z']\n"_s
                                << strs({"it's", "a \"b\"", "x: y # z"});
        QTest::newRow("classes.txt") << u"classes.txt"_s << u"cat\r\ndog\r\ntraffic light\r\n\r\n"_s << three;
        QTest::newRow("obj.names") << u"obj.names"_s << u"cat\ndog\ntraffic light"_s << three;
    }

    void yoloNames()
    {
        QFETCH(QString, file);
        QFETCH(QString, text);
        QFETCH(QStringList, names);
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "yolo", "ds");
        fs::remove(root + "/data.yaml");
        fs::remove(root + "/classes.txt");
        test::writeFile(root + "/" + file.toStdString(), text.toStdString());
        Project p;
        auto r = importFrom(*p.store, "yolo", root);
        GW_VERIFY_OK(r);
        QCOMPARE(classNames(*p.store, "yolo"), names);
    }

    void yoloNamesWrittenAsYaml()
    {
        // Names that YAML would read as something else are quoted; the reader gets them back.
        Project p;
        const Job job =
            makeJob(*p.store, "boxes", TaskType::BoundingBox,
                    {{0, "yes"}, {1, "12"}, {2, "a: b"}, {3, "say \"hi\""}, {4, "#tag"}, {5, "tv/monitor"}});
        const Item it = addImage(p, "a.png", "a.png", 40, 30, {});
        put(*p.store, job, it, boxes({box(5, 1, 1, 2, 2)}, it));
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "yolo", "boxes", out));
        QVERIFY(test::readFile(out + "/data.yaml")
                    .find("  0: \"yes\"\n  1: \"12\"\n  2: \"a: b\"\n  3: \"say \\\"hi\\\"\"\n"
                          "  4: \"#tag\"\n  5: tv/monitor\n") != std::string::npos);
        fs::remove(out + "/classes.txt");
        Project q;
        GW_VERIFY_OK(importFrom(*q.store, "yolo", out));
        QCOMPARE(classNames(*q.store, "yolo"),
                 strs({"yes", "12", "a: b", "say \"hi\"", "#tag", "tv/monitor"}));
    }

    void yoloOtherLayouts()
    {
        // Roboflow: SPLIT/images and SPLIT/labels; darknet: x.txt beside x.png.
        QTemporaryDir dir;
        const std::string rf = test::path(dir, "rf"), dn = test::path(dir, "dn");
        fs::create_directories(rf + "/valid/images");
        fs::create_directories(rf + "/valid/labels");
        fs::copy_file(golden("images/b.png"), rf + "/valid/images/b.png");
        test::writeFile(rf + "/valid/labels/b.txt", "1 0.283784 0.500000 0.297297 0.391304\n");
        test::writeFile(rf + "/data.yaml",
                        "train: ../train/images\nval: ../valid/images\nnc: 2\nnames: ['cat', 'dog']\n");
        fs::create_directories(dn + "/obj");
        fs::copy_file(golden("images/a.png"), dn + "/obj/a.png");
        test::writeFile(dn + "/obj/a.txt", "0 0.225 0.3 0.25 0.4\n");
        test::writeFile(dn + "/obj.names", "cat\n");
        test::writeFile(dn + "/train.txt", "obj/a.png\n"); // a list of images, not a label file
        Project p;
        GW_VERIFY_OK(importFrom(*p.store, "yolo", rf));
        const Item b = itemAt(*p.store, rf + "/valid/images/b.png");
        QCOMPARE(b.split, std::string("validation"));
        QCOMPARE(boxTexts(*p.store, "yolo", *labelOf(*p.store, "yolo", b)), strs({"dog 5 7 11 9"}));
        FormatImportOptions o;
        o.job = "darknet";
        GW_VERIFY_OK(importFrom(*p.store, "yolo", dn, o));
        QCOMPARE(
            boxTexts(*p.store, "darknet", *labelOf(*p.store, "darknet", itemAt(*p.store, dn + "/obj/a.png"))),
            strs({"cat 4 3 10 12"}));
    }

    void yoloToleranceAndClipping()
    {
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "yolo", "ds");
        // 1 + 5e-7 is within the tolerance; the box's right half is outside and clipped.
        test::writeFile(root + "/labels/train/c.txt", "0 1.0000005 0.5 0.5 0.5\n");
        Project p;
        GW_VERIFY_OK(importFrom(*p.store, "yolo", root));
        QCOMPARE(boxTexts(*p.store, "yolo",
                          *labelOf(*p.store, "yolo", itemAt(*p.store, root + "/images/train/c.png"))),
                 strs({"cat 12 3 4 6"}));
    }

    void yoloBadInput_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("class outside names")
            << u"labels/train/a.txt"_s << u"0 0.5 0.5 0.2 0.2\n\n3 0.5 0.5 0.2 0.2\n"_s
            << strs({"labels/train/a.txt:3: ", "class 3 is outside the 3 names"});
        QTest::newRow("class not an index") << u"labels/train/a.txt"_s << u"cat 0.5 0.5 0.2 0.2\n"_s
                                            << strs({"labels/train/a.txt:1: ", "class 'cat'"});
        QTest::newRow("coordinate above 1")
            << u"labels/validation/b.txt"_s << u"1 1.5 0.5 0.2 0.2\n"_s
            << strs({"labels/validation/b.txt:1: ", "cx 1.5 is outside [0, 1]"});
        QTest::newRow("negative size")
            << u"labels/train/a.txt"_s << u"0 0.5 0.5 0.2 0.2\n0 0.5 0.5 -0.1 0.2\n"_s
            << strs({"labels/train/a.txt:2: ", "w -0.1 is outside [0, 1]"});
        QTest::newRow("pixel coordinates") << u"labels/train/a.txt"_s << u"0 20 15 10 12\n"_s
                                           << strs({"labels/train/a.txt:1: ", "cx 20 is outside [0, 1]"});
        QTest::newRow("not a number") << u"labels/train/a.txt"_s << u"0 0.5 abc 0.2 0.2\n"_s
                                      << strs({"labels/train/a.txt:1: ", "cy 'abc' is not a number"});
        QTest::newRow("four numbers") << u"labels/train/a.txt"_s << u"0 0.5 0.5 0.2\n"_s
                                      << strs({"labels/train/a.txt:1: ", "expected 5 numbers", "found 4"});
        QTest::newRow("with confidence") << u"labels/train/a.txt"_s << u"0 0.5 0.5 0.2 0.2 0.9\n"_s
                                         << strs({"labels/train/a.txt:1: ", "found 6"});
        QTest::newRow("segmentation") << u"labels/train/a.txt"_s << u"0 0.1 0.1 0.5 0.1 0.5 0.5\n"_s
                                      << strs({"segmentation polygon"}); // a box job or a polygon folder: either way named
        QTest::newRow("label without image")
            << u"labels/validation/zzz.txt"_s << u"0 0.5 0.5 0.2 0.2\n"_s
            << strs({"labels/validation/zzz.txt", "a label file without an image"});
        QTest::newRow("nc disagrees")
            << u"data.yaml"_s << u"train: images/train\nnc: 4\nnames: [cat, dog, traffic light]\n"_s
            << strs({"data.yaml:2: ", "nc is 4 but names lists 3"});
        QTest::newRow("map with a gap") << u"data.yaml"_s << u"names:\n  0: cat\n  2: dog\n"_s
                                        << strs({"data.yaml:1: ", "no entry for class 1"});
        QTest::newRow("names not a list")
            << u"data.yaml"_s << u"names: cat\n"_s << strs({"data.yaml:1: ", "names is not a list"});
        QTest::newRow("unclosed quote")
            << u"data.yaml"_s << u"names:\n  - 'cat\n"_s << strs({"data.yaml:2: ", "is not closed"});
    }

    void yoloBadInput()
    {
        QFETCH(QString, file);
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "yolo", "ds");
        test::writeFile(root + "/" + file.toStdString(), text.toStdString());
        Project fresh;
        expectRefused(*fresh.store, "yolo", root, expected);
        Project used; // the same labels already in the project
        GW_VERIFY_OK(importFrom(*used.store, "yolo", golden("yolo")));
        expectRefused(*used.store, "yolo", root, expected);
    }

    void yoloIntoAnExistingJob()
    {
        // Classes are matched by name, not by index: the job lists dog before cat and lacks traffic light.
        Project p;
        makeJob(*p.store, "yolo", TaskType::BoundingBox, {{0, "dog"}, {1, "cat"}});
        expectRefused(
            *p.store, "yolo", golden("yolo"),
            strs({"labels/train/a.txt:2: class 'traffic light' is not one of job 'yolo' (dog, cat)"}));
        FormatImportOptions o;
        o.addClasses = true;
        GW_VERIFY_OK(importFrom(*p.store, "yolo", golden("yolo"), o));
        QCOMPARE(classNames(*p.store, "yolo"), strs({"dog", "cat", "traffic light"}));
        const Payload a = *labelOf(*p.store, "yolo", itemAt(*p.store, golden("yolo/images/train/a.png")));
        QCOMPARE(boxTexts(*p.store, "yolo", a), strs({"cat 4 3 10 12", "traffic light 0 0 40 30"}));
        QCOMPARE(a.boxes[0].classId, 1);
    }

    void yoloUnknownImageSize()
    {
        BoxProject p;
        const Job other = makeJob(*p.store, "other", TaskType::BoundingBox, {{0, "x"}});
        Item it;
        it.uri = p.path("src/a.png"); // size unknown
        auto tx = p.store->begin();
        GW_VERIFY_OK((*tx)->addItem(it));
        GW_VERIFY_OK((*tx)->commit());
        Payload pl;
        pl.boxes = {box(0, 1, 1, 2, 2)};
        put(*p.store, other, it, pl);
        auto r = exportTo(*p.store, "yolo", "other", p.path("out"));
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("a.png: the image's size is unknown") != std::string::npos,
                 r.error().message.c_str());
        QVERIFY(!fs::exists(p.path("out")));
    }

    // ---- Pascal VOC ----

    void vocBoxesExportMatchesGolden()
    {
        BoxProject p;
        const std::string out = p.path("out");
        auto r = exportTo(*p.store, "voc", "boxes", out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, 3);
        // By hand: cat left 4, width 10 covers 0-based columns 4..13 → xmin 5, xmax 14; top 3, height 12 →
        // 4, 15.
        const std::string a = test::readFile(out + "/Annotations/a.xml");
        QVERIFY(a.find("<name>cat</name>") != std::string::npos);
        QVERIFY(a.find("<xmin>5</xmin>\n            <ymin>4</ymin>\n            <xmax>14</xmax>\n            "
                       "<ymax>15</ymax>") != std::string::npos);
        QVERIFY(a.find("<xmin>1</xmin>\n            <ymin>1</ymin>\n            <xmax>40</xmax>\n            "
                       "<ymax>30</ymax>") != std::string::npos);
        QCOMPARE(test::readFile(out + "/ImageSets/Main/train.txt"), std::string("a\nc\n"));
        QCOMPARE(test::readFile(out + "/ImageSets/Main/val.txt"), std::string("b\n"));
        QCOMPARE(test::readFile(out + "/ImageSets/Main/trainval.txt"), std::string("a\nb\nc\n"));
        QCOMPARE(test::readFile(out + "/class_names.txt"),
                 std::string("_background_\ncat\ndog\ntraffic light\n"));
        compareWithGolden(out, "voc/boxes");
    }

    void vocBoxesImportAndRoundTrip()
    {
        Project p;
        auto r = importFrom(*p.store, "voc", golden("voc/boxes"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, 3);
        QCOMPARE(r->labels, 3);
        QCOMPARE(classNames(*p.store, "voc"), strs({"cat", "dog", "traffic light"}));
        const Item a = itemAt(*p.store, golden("voc/boxes/JPEGImages/a.png"));
        const Item b = itemAt(*p.store, golden("voc/boxes/JPEGImages/b.png"));
        const Item c = itemAt(*p.store, golden("voc/boxes/JPEGImages/c.png"));
        QCOMPARE(boxTexts(*p.store, "voc", *labelOf(*p.store, "voc", a)),
                 strs({"cat 4 3 10 12", "traffic light 0 0 40 30"}));
        QCOMPARE(boxTexts(*p.store, "voc", *labelOf(*p.store, "voc", b)), strs({"dog 5 7 11 9"}));
        QVERIFY(labelOf(*p.store, "voc", c)->boxes.empty());
        QCOMPARE(a.split, std::string("train"));
        QCOMPARE(b.split, std::string("validation"));
        QCOMPARE(c.split, std::string("train"));
        const std::string out = p.path("again");
        GW_VERIFY_OK(exportTo(*p.store, "voc", "voc", out));
        compareWithGolden(out, "voc/boxes");
    }

    void vocBoxRounding()
    {
        Project p;
        const Job job = makeJob(*p.store, "boxes", TaskType::BoundingBox, {{0, "x"}});
        const Item it = addImage(p, "a.png", "a.png", 40, 30, {});
        // (2.5, 1.4) + (3.2 × 2.2): columns round(2.5) = 3 .. round(5.7) - 1 = 5, rows 1 .. 3 → 4 2 6 4.
        // A box smaller than a pixel keeps the pixel it starts in; one partly outside is clipped.
        put(*p.store, job, it,
            boxes({box(0, 2.5, 1.4, 3.2, 2.2), box(0, 10.2, 5.1, 0.2, 0.2), box(0, -5, -5, 10, 10),
                   box(0, 50, 5, 3, 3)},
                  it));
        const std::string out = p.path("out");
        GW_VERIFY_OK(exportTo(*p.store, "voc", "boxes", out));
        const std::string xml = test::readFile(out + "/Annotations/a.xml");
        auto bndbox = [](int x0, int y0, int x1, int y1) {
            return "<xmin>" + std::to_string(x0) + "</xmin>\n            <ymin>" + std::to_string(y0) +
                   "</ymin>\n            <xmax>" + std::to_string(x1) + "</xmax>\n            <ymax>" +
                   std::to_string(y1) + "</ymax>";
        };
        QVERIFY2(xml.find(bndbox(4, 2, 6, 4)) != std::string::npos, xml.c_str());
        QVERIFY2(xml.find(bndbox(11, 6, 11, 6)) != std::string::npos, xml.c_str());
        QVERIFY2(xml.find(bndbox(1, 1, 5, 5)) != std::string::npos, xml.c_str());
        QCOMPARE(QString::fromStdString(xml).count(QStringLiteral("<object>")),
                 3); // the one outside is left out
        Project q;
        GW_VERIFY_OK(importFrom(*q.store, "voc", out));
        QCOMPARE(
            boxTexts(*q.store, "voc", *labelOf(*q.store, "voc", itemAt(*q.store, out + "/JPEGImages/a.png"))),
            strs({"x 3 1 3 3", "x 10 5 1 1", "x 0 0 5 5"}));
    }

    void vocMasksExportMatchesGolden()
    {
        MaskProject p;
        const std::string out = p.path("out");
        auto r = exportTo(*p.store, "voc", "seg-ref", out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->masksWritten, 2);
        // Values are positions + 1 (road 1, car 2) on VOC's colour map: 1 = (128, 0, 0), 2 = (0, 128, 0).
        const QImage a(QString::fromStdString(out + "/SegmentationClass/a.png"));
        QCOMPARE(a.format(), QImage::Format_Indexed8);
        QCOMPARE(a.pixelIndex(0, 25), 1);
        QCOMPARE(a.pixelIndex(12, 7), 2);
        QCOMPARE(a.pixelIndex(0, 0), 0);
        QCOMPARE(a.color(0), qRgb(0, 0, 0));
        QCOMPARE(a.color(1), qRgb(128, 0, 0));
        QCOMPARE(a.color(2), qRgb(0, 128, 0));
        QCOMPARE(a.color(3), qRgb(128, 128, 0));
        QCOMPARE(a.color(15), qRgb(192, 128, 128));  // person
        QCOMPARE(a.color(255), qRgb(224, 224, 192)); // void
        QCOMPARE(test::readFile(out + "/class_names.txt"), std::string("_background_\nroad\ncar\n"));
        QCOMPARE(test::readFile(out + "/ImageSets/Segmentation/train.txt"), std::string("a\n"));
        QVERIFY(!fs::exists(out + "/Annotations"));
        compareWithGolden(out, "voc/masks");
    }

    void yoloSegmentationPolygonsRoundTrip()
    {
        // Masks leave as region outlines ("class x1 y1 ..." in fractions) and come back pixel for pixel.
        MaskProject src;
        const std::string out = src.path("yolo-seg");
        GW_VERIFY_OK(exportTo(*src.store, "yolo", "seg-ref", out));
        const std::string a = test::readFile(out + "/labels/train/a.txt");
        // a.png (40×30): car is the rectangle x 10..20, y 5..15; road the band y ≥ 20. Car is class 1 (position).
        QVERIFY2(a.find("1 0.250000 0.166667 ") == 0 || a.find("\n1 ") != std::string::npos, a.c_str());
        QCOMPARE(std::count(a.begin(), a.end(), '\n'), 2L);
        for (const std::string &line : {std::string("0 "), std::string("1 ")})
            QVERIFY2(a.find(line) != std::string::npos, a.c_str());
        Project p;
        auto r = importFrom(*p.store, "yolo", out);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, 2);
        QCOMPARE(p.store->job("yolo-ref")->type, TaskType::SemanticSegmentation);
        for (const char *name : {"a.png", "b.png"}) {
            const Item theirs = name[0] == 'a' ? src.a : src.b;
            const Item mine = itemAt(*p.store, out + "/images/" + theirs.split + "/" + name);
            QVERIFY(maskNames(*p.store, "yolo-ref", *labelOf(*p.store, "yolo-ref", mine)) ==
                    maskNames(*src.store, "seg-ref", *labelOf(*src.store, "seg-ref", theirs)));
        }
        // A bad point is named with its file and line; nothing is written.
        test::writeFile(out + "/labels/train/a.txt", "1 0.1 0.1 0.5 0.1 0.5 1.7\n");
        Project q;
        auto bad = importFrom(*q.store, "yolo", out);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("labels/train/a.txt:1: point 3 (0.5, 1.7)") != std::string::npos,
                 bad.error().message.c_str());
        QVERIFY(!q.store->job("yolo-ref"));
    }

    void vocMasksImportAndRoundTrip()
    {
        MaskProject src;
        Project p;
        auto r = importFrom(*p.store, "voc", golden("voc/masks"));
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, 2);
        QCOMPARE(classNames(*p.store, "voc-ref"), strs({"road", "car"}));
        for (const char *name : {"a.png", "b.png"}) {
            const Item mine = itemAt(*p.store, golden(std::string("voc/masks/JPEGImages/") + name));
            const Item theirs = name[0] == 'a' ? src.a : src.b;
            QVERIFY(maskNames(*p.store, "voc-ref", *labelOf(*p.store, "voc-ref", mine)) ==
                    maskNames(*src.store, "seg-ref", *labelOf(*src.store, "seg-ref", theirs)));
            QCOMPARE(mine.split, theirs.split);
        }
        const std::string out = p.path("again");
        GW_VERIFY_OK(exportTo(*p.store, "voc", "voc-ref", out));
        compareWithGolden(out, "voc/masks");
    }

    void labelmeBoxes()
    {
        const std::string root = kLabelme + "/bbox_detection/data_dataset_voc";
        if (!fs::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        Project p;
        auto r = importFrom(*p.store, "voc", root);
        GW_VERIFY_OK(r);
        QCOMPARE(r->itemsAdded, 3);
        QCOMPARE(r->labels, 3);
        const QStringList names = classNames(*p.store, "voc");
        QCOMPARE(names.size(), 20); // class_names.txt without _background_, in its order
        QCOMPARE(names.front(), QStringLiteral("aeroplane"));
        QCOMPARE(names.at(14), QStringLiteral("person"));
        QCOMPARE(names.back(), QStringLiteral("tv/monitor"));
        int total = 0;
        for (const char *stem : {"2011_000003", "2011_000006", "2011_000025"})
            total += int(labelOf(*p.store, "voc", itemAt(*p.store, root + "/JPEGImages/" + stem + ".jpg"))
                             ->boxes.size());
        QCOMPARE(total, 9);
        // 2011_000003.xml: person 191.0 107.36900369003689 313.0 329.36900369003695 and 365 83 500 333
        // (1-based).
        const Item it = itemAt(*p.store, root + "/JPEGImages/2011_000003.jpg");
        QCOMPARE(it.width, 500);
        QCOMPARE(it.height, 338);
        const Payload pl = *labelOf(*p.store, "voc", it);
        QCOMPARE(pl.boxes.size(), size_t(2));
        const Box &b = pl.boxes[0];
        QVERIFY(b.left == 190 && b.width == 123);
        QVERIFY(b.top == 107.36900369003689 - 1 && b.height == 329.36900369003695 - (107.36900369003689 - 1));
        QCOMPARE(boxTexts(*p.store, "voc", pl).at(1), QStringLiteral("person 364 82 136 251"));
        const Payload bus = *labelOf(*p.store, "voc", itemAt(*p.store, root + "/JPEGImages/2011_000025.jpg"));
        QCOMPARE(boxTexts(*p.store, "voc", bus).at(1), QStringLiteral("bus 0 98 107 184"));
        QCOMPARE(boxTexts(*p.store, "voc", bus).at(2), QStringLiteral("car 408 166 92 100"));
    }

    void labelmeMasks_data()
    {
        QTest::addColumn<QString>("example");
        QTest::newRow("semantic") << u"semantic_segmentation"_s;
        QTest::newRow("instance (its class masks)") << u"instance_segmentation"_s;
    }

    void labelmeMasks()
    {
        QFETCH(QString, example);
        const std::string root = kLabelme + "/" + example.toStdString() + "/data_dataset_voc";
        if (!fs::exists(root))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        Project p;
        auto r = importFrom(*p.store, "voc", root);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labels, 3);
        const QStringList names = classNames(*p.store, "voc-ref");
        QCOMPARE(names.size(), 20);
        QCOMPARE(names.at(14), QStringLiteral("person"));
        // Every pixel: the PNG's value v is class_names.txt's line v (0 and 255: background).
        const QStringList all = strs({"_background_"}) + names;
        for (const char *stem : {"2011_000003", "2011_000006", "2011_000025"}) {
            const QImage png(QString::fromStdString(root + "/SegmentationClassPNG/" + stem + ".png"));
            QCOMPARE(png.format(), QImage::Format_Indexed8);
            const auto got = maskNames(
                *p.store, "voc-ref",
                *labelOf(*p.store, "voc-ref", itemAt(*p.store, root + "/JPEGImages/" + stem + ".jpg")));
            QCOMPARE(got.size(), size_t(png.width() * png.height()));
            int labelled = 0;
            for (int y = 0; y < png.height(); ++y)
                for (int x = 0; x < png.width(); ++x) {
                    const int v = png.pixelIndex(x, y);
                    const std::string want = v == 0 || v == 255 ? std::string() : all.at(v).toStdString();
                    labelled += v != 0 && v != 255;
                    if (got[size_t(y * png.width() + x)] != want)
                        QFAIL(qPrintable(QStringLiteral("%1 (%2, %3): %4")
                                             .arg(QString::fromUtf8(stem))
                                             .arg(x)
                                             .arg(y)
                                             .arg(v)));
                }
            QVERIFY(labelled > 1000);
        }
    }

    void vocBadInput_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("xmax < xmin")
            << u"Annotations/b.xml"_s << u"<xmax>16</xmax>"_s << u"<xmax>3</xmax>"_s
            << strs({"Annotations/b.xml: object[1]/bndbox/xmax: xmax 3.00 is less than xmin 6.00"});
        QTest::newRow("outside the image")
            << u"Annotations/a.xml"_s << u"<xmax>40</xmax>"_s << u"<xmax>41</xmax>"_s
            << strs({"Annotations/a.xml: object[2]/bndbox/xmax: 41.00 is outside the image (width 40"});
        QTest::newRow("below 0") << u"Annotations/a.xml"_s << u"<ymin>4</ymin>"_s << u"<ymin>-2</ymin>"_s
                                 << strs({"Annotations/a.xml: object[1]/bndbox/ymin: -2.00 is outside"});
        QTest::newRow("not a number")
            << u"Annotations/b.xml"_s << u"<ymin>8</ymin>"_s << u"<ymin>eight</ymin>"_s
            << strs({"Annotations/b.xml: object[1]/bndbox/ymin: 'eight' is not a number"});
        QTest::newRow("no ymax") << u"Annotations/b.xml"_s << u"<ymax>16</ymax>"_s << u""_s
                                 << strs({"Annotations/b.xml: object[1]/bndbox: no ymax"});
        QTest::newRow("no name") << u"Annotations/a.xml"_s << u"<name>traffic light</name>"_s
                                 << u"<name></name>"_s
                                 << strs({"Annotations/a.xml: object[2]/name: missing or empty"});
        QTest::newRow("malformed")
            << u"Annotations/a.xml"_s << u"</size>"_s << u"</sise>"_s
            << strs({"Annotations/a.xml:8:11: malformed XML: Opening and ending tag mismatch"});
        QTest::newRow("not VOC")
            << u"Annotations/c.xml"_s << u"<annotation>"_s << u"<coco>"_s
            << strs({"Annotations/c.xml:1: the root element is <coco>, not <annotation>"});
        QTest::newRow("no image") << u"Annotations/c.xml"_s << u"<filename>c.png</filename>"_s
                                  << u"<filename>zz.png</filename>"_s
                                  << strs({"Annotations/c.xml: ", "filename 'zz.png'"});
        QTest::newRow("two splits") << u"ImageSets/Main/val.txt"_s << u"b\n"_s << u"b\na\n"_s
                                    << strs(
                                           {"ImageSets/Main/val.txt:2: ", "a is already in the train split"});
    }

    void vocBadInput()
    {
        QFETCH(QString, file);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "voc/boxes", "ds");
        replaceIn(root + "/" + file.toStdString(), from.toStdString(), to.toStdString());
        Project fresh;
        expectRefused(*fresh.store, "voc", root, expected);
        Project used;
        GW_VERIFY_OK(importFrom(*used.store, "voc", golden("voc/boxes")));
        expectRefused(*used.store, "voc", root, expected);
    }

    void vocUnknownClass()
    {
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "voc/boxes", "ds");
        replaceIn(root + "/Annotations/b.xml", "<name>dog</name>", "<name>zebra</name>");
        fs::remove(root + "/class_names.txt");
        Project p;
        GW_VERIFY_OK(importFrom(*p.store, "voc", golden("voc/boxes")));
        expectRefused(*p.store, "voc", root,
                      strs({"Annotations/b.xml: object[1]/name: class 'zebra' is not one of job 'voc'"}));
        FormatImportOptions o;
        o.addClasses = true;
        GW_VERIFY_OK(importFrom(*p.store, "voc", root, o));
        QCOMPARE(classNames(*p.store, "voc"), strs({"cat", "dog", "traffic light", "zebra"}));
    }

    void vocBadMask()
    {
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "voc/masks", "ds");
        QImage img(QString::fromStdString(root + "/SegmentationClass/b.png"));
        img.setPixel(3, 2, 9); // class_names.txt has values 0-2
        QVERIFY(img.save(QString::fromStdString(root + "/SegmentationClass/b.png")));
        Project p;
        expectRefused(*p.store, "voc", root,
                      strs({"SegmentationClass/b.png: pixel (3, 2) has value 9", "class_names.txt (0-2"}));
        // 255 (void) is background.
        img.setPixel(3, 2, 255);
        QVERIFY(img.save(QString::fromStdString(root + "/SegmentationClass/b.png")));
        GW_VERIFY_OK(importFrom(*p.store, "voc", root));
        const auto names = maskNames(
            *p.store, "voc-ref", *labelOf(*p.store, "voc-ref", itemAt(*p.store, root + "/JPEGImages/b.png")));
        QCOMPARE(names[size_t(2 * 37 + 3)], std::string());
        QCOMPARE(names[0], std::string("car"));
        // A mask whose size is not its image's.
        QImage small(5, 5, QImage::Format_Indexed8);
        small.setColorTable(img.colorTable());
        small.fill(0);
        QVERIFY(small.save(QString::fromStdString(root + "/SegmentationClass/a.png")));
        expectRefused(*p.store, "voc", root,
                      strs({"SegmentationClass/a.png: the mask is 5x5 but the image is 40x30"}));
    }

    void vocMasksWithoutClassNamesAreVocClasses()
    {
        QTemporaryDir dir;
        const std::string root = copyOf(dir, "voc/masks", "ds");
        fs::remove(root + "/class_names.txt");
        Project p;
        GW_VERIFY_OK(importFrom(*p.store, "voc", root));
        const QStringList names = classNames(*p.store, "voc-ref");
        QCOMPARE(names.size(), 20);
        QCOMPARE(names.front(), QStringLiteral("aeroplane"));
        QCOMPARE(names.at(14), QStringLiteral("person"));
        QCOMPARE(names.back(), QStringLiteral("tvmonitor"));
        const auto a = maskNames(*p.store, "voc-ref",
                                 *labelOf(*p.store, "voc-ref", itemAt(*p.store, root + "/JPEGImages/a.png")));
        QCOMPARE(a[size_t(25 * 40)], std::string("aeroplane"));   // value 1
        QCOMPARE(a[size_t(7 * 40 + 12)], std::string("bicycle")); // value 2
    }
};

QTEST_GUILESS_MAIN(TestYoloVoc)
#include "tst_yolo_voc.moc"
