// Dataset formats through the registry: class folders, mask PNGs, text tables and entity JSON Lines against
// golden files and in read → write → read round trips; splits (stratified, grouped, seeded) and how exports
// honour them; bad input named by file and line with nothing written; outputs that appear whole or not at all.

#include "datasets/formats/format.h"
#include "datasets/formats/formatutil.h"
#include "datasets/importers.h"
#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/output.h"
#include "datasets/processinfo.h"
#include "datasets/media.h"
#include "datasets/splits.h"
#include "datasets/versions.h"
#include "testutil.h"

#include <QDir>
#include <QDirIterator>

#include <sys/stat.h>
#include <unistd.h>
#include <QImage>
#include <QRegularExpression>
#include <QTest>

#include <filesystem>
#include <map>
#include <set>

using namespace gw;
namespace fs = std::filesystem;
using namespace gw::datasets;

namespace {

const QString kGolden = test::goldenDir() + QStringLiteral("/formats");

Job makeJob(const std::string &name, TaskType type, const std::vector<std::string> &classes)
{
    Job j;
    j.name = name;
    j.type = type;
    for (size_t i = 0; i < classes.size(); ++i)
        j.classes.push_back({int(i), classes[i], defaultClassColor(int(i)), std::to_string(i + 1), {}});
    return j;
}

void put(ProjectStore &s, const Job &job, int64_t item, Payload p)
{
    Annotation a;
    a.jobId = job.id;
    a.itemId = item;
    a.payload = std::move(p);
    a.provenance.author = "tester";
    auto tx = s.begin();
    QVERIFY(tx && (*tx)->putAnnotation(a) && (*tx)->commit());
}

Payload classes(std::vector<int> ids)
{
    Payload p;
    p.classes = std::move(ids);
    p.classConfidence.assign(p.classes.size(), std::nullopt);
    return p;
}

int64_t addText(ProjectStore &s, const std::string &text, const std::string &split = {})
{
    Item it;
    it.kind = MediaKind::Text;
    it.text = text;
    it.split = split;
    auto tx = s.begin();
    (void)(*tx)->addItem(it);
    (void)(*tx)->commit();
    return it.id;
}

/// A small image file (a solid colour, so each is different) added to the project.
int64_t addImage(ProjectStore &s, const QString &dir, const QString &name, int w, int h, const QColor &color,
                 const std::string &split = {})
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(color);
    const QString path = dir + QLatin1Char('/') + name;
    QDir().mkpath(QFileInfo(path).absolutePath());
    img.save(path);
    auto r = importImageFiles(s, {path.toStdString()}, "test", {});
    if (!r)
        qFatal("%s", r.error().message.c_str());
    auto item = s.itemByUri(media::storedUri(s.projectDir(), path.toStdString()));
    if (!split.empty()) {
        auto tx = s.begin();
        (void)(*tx)->setSplit((*item)->id, split);
        (void)(*tx)->commit();
    }
    return (*item)->id;
}

const Format &format(const char *id)
{
    const Format *f = findFormat(id);
    if (!f)
        qFatal("no format %s", id);
    return *f;
}

Result<ExportReport> exportAs(const ProjectStore &s, const char *id, const std::string &job, const std::string &out,
                              std::map<std::string, std::string> settings = {})
{
    FormatExportOptions o;
    o.job = job;
    o.outPath = out;
    o.settings = std::move(settings);
    return format(id).write(s, o);
}

Result<ImportReport> importAs(ProjectStore &s, const char *id, const std::string &path, const std::string &job = {},
                              bool addClasses = false)
{
    FormatImportOptions o;
    o.job = job;
    o.addClasses = addClasses;
    return format(id).read(s, path, o);
}

/// Every file below a folder, relative, sorted; the export's marker file (output.h) is left out.
QStringList filesBelow(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString rel = QDir(dir).relativeFilePath(it.next());
        if (rel != QLatin1String(kOutputMarker))
            out << rel;
    }
    out.sort();
    return out;
}

int64_t annotationCount(const ProjectStore &s)
{
    int64_t n = 0;
    auto jobs = s.jobs();
    for (const Job &j : *jobs)
        (void)s.forEachAnnotation(j.id, [&](const Annotation &) {
            ++n;
            return true;
        });
    return n;
}

/// Nothing written: the same items, jobs and labels as before.
struct Unchanged
{
    const ProjectStore &s;
    int64_t items, labels;
    size_t jobs;
    explicit Unchanged(const ProjectStore &store)
        : s(store), items(*store.countItems({})), labels(annotationCount(store)), jobs(store.jobs()->size())
    {
    }
    bool holds() const { return *s.countItems({}) == items && annotationCount(s) == labels && s.jobs()->size() == jobs; }
};

} // namespace

class TestFormats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void registryListsFormatsWithOptions()
    {
        QVERIFY(findFormat("groundtruth"));
        QVERIFY(!findFormat("nonsense"));
        const Format &table = format("text-table");
        QVERIFY(table.carries(TaskType::TextClassification));
        QVERIFY(!table.carries(TaskType::BoundingBox));
        QVERIFY(table.check({{"classes", "onehot"}}));
        const auto badValue = table.check({{"classes", "sideways"}});
        QVERIFY(!badValue);
        QVERIFY(badValue.error().message.find("label, onehot") != std::string::npos);
        QVERIFY(!table.check({{"colour", "red"}}));
        std::set<std::string> ids;
        for (const Format &f : allFormats())
            QVERIFY2(ids.insert(f.id).second, f.id.c_str());
    }

    // The dialogs are generated from the registry, so every format brings words for people beside its
    // command-line help: a summary for each job it writes, a name for each option and each choice.
    void registryDescribesFormatsForPeople()
    {
        const QRegularExpression cli(QStringLiteral(R"(--\w|\w=\w)"));
        for (const Format &f : allFormats()) {
            for (TaskType t : f.tasks) {
                const QString summary = QString::fromStdString(f.summaryFor(t));
                QVERIFY2(!summary.isEmpty(), f.id.c_str());
                QVERIFY2(!cli.match(summary).hasMatch(), qPrintable(summary));
            }
            for (const FormatOption &o : f.options) {
                const std::string where = f.id + " " + o.key;
                QVERIFY2(!o.label.empty(), where.c_str());
                QCOMPARE(o.choiceLabels.size(), o.choices.size());
                // The command line's help says which options only import; the dialogs go by `use`.
                QCOMPARE(o.description.starts_with("import:"), o.use == FormatOption::Use::Import);
                for (TaskType t : o.tasks)
                    QVERIFY2(f.carries(t), where.c_str());
            }
        }
        QVERIFY(format("coco").summaryFor(TaskType::BoundingBox) !=
                format("coco").summaryFor(TaskType::SemanticSegmentation));
    }

    void classFoldersWithSplitsRoundTrip()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("animal", TaskType::ImageClassification, {"cat", "dog"}));
        const QString media = dir.path() + QStringLiteral("/media");
        put(*s, job, addImage(*s, media, QStringLiteral("a/x.png"), 4, 3, Qt::red, "train"), classes({0}));
        put(*s, job, addImage(*s, media, QStringLiteral("b/x.png"), 4, 3, Qt::green, "train"), classes({0}));
        put(*s, job, addImage(*s, media, QStringLiteral("y.png"), 4, 3, Qt::blue, "validation"), classes({1}));
        put(*s, job, addImage(*s, media, QStringLiteral("z.png"), 4, 3, Qt::gray), classes({1}));
        addImage(*s, media, QStringLiteral("unlabeled.png"), 4, 3, Qt::black);
        const QString out = dir.path() + QStringLiteral("/out");
        auto r = exportAs(*s, "class-folders", "animal", out.toStdString());
        GW_VERIFY_OK(r);
        QCOMPARE(r->lines, int64_t(4));
        // Two images named x.png in one class folder: the second gets its item id.
        QCOMPARE(filesBelow(out), (QStringList{QStringLiteral("train/cat/x-2.png"), QStringLiteral("train/cat/x.png"),
                                               QStringLiteral("unassigned/dog/z.png"),
                                               QStringLiteral("validation/dog/y.png")}));
        QCOMPARE(QImage(out + QStringLiteral("/validation/dog/y.png")).pixelColor(0, 0), QColor(Qt::blue));

        // Back in: classes, labels and splits from the folders.
        auto t = test::newProject(test::path(dir, "q.gwproj"));
        auto in = importAs(*t, "class-folders", out.toStdString(), "animal");
        GW_VERIFY_OK(in);
        QCOMPARE(in->labels, int64_t(4));
        const Job back = *t->job("animal");
        QCOMPARE(back.classes.size(), size_t(2));
        std::map<std::string, std::pair<std::string, std::string>> got; // file → (class, split)
        (void)t->forEachAnnotation(back.id, [&](const Annotation &a) {
            const Item it = *t->item(a.itemId);
            got[std::filesystem::path(it.uri).filename().string()] = {back.classById(a.payload.classes.front())->name,
                                                                      it.split};
            return true;
        });
        QCOMPARE(got["y.png"], (std::pair<std::string, std::string>{"dog", "validation"}));
        QCOMPARE(got["x-2.png"], (std::pair<std::string, std::string>{"cat", "train"}));
        QCOMPARE(got["z.png"], (std::pair<std::string, std::string>{"dog", ""})); // unassigned/: no split
    }

    void classFoldersRefuseUnknownClassesAndWriteNothing()
    {
        QTemporaryDir dir;
        const QString root = dir.path() + QStringLiteral("/folders");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        (void)s->createJob(makeJob("animal", TaskType::ImageClassification, {"cat", "dog"}));
        addImage(*s, root, QStringLiteral("cat/1.png"), 2, 2, Qt::red);
        QDir().mkpath(root + QStringLiteral("/bird"));
        QImage bird(2, 2, QImage::Format_RGB32);
        bird.fill(Qt::yellow);
        bird.save(root + QStringLiteral("/bird/2.png"));
        const Unchanged before(*s);
        auto r = importAs(*s, "class-folders", root.toStdString(), "animal");
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("bird/2.png") != std::string::npos, r.error().message.c_str());
        QVERIFY2(r.error().message.find("'bird' is not one of job 'animal' (cat, dog)") != std::string::npos,
                 r.error().message.c_str());
        QVERIFY(before.holds());
        GW_VERIFY_OK(importAs(*s, "class-folders", root.toStdString(), "animal", /*addClasses=*/true));
        QCOMPARE(s->job("animal")->classes.size(), size_t(3));
    }

    void masksMatchGoldenFilesAndComeBackPixelExact()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        // Class ids 0 and 2 (a class removed in between would leave such gaps): values on disk are positions.
        Job j = makeJob("scene-ref", TaskType::SemanticSegmentation, {"road", "sky"});
        j.classes[1].id = 2;
        const Job job = *s->createJob(j);
        const int64_t item = addImage(*s, dir.path(), QStringLiteral("street.png"), 4, 3, Qt::gray, "train");
        mask::IndexedMask m{4, 3, {0, 1, 1, 0, /**/ 3, 3, 1, 0, /**/ 0, 0, 0, 3}}; // stored: id + 1
        Payload p;
        p.mask = *mask::encodeStored(m, job.classes);
        put(*s, job, item, p);
        const QString out = dir.path() + QStringLiteral("/masks-out");
        GW_VERIFY_OK(exportAs(*s, "mask-pngs", "scene-ref", out.toStdString()));
        QCOMPARE(filesBelow(out), (QStringList{QStringLiteral("classes.csv"), QStringLiteral("index.csv"),
                                               QStringLiteral("masks/street.png")}));
        for (const char *name : {"classes.csv", "index.csv"})
            QCOMPARE(QString::fromStdString(test::readFile((out + QLatin1Char('/') + QLatin1String(name)).toStdString())),
                     QString::fromStdString(test::readFile((kGolden + QStringLiteral("/mask-pngs/") +
                                                            QLatin1String(name)).toStdString())));
        auto written = mask::decode(test::readFile((out + QStringLiteral("/masks/street.png")).toStdString()));
        GW_VERIFY_OK(written);
        QCOMPARE(written->pixels, (std::vector<uint8_t>{0, 1, 1, 0, 2, 2, 1, 0, 0, 0, 0, 2})); // positions + 1

        auto t = test::newProject(test::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importAs(*t, "mask-pngs", out.toStdString()));
        const Job back = *t->job("mask-ref");
        QCOMPARE(back.classes.size(), size_t(2));
        QCOMPARE(back.classes[1].name, std::string("sky"));
        QCOMPARE(back.classes[1].color, job.classes[1].color);
        std::vector<uint8_t> pixels;
        std::string split;
        (void)t->forEachAnnotation(back.id, [&](const Annotation &a) {
            pixels = mask::decode(a.payload.mask)->pixels;
            split = t->item(a.itemId)->split;
            return true;
        });
        QCOMPARE(pixels, (std::vector<uint8_t>{0, 1, 1, 0, 2, 2, 1, 0, 0, 0, 0, 2})); // new ids 0, 1
        QCOMPARE(split, std::string("train"));
    }

    void maskPaletteAgreesWithTheClassTable()
    {
        // A mask opened in an image viewer shows each value in the colour classes.csv gives it, background too.
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("scene-ref", TaskType::SemanticSegmentation, {"road", "sky"}));
        const int64_t item = addImage(*s, dir.path(), QStringLiteral("street.png"), 3, 2, Qt::gray);
        Payload p;
        p.mask = *mask::encodeStored(mask::IndexedMask{3, 2, {0, 1, 2, 0, 0, 1}}, job.classes);
        put(*s, job, item, p);
        const QString out = dir.path() + QStringLiteral("/masks-out");
        GW_VERIFY_OK(exportAs(*s, "mask-pngs", "scene-ref", out.toStdString()));
        const QImage png(out + QStringLiteral("/masks/street.png"));
        QCOMPARE(png.format(), QImage::Format_Indexed8);
        const QList<QRgb> palette = png.colorTable();
        auto rows = formats::readCsv((out + QStringLiteral("/classes.csv")).toStdString());
        GW_VERIFY_OK(rows);
        QCOMPARE(rows->size(), size_t(4)); // header, background, road, sky
        for (size_t r = 1; r < rows->size(); ++r) {
            const auto &row = (*rows)[r];
            const int value = std::stoi(row.at(0));
            QVERIFY(value < palette.size());
            QCOMPARE(mask::hexColor(palette[value] & 0xffffffu), row.at(2));
        }
        QCOMPARE(rows->at(1), (std::vector<std::string>{"0", "background", "#000000"}));
        QCOMPARE(png.pixelIndex(0, 0), 0);
        QCOMPARE(QColor(png.pixel(0, 0)), QColor(Qt::black));
    }

    void aBackgroundClassInAMaskTableIsRefused()
    {
        // Value 0 is the background; a class named so at another value would be a second, different one.
        QTemporaryDir dir;
        const QString root = dir.path() + QStringLiteral("/m");
        QDir().mkpath(root + QStringLiteral("/masks"));
        QImage img(2, 2, QImage::Format_RGB32);
        img.fill(Qt::white);
        img.save(dir.path() + QStringLiteral("/img.png"));
        mask::IndexedMask m{2, 2, {0, 1, 2, 1}};
        test::writeFile((root + QStringLiteral("/masks/img.png")).toStdString(),
                        *mask::encode(m, {0, 0xff0000, 0x00ff00}));
        test::writeFile((root + QStringLiteral("/classes.csv")).toStdString(),
                        "value,name,color\n0,background,#000000\n1,road,#ff0000\n2, Background ,#00ff00\n");
        test::writeFile((root + QStringLiteral("/index.csv")).toStdString(), "image,mask,split\n../img.png,masks/img.png,\n");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Unchanged before(*s);
        auto r = importAs(*s, "mask-pngs", root.toStdString());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("classes.csv:4: ") != std::string::npos, r.error().message.c_str());
        QVERIFY2(r.error().message.find("' Background '") != std::string::npos, r.error().message.c_str());
        QVERIFY2(r.error().message.find("background of segmentation masks") != std::string::npos,
                 r.error().message.c_str());
        QVERIFY(before.holds());
    }

    void maskValuesNotInTheClassTableAreNamed()
    {
        QTemporaryDir dir;
        const QString root = dir.path() + QStringLiteral("/m");
        QDir().mkpath(root + QStringLiteral("/masks"));
        QImage img(2, 2, QImage::Format_RGB32);
        img.fill(Qt::white);
        img.save(dir.path() + QStringLiteral("/img.png"));
        mask::IndexedMask m{2, 2, {0, 1, 7, 1}};
        test::writeFile((root + QStringLiteral("/masks/img.png")).toStdString(), *mask::encode(m, {0, 0xff0000}));
        test::writeFile((root + QStringLiteral("/classes.csv")).toStdString(), "value,name,color\n0,background,#000000\n1,road,#ff0000\n");
        test::writeFile((root + QStringLiteral("/index.csv")).toStdString(), "image,mask,split\n../img.png,masks/img.png,\n");
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Unchanged before(*s);
        auto r = importAs(*s, "mask-pngs", root.toStdString());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("index.csv:2: ") != std::string::npos, r.error().message.c_str());
        QVERIFY2(r.error().message.find("pixel (0, 1) has value 7") != std::string::npos, r.error().message.c_str());
        QVERIFY(before.holds());
    }

    void textTablesMatchGoldenFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("multi");
        QTest::addColumn<QString>("layout");
        QTest::newRow("csv, label") << QStringLiteral("single.csv") << false << QStringLiteral("label");
        QTest::newRow("tsv, label") << QStringLiteral("single.tsv") << false << QStringLiteral("label");
        QTest::newRow("jsonl, label") << QStringLiteral("single.jsonl") << false << QStringLiteral("label");
        QTest::newRow("csv, labels") << QStringLiteral("multi.csv") << true << QStringLiteral("label");
        QTest::newRow("jsonl, labels") << QStringLiteral("multi.jsonl") << true << QStringLiteral("label");
        QTest::newRow("csv, one-hot") << QStringLiteral("onehot.csv") << true << QStringLiteral("onehot");
        QTest::newRow("jsonl, one-hot") << QStringLiteral("onehot.jsonl") << true << QStringLiteral("onehot");
    }

    void textTablesMatchGoldenFiles()
    {
        QFETCH(QString, file);
        QFETCH(bool, multi);
        QFETCH(QString, layout);
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("topic", multi ? TaskType::TextClassificationMultiLabel
                                                              : TaskType::TextClassification,
                                              {"sport", "music", "news \"daily\""}));
        put(*s, job, addText(*s, "Cup final tonight", "train"), classes({0}));
        put(*s, job, addText(*s, "A \"live\" album,\nrecorded in 1971", "test"), classes(multi ? std::vector<int>{1, 2}
                                                                                                : std::vector<int>{1}));
        addText(*s, "no label yet");
        put(*s, job, addText(*s, "Zoë's café 🎉"), classes({2}));
        const std::string out = test::path(dir, file.toUtf8().constData());
        auto r = exportAs(*s, "text-table", "topic", out, {{"classes", layout.toStdString()}});
        GW_VERIFY_OK(r);
        QCOMPARE(r->lines, int64_t(3)); // labelled items only
        const std::string golden = test::readFile((kGolden + QStringLiteral("/text-table/") + file).toStdString());
        QCOMPARE(QString::fromStdString(test::readFile(out)), QString::fromStdString(golden));

        // Back in, into a new project: the same texts with the same classes and splits.
        auto t = test::newProject(test::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importAs(*t, "text-table", out, "topic"));
        const Job back = *t->job("topic");
        QCOMPARE(back.type, job.type);
        std::map<std::string, std::pair<std::set<std::string>, std::string>> got;
        (void)t->forEachAnnotation(back.id, [&](const Annotation &a) {
            std::set<std::string> names;
            for (int id : a.payload.classes)
                names.insert(back.classById(id)->name);
            const Item it = *t->item(a.itemId);
            got[it.text] = {names, it.split};
            return true;
        });
        QCOMPARE(got.size(), size_t(3));
        QCOMPARE(got["A \"live\" album,\nrecorded in 1971"].first,
                 multi ? (std::set<std::string>{"music", "news \"daily\""}) : (std::set<std::string>{"music"}));
        QCOMPARE(got["A \"live\" album,\nrecorded in 1971"].second, std::string("test"));
        QCOMPARE(got["Zoë's café 🎉"].first, std::set<std::string>{"news \"daily\""});
    }

    void textTableErrorsNameTheLine()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        (void)s->createJob(makeJob("topic", TaskType::TextClassification, {"sport", "music"}));
        const std::string csv = test::path(dir, "bad.csv");
        test::writeFile(csv, "text,label\nfine,sport\n\"two\nlines\",music\nbroken,sport,extra\n");
        const Unchanged before(*s);
        auto r = importAs(*s, "text-table", csv, "topic");
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("bad.csv:4: 3 fields, the header has 2") != std::string::npos,
                 r.error().message.c_str());
        test::writeFile(csv, "text,label\nfine,sport\nodd,poetry\n");
        r = importAs(*s, "text-table", csv, "topic");
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("bad.csv:3: class 'poetry' is not one of job 'topic'") != std::string::npos,
                 r.error().message.c_str());
        test::writeFile(csv, "text,label\nfine,sport\n");
        r = importAs(*s, "text-table", test::path(dir, "bad.txt"), "topic");
        QVERIFY(!r);
        QVERIFY(before.holds());
    }

    void entitiesMatchGoldenFileInCodePoints()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("entities", TaskType::NamedEntityRecognition, {"PER", "LOC"}));
        Payload p;
        // "🎉 Zoë went to 東京." — code points: 🎉=0, ' '=1, Zoë=2..5, 東京=14..16
        p.spans = {{1, 14, 16, std::nullopt}, {0, 2, 5, std::nullopt}};
        put(*s, job, addText(*s, "🎉 Zoë went to 東京.", "validation"), p);
        Payload none;
        put(*s, job, addText(*s, "Nothing here."), none);
        const std::string out = test::path(dir, "ner.jsonl");
        GW_VERIFY_OK(exportAs(*s, "ner-jsonl", "entities", out));
        QCOMPARE(QString::fromStdString(test::readFile(out)),
                 QString::fromStdString(test::readFile((kGolden + QStringLiteral("/ner-jsonl/ner.jsonl")).toStdString())));

        auto t = test::newProject(test::path(dir, "q.gwproj"));
        GW_VERIFY_OK(importAs(*t, "ner-jsonl", out, "people"));
        const Job back = *t->job("people");
        std::vector<std::tuple<std::string, int64_t, int64_t>> spans;
        (void)t->forEachAnnotation(back.id, [&](const Annotation &a) {
            for (const Span &sp : a.payload.spans)
                spans.emplace_back(back.classById(sp.classId)->name, sp.start, sp.end);
            return true;
        });
        QCOMPARE(spans, (std::vector<std::tuple<std::string, int64_t, int64_t>>{{"PER", 2, 5}, {"LOC", 14, 16}}));
    }

    void entityErrorsNameTheLine()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const std::string file = test::path(dir, "e.jsonl");
        test::writeFile(file, "{\"text\":\"Zoë\",\"label\":[[0,3,\"PER\"]]}\n{\"text\":\"Zoë\",\"label\":[[1,4,\"PER\"]]}\n");
        const Unchanged before(*s);
        auto r = importAs(*s, "ner-jsonl", file);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("e.jsonl:2: span [1, 4) is outside the text's 3 code points") != std::string::npos,
                 r.error().message.c_str());
        test::writeFile(file, "{\"text\":\"Ada Lovelace\",\"label\":[[0,12,\"PER\"],[4,12,\"PER\"]]}\n");
        r = importAs(*s, "ner-jsonl", file);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("e.jsonl:1: spans [0, 12) and [4, 12) overlap") != std::string::npos,
                 r.error().message.c_str());
        test::writeFile(file, "{\"text\":\"Ada\",\"label\":[[0,3,\"PER\"]]}\n{\"text\": oops}\n");
        r = importAs(*s, "ner-jsonl", file);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("e.jsonl:2: ") != std::string::npos, r.error().message.c_str());
        QVERIFY(before.holds());
    }

    void failedExportsLeaveNothingBehind()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("scene-ref", TaskType::SemanticSegmentation, {"road"}));
        const int64_t item = addImage(*s, dir.path(), QStringLiteral("a.png"), 2, 2, Qt::gray);
        Payload referenced;
        referenced.maskUri = "elsewhere/a.png"; // imported as a reference only: no pixels to write
        put(*s, job, item, referenced);
        const QString out = dir.path() + QStringLiteral("/out");
        QDir().mkpath(out);
        auto r = exportAs(*s, "mask-pngs", "scene-ref", out.toStdString());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("only referenced") != std::string::npos, r.error().message.c_str());
        // The empty folder stays empty and no staging folder is left.
        QCOMPARE(filesBelow(out), QStringList());
        QCOMPARE(QDir(dir.path()).entryList(QStringList{QStringLiteral(".gw-staging*")}, QDir::AllEntries | QDir::Hidden),
                 QStringList());
        // A wrong job type or format option is refused before anything is written.
        r = exportAs(*s, "text-table", "scene-ref", test::path(dir, "t.csv"));
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("is a semantic-segmentation job") != std::string::npos, r.error().message.c_str());
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/t.csv")));
    }

    void versionsReproduceExportsByteForByte()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job topic = *s->createJob(makeJob("topic", TaskType::TextClassification, {"sport", "music"}));
        const Job ner = *s->createJob(makeJob("entities", TaskType::NamedEntityRecognition, {"PER"}));
        const int64_t a = addText(*s, "Ada scores", "train"), b = addText(*s, "Bo sings", "test");
        addText(*s, "unlabeled");
        put(*s, topic, a, classes({0}));
        Annotation autoLabel;
        autoLabel.jobId = topic.id;
        autoLabel.itemId = b;
        autoLabel.payload = classes({1});
        autoLabel.provenance.source = Source::Auto;
        autoLabel.provenance.humanAnnotated = false;
        autoLabel.provenance.author = "autolabel-run-4";
        autoLabel.provenance.confidence = 0.97;
        {
            auto tx = s->begin();
            QVERIFY((*tx)->putAnnotation(autoLabel) && (*tx)->commit());
        }
        Payload spans;
        spans.spans = {{0, 0, 3, std::nullopt}};
        put(*s, ner, a, spans);

        // A table of one job and a manifest of both, each recorded as a version.
        DatasetExport table;
        table.format = "text-table";
        table.jobs = {"topic"};
        table.options.outPath = test::path(dir, "v1.csv");
        table.versionName = "first";
        auto v1 = exportDataset(*s, table);
        GW_VERIFY_OK(v1);
        DatasetExport manifest;
        manifest.jobs = {};
        manifest.options.outPath = test::path(dir, "v2.manifest");
        manifest.options.onlyLabeled = false;
        auto v2 = exportDataset(*s, manifest);
        GW_VERIFY_OK(v2);
        QCOMPARE(v2->report.lines, int64_t(3));
        const std::string csv1 = test::readFile(test::path(dir, "v1.csv"));
        const std::string manifest1 = test::readFile(test::path(dir, "v2.manifest"));

        // Lineage: the jobs, where the labels came from, the automated-labeling run behind the auto-label.
        json::Value lineage;
        QVERIFY(json::parse(v1->version.lineage, lineage));
        QCOMPARE(lineage.find("labels")->find("human")->toInt(), int64_t(1));
        QCOMPARE(lineage.find("labels")->find("auto")->toInt(), int64_t(1));
        QCOMPARE(json::toString(*lineage.find("autolabel_runs")), std::string("[4]"));
        QCOMPARE(lineage.find("splits")->find("test")->toInt(), int64_t(1));
        QCOMPARE(v1->version.contentHash.size(), size_t(64));

        // The labels and splits change; the versions still write what they wrote.
        put(*s, topic, b, classes({0}));
        put(*s, topic, addText(*s, "new text"), classes({1}));
        {
            auto tx = s->begin();
            QVERIFY((*tx)->setSplit(a, "validation") && (*tx)->commit());
        }
        auto again1 = exportVersion(*s, v1->version.id, test::path(dir, "again1.csv"));
        GW_VERIFY_OK(again1);
        QCOMPARE(test::readFile(test::path(dir, "again1.csv")), csv1);
        auto again2 = exportVersion(*s, v2->version.id, test::path(dir, "again2.manifest"));
        GW_VERIFY_OK(again2);
        QCOMPARE(test::readFile(test::path(dir, "again2.manifest")), manifest1);
        // Today's export differs, and is a version of its own with another hash (replacing the first one's
        // file needs overwrite).
        QVERIFY(!exportDataset(*s, table));
        table.overwrite = true;
        auto v3 = exportDataset(*s, table);
        GW_VERIFY_OK(v3);
        QVERIFY(test::readFile(test::path(dir, "v1.csv")) != csv1);
        QVERIFY(v3->version.contentHash != v1->version.contentHash);
        auto versions = s->datasetVersions();
        GW_VERIFY_OK(versions);
        QCOMPARE(versions->size(), size_t(3));
        QCOMPARE(versions->front().name, std::string("first"));
        QCOMPARE(versions->front().items, int64_t(2));
        QVERIFY(!exportVersion(*s, 99, test::path(dir, "x.csv")));
    }

    // Readers need no store: a file or folder is parsed into what it holds (classes by name, items, labels),
    // which is what lets it be checked, previewed and fuzzed on its own; nothing is written anywhere.
    void readersParseWithoutAStore_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("entries");
        QTest::addColumn<int>("classes");
        QTest::addColumn<bool>("media"); // the golden files of COCO and LabelMe name images the tests put elsewhere
        QTest::newRow("coco") << QStringLiteral("coco") << QStringLiteral("coco/boxes.json") << 2 << 2 << false;
        QTest::newRow("labelme") << QStringLiteral("labelme") << QStringLiteral("labelme/boxes") << 2 << 2 << false;
        QTest::newRow("voc") << QStringLiteral("voc") << QStringLiteral("voc/boxes") << 3 << 3 << true;
        QTest::newRow("yolo") << QStringLiteral("yolo") << QStringLiteral("yolo") << 3 << 3 << true;
        QTest::newRow("text table") << QStringLiteral("text-table") << QStringLiteral("text-table/single.csv") << 3 << 3
                                    << true;
        QTest::newRow("entities") << QStringLiteral("ner-jsonl") << QStringLiteral("ner-jsonl/ner.jsonl") << 2 << 2 << true;
    }
    void readersParseWithoutAStore()
    {
        QFETCH(QString, format);
        QFETCH(QString, path);
        QFETCH(int, entries);
        QFETCH(int, classes);
        QFETCH(bool, media);
        const Format *f = findFormat(format.toStdString());
        QVERIFY(f && f->parse);
        FormatImportOptions o;
        o.checkMedia = media;
        auto parsed = f->parse((kGolden + QLatin1Char('/') + path).toStdString(), o);
        GW_VERIFY_OK(parsed);
        QCOMPARE(int(parsed->entries.size()), entries);
        QCOMPARE(int(parsed->classes.size()), classes);
        QVERIFY(std::any_of(parsed->entries.begin(), parsed->entries.end(),
                            [](const ParsedLabels::Entry &e) { return e.label.has_value(); }));
        // A broken copy is refused the same way, with its file named, still without a store.
        QTemporaryDir dir;
        const std::string bad = test::path(dir, "broken.csv");
        test::writeFile(bad, "text,label\n\"open,sport\n");
        auto refused = findFormat("text-table")->parse(bad, o);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("broken.csv:2:") != std::string::npos, refused.error().message.c_str());
    }

    // A size no image has (found by fuzz_voc: converting 3e94 to int was undefined) is refused by name.
    void vocSizesBeyondAnyImageAreRefused()
    {
        QTemporaryDir dir;
        const fs::path root = fs::path(test::path(dir, "voc"));
        fs::copy((kGolden + QStringLiteral("/voc/boxes")).toStdString(), root, fs::copy_options::recursive);
        const fs::path xml = root / "Annotations" / "a.xml";
        std::string text = test::readFile(xml.string());
        const size_t at = text.find("<width>40</width>");
        QVERIFY(at != std::string::npos);
        text.replace(at, 17, "<width>3e94</width>");
        fs::permissions(xml, fs::perms::owner_write, fs::perm_options::add);
        test::writeFile(xml.string(), text);
        FormatImportOptions o;
        auto parsed = findFormat("voc")->parse(root.string(), o);
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().message.find("a.xml") != std::string::npos
                     && parsed.error().message.find("3e94") != std::string::npos,
                 parsed.error().message.c_str());
    }

    // A version is recorded (pending) before its outputs move into place; what a killed export left is settled
    // by the next one: kept when the outputs are there (same inode), dropped when they are not, left alone
    // while the export that wrote it still runs.
    void pendingVersionsAreSettled()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const std::string there = test::path(dir, "there.csv");
        test::writeFile(there, "x\n");
        struct stat st{};
        QCOMPARE(::stat(there.c_str(), &st), 0);
        auto pending = [&](const std::string &path, uint64_t inode, int64_t pid, int64_t start) {
            DatasetVersion v;
            v.pending = true;
            v.output = "{\"pid\":" + std::to_string(pid) + ",\"start\":" + std::to_string(start) + ",\"host\":\"" +
                       hostName() + "\",\"outputs\":[{\"path\":\"" + path + "\",\"device\":" +
                       std::to_string(st.st_dev) + ",\"inode\":" + std::to_string(inode) + "}]}";
            return *s->addDatasetVersion(v, {{1, "", 0}});
        };
        const int64_t kept = pending(there, st.st_ino, 999999, 1);
        const int64_t replaced = pending(there, st.st_ino + 1, 999999, 1); // something else is there now
        const int64_t missing = pending(test::path(dir, "gone.csv"), 1, 999999, 1);
        const int64_t running = pending(test::path(dir, "soon.csv"), 1, ::getpid(), processStartTicks(::getpid()));
        QCOMPARE(s->datasetVersions()->size(), size_t(0)); // pending versions are not listed
        GW_VERIFY_OK(settlePendingVersions(*s));
        auto all = s->datasetVersions(true);
        GW_VERIFY_OK(all);
        std::map<int64_t, bool> pendingById;
        for (const DatasetVersion &v : *all)
            pendingById[v.id] = v.pending;
        QCOMPARE(pendingById.count(kept), size_t(1));
        QCOMPARE(pendingById[kept], false);
        QCOMPARE(pendingById.count(replaced), size_t(0));
        QCOMPARE(pendingById.count(missing), size_t(0));
        QCOMPARE(pendingById.count(running), size_t(1));
        QCOMPARE(pendingById[running], true);
        QVERIFY(s->datasetVersionEntries(missing)->empty()); // its entries went with it
        QCOMPARE(versionOutputs(s->datasetVersions()->front()), std::vector<std::string>{there});
    }

    void splitsAreStratifiedGroupedAndSeeded()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = *s->createJob(makeJob("topic", TaskType::TextClassification, {"common", "rare"}));
        // 900 texts of one class, 100 of another; texts come in "families" of 5 near-copies (field "family").
        {
            auto tx = s->begin();
            for (int i = 0; i < 1000; ++i) {
                Item it;
                it.kind = MediaKind::Text;
                it.text = "text " + std::to_string(i);
                it.extra = "{\"family\":\"f" + std::to_string(i / 5) + "\"}";
                (void)(*tx)->addItem(it);
                Annotation a;
                a.jobId = job.id;
                a.itemId = it.id;
                a.payload = classes({i % 10 == 0 || i % 10 == 1 ? 1 : 0});
                (void)(*tx)->putAnnotation(a);
            }
            (void)(*tx)->commit();
        }
        SplitOptions o;
        o.job = "topic";
        o.seed = 7;
        auto r = assignSplits(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->items, (std::array<int64_t, 3>{800, 100, 100}));
        // Each class in proportion: 80% / 10% / 10% of its items.
        QCOMPARE(r->strata["common"], (std::array<int64_t, 3>{640, 80, 80}));
        QCOMPARE(r->strata["rare"], (std::array<int64_t, 3>{160, 20, 20}));
        std::map<int64_t, std::string> first;
        (void)s->forEachItem({}, [&](const Item &it) {
            first[it.id] = it.split;
            return true;
        });
        // The same seed gives the same splits; another seed others.
        GW_VERIFY_OK(assignSplits(*s, o));
        std::map<int64_t, std::string> again;
        (void)s->forEachItem({}, [&](const Item &it) {
            again[it.id] = it.split;
            return true;
        });
        QCOMPARE(again, first);
        o.seed = 8;
        GW_VERIFY_OK(assignSplits(*s, o));
        int moved = 0;
        (void)s->forEachItem({}, [&](const Item &it) {
            moved += it.split != first[it.id];
            return true;
        });
        QVERIFY(moved > 100);

        // Grouped: a family never straddles splits.
        o.groupBy = SplitOptions::GroupBy::Field;
        o.field = "family";
        r = assignSplits(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->groups, int64_t(200));
        std::map<std::string, std::set<std::string>> splitsOfFamily;
        (void)s->forEachItem({}, [&](const Item &it) {
            splitsOfFamily[it.extra].insert(it.split);
            return true;
        });
        for (const auto &[family, splits] : splitsOfFamily)
            QVERIFY2(splits.size() == 1, family.c_str());
        QCOMPARE(r->items[0] + r->items[1] + r->items[2], int64_t(1000));
        QVERIFY(std::abs(r->items[1] - 100) <= 5 && std::abs(r->items[2] - 100) <= 5);

        // Keeping existing splits: new items are assigned, the others stay.
        const int64_t added = addText(*s, "a new text");
        o.keepExisting = true;
        o.groupBy = SplitOptions::GroupBy::None;
        std::map<int64_t, std::string> before;
        (void)s->forEachItem({}, [&](const Item &it) {
            before[it.id] = it.split;
            return true;
        });
        GW_VERIFY_OK(assignSplits(*s, o));
        int changed = 0;
        (void)s->forEachItem({}, [&](const Item &it) {
            changed += it.id != added && it.split != before[it.id];
            return true;
        });
        QCOMPARE(changed, 0);
        QVERIFY(!s->item(added)->split.empty());
        // Exports honour them.
        const std::string out = test::path(dir, "test.csv");
        FormatExportOptions e;
        e.job = "topic";
        e.outPath = out;
        e.splits = {"test"};
        auto written = format("text-table").write(*s, e);
        GW_VERIFY_OK(written);
        int64_t inTest = 0;
        (void)s->forEachItem({}, [&](const Item &it) {
            inTest += it.split == "test" && it.id != added;
            return true;
        });
        QCOMPARE(written->lines, inTest);
    }
};

QTEST_GUILESS_MAIN(TestFormats)
#include "tst_formats.moc"
