#pragma once

// Projects, files and comparisons shared by the format tests (tst_coco_labelme): tiny images made with
// QImage, jobs with chosen class ids, labels put straight into the store, golden files, and counts of what
// a project holds (a failed import must leave them unchanged).

#include "datasets/formats/format.h"
#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/media.h"
#include "testutil.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QTest>

#include <filesystem>
#include <map>

namespace gw::test::formats {

using namespace gw::datasets;

inline const char *const kExamples = "/usr/share/doc/labelme-examples/examples";

inline void writeImage(const std::string &path, int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::darkCyan);
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).path());
    QVERIFY(img.save(QString::fromStdString(path), "PNG"));
}

inline Job makeJob(const std::string &name, TaskType type, std::vector<std::pair<int, std::string>> classes)
{
    Job j;
    j.name = name;
    j.type = type;
    int i = 0;
    for (auto &[id, n] : classes)
        j.classes.push_back({id, n, defaultClassColor(i++), {}, {}});
    return j;
}

inline Item addImage(ProjectStore &s, const std::string &path, int w, int h)
{
    auto tx = s.begin();
    Item it;
    it.uri = media::storedUri(s.projectDir(), path);
    it.width = w;
    it.height = h;
    if (!(*tx)->addItem(it) || !(*tx)->commit())
        qFatal("cannot add %s", path.c_str());
    return it;
}

inline void put(ProjectStore &s, const Job &j, const Item &item, Payload p)
{
    Annotation a;
    a.jobId = j.id;
    a.itemId = item.id;
    a.payload = std::move(p);
    auto tx = s.begin();
    if (auto r = (*tx)->putAnnotation(a); !r)
        qFatal("%s", r.error().message.c_str());
    (void)(*tx)->commit();
}

inline Payload boxes(int w, int h, std::vector<Box> list)
{
    Payload p;
    p.boxes = std::move(list);
    p.imageWidth = w;
    p.imageHeight = h;
    p.imageDepth = 3;
    return p;
}

inline Payload maskPayload(const mask::IndexedMask &m, const Job &j)
{
    Payload p;
    p.mask = *mask::encodeStored(m, j.classes);
    return p;
}

inline Result<ExportReport> exportTo(const ProjectStore &s, const char *format, const std::string &job,
                                     const std::string &out, std::map<std::string, std::string> settings = {})
{
    FormatExportOptions o;
    o.job = job;
    o.outPath = out;
    o.settings = std::move(settings);
    return findFormat(format)->write(s, o);
}

inline Result<ImportReport> importFrom(ProjectStore &s, const char *format, const std::string &path,
                                       const std::string &job = {},
                                       std::map<std::string, std::string> settings = {})
{
    FormatImportOptions o;
    o.job = job;
    o.settings = std::move(settings);
    return findFormat(format)->read(s, path, o);
}

/// The current label of the item with this image in a job.
inline std::optional<Payload> labelOf(const ProjectStore &s, const std::string &job, const std::string &image)
{
    auto j = s.job(job);
    if (!j)
        return std::nullopt;
    auto item = s.itemByUri(media::storedUri(s.projectDir(), image));
    if (!item || !*item)
        return std::nullopt;
    auto a = s.currentAnnotation(j->id, (*item)->id);
    if (!a || !*a)
        return std::nullopt;
    return (*a)->payload;
}

inline mask::IndexedMask maskOf(const ProjectStore &s, const std::string &job, const std::string &image)
{
    auto p = labelOf(s, job, image);
    if (!p || p->mask.empty())
        return {};
    return *mask::decode(p->mask);
}

inline std::string className(const ProjectStore &s, const std::string &job, int id)
{
    auto j = s.job(job);
    if (!j)
        return "no job " + job;
    const LabelClass *c = j->classById(id);
    return c ? c->name : "?";
}

/// Items, jobs and labels in a project: what a failed import must leave unchanged.
struct Counts
{
    int64_t items = 0, jobs = 0, labels = 0;
    bool operator==(const Counts &) const = default;
};

inline Counts counts(const ProjectStore &s)
{
    Counts c;
    c.items = *s.countItems({});
    auto jobs = s.jobs();
    c.jobs = int64_t(jobs->size());
    for (const Job &j : *jobs)
        (void)s.forEachAnnotation(j.id, [&](const Annotation &) {
            ++c.labels;
            return true;
        });
    return c;
}

inline QString golden(const char *name)
{
    return test::goldenDir() + QStringLiteral("/formats/") + QString::fromUtf8(name);
}

inline void copyGolden(const char *name, const std::string &to)
{
    QDir().mkpath(QFileInfo(QString::fromStdString(to)).path());
    QFile::remove(QString::fromStdString(to));
    QVERIFY2(QFile::copy(golden(name), QString::fromStdString(to)), name);
}

/// Compares a file with a golden file byte for byte; GW_UPDATE_GOLDEN=1 writes it instead.
inline void compareGolden(const std::string &actualPath, const char *name)
{
    const std::string actual = test::readFile(actualPath);
    if (qEnvironmentVariableIsSet("GW_UPDATE_GOLDEN")) {
        QDir().mkpath(QFileInfo(golden(name)).path());
        test::writeFile(golden(name).toStdString(), actual);
        return;
    }
    const std::string expected = test::readFile(golden(name).toStdString());
    QVERIFY2(!expected.empty(), name);
    QVERIFY2(actual == expected,
             qPrintable(QStringLiteral("%1 differs from the golden file:\n%2")
                            .arg(QString::fromUtf8(name), QString::fromStdString(actual))));
}

inline std::vector<uint8_t> pixels(std::initializer_list<int> v)
{
    return std::vector<uint8_t>(v.begin(), v.end());
}

/// The detection project of the golden files: a.png 40×30 (a cat and a dog), b.png 20×10 (a dog), c.png
/// unlabelled. Classes cat (id 0), dog (id 1).
inline Job boxProject(ProjectStore &s, const QTemporaryDir &dir)
{
    writeImage(test::path(dir, "images/a.png"), 40, 30);
    writeImage(test::path(dir, "images/b.png"), 20, 10);
    writeImage(test::path(dir, "images/c.png"), 16, 16);
    Job j = *s.createJob(makeJob("det", TaskType::BoundingBox, {{0, "cat"}, {1, "dog"}}));
    const Item a = addImage(s, test::path(dir, "images/a.png"), 40, 30);
    const Item b = addImage(s, test::path(dir, "images/b.png"), 20, 10);
    addImage(s, test::path(dir, "images/c.png"), 16, 16);
    put(s, j, a, boxes(40, 30, {{0, 2, 3, 10.5, 7.25, {}}, {1, 0, 0, 40, 30, {}}}));
    put(s, j, b, boxes(20, 10, {{1, 5.5, 1, 4, 8, {}}}));
    return j;
}

/// The segmentation project of the golden files. Classes sky (id 5) then car (id 2), so category ids
/// (1 = sky, 2 = car: positions) differ from class ids and from stored values (6 and 3).
/// s1.png, 4 wide × 3 high (S sky, C car):   s2.png, 3 × 2:
///     . S S .                                  C C .
///     . S C C                                  . C .
///     . . C C
inline Job segProject(ProjectStore &s, const QTemporaryDir &dir)
{
    writeImage(test::path(dir, "images/s1.png"), 4, 3);
    writeImage(test::path(dir, "images/s2.png"), 3, 2);
    Job j = *s.createJob(makeJob("seg-ref", TaskType::SemanticSegmentation, {{5, "sky"}, {2, "car"}}));
    const Item s1 = addImage(s, test::path(dir, "images/s1.png"), 4, 3);
    const Item s2 = addImage(s, test::path(dir, "images/s2.png"), 3, 2);
    put(s, j, s1, maskPayload({4, 3, pixels({0, 6, 6, 0, 0, 6, 3, 3, 0, 0, 3, 3})}, j));
    put(s, j, s2, maskPayload({3, 2, pixels({3, 3, 0, 0, 3, 0})}, j));
    return j;
}

inline void compareBoxes(const std::vector<Box> &actual, const std::vector<Box> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual[i].classId, expected[i].classId);
        QCOMPARE(actual[i].left, expected[i].left);
        QCOMPARE(actual[i].top, expected[i].top);
        QCOMPARE(actual[i].width, expected[i].width);
        QCOMPARE(actual[i].height, expected[i].height);
    }
}

/// Pixels per class name in the mask of an image in a job.
inline std::map<std::string, int64_t> pixelsByClass(const ProjectStore &s, const std::string &job,
                                                    const std::string &image)
{
    int64_t byValue[256] = {};
    for (uint8_t v : maskOf(s, job, image).pixels)
        ++byValue[v];
    std::map<std::string, int64_t> out;
    for (int v = 1; v < 256; ++v)
        if (byValue[v])
            out[className(s, job, v - 1)] = byValue[v];
    return out;
}

} // namespace gw::test::formats
