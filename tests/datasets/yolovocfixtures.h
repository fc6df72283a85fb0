#pragma once

// Fixtures of tst_yolo_voc: the projects behind the golden folders (tests/golden/formats), export and import
// through the registry, folder and mask comparison, and a snapshot of a project to show that a refused
// import wrote nothing.

#include "datasets/formats/format.h"
#include "datasets/output.h"
#include "datasets/mask.h"
#include "datasets/media.h"
#include "testutil.h"

#include <QImage>
#include <QTest>

#include <filesystem>
#include <functional>
#include <map>

namespace gw::test::yolovoc {

using namespace gw::datasets;
namespace fs = std::filesystem;

inline QStringList strs(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out << QString::fromUtf8(s);
    return out;
}

inline const std::string kLabelme = "/usr/share/doc/labelme-examples/examples";

inline std::string golden(const std::string &rel)
{
    return test::goldenDir().toStdString() + "/formats/" + rel;
}

inline const Format &format(const char *id)
{
    const Format *f = findFormat(id);
    if (!f)
        qFatal("no format %s", id);
    return *f;
}

struct Project
{
    QTemporaryDir dir;
    std::unique_ptr<ProjectStore> store = test::newProject(test::path(dir, "p.gwproj"));
    std::string path(const std::string &rel) const { return dir.path().toStdString() + "/" + rel; }
};

/// Copies a golden source image into the project folder as name and adds it with its size and split.
inline Item addImage(Project &p, const std::string &name, const std::string &source, int w, int h,
                     const std::string &split)
{
    const std::string dest = p.path("src/" + name);
    fs::create_directories(fs::path(dest).parent_path());
    fs::copy_file(golden("images/" + source), dest);
    Item it;
    it.uri = media::storedUri(p.store->projectDir(), dest);
    it.width = w;
    it.height = h;
    it.split = split;
    auto tx = p.store->begin();
    if (!tx || !(*tx)->addItem(it) || !(*tx)->setSplit(it.id, split) || !(*tx)->commit())
        qFatal("cannot add %s", name.c_str());
    return it;
}

inline Job makeJob(ProjectStore &s, const std::string &name, TaskType type,
                   std::vector<std::pair<int, std::string>> classes)
{
    Job j;
    j.name = name;
    j.type = type;
    for (auto &[id, n] : classes)
        j.classes.push_back({id, n, defaultClassColor(id), {}, {}});
    auto r = s.createJob(j);
    if (!r)
        qFatal("%s", r.error().message.c_str());
    return *r;
}

inline void put(ProjectStore &s, const Job &j, const Item &item, Payload p)
{
    Annotation a;
    a.jobId = j.id;
    a.itemId = item.id;
    a.payload = std::move(p);
    auto tx = s.begin();
    if (!tx || !(*tx)->putAnnotation(a) || !(*tx)->commit())
        qFatal("cannot label item %lld", (long long)item.id);
}

inline Payload boxes(std::vector<Box> b, const Item &item)
{
    Payload p;
    p.boxes = std::move(b);
    p.imageWidth = item.width;
    p.imageHeight = item.height;
    p.imageDepth = 3;
    return p;
}

inline Box box(int cls, double l, double t, double w, double h)
{
    Box b;
    b.classId = cls;
    b.left = l;
    b.top = t;
    b.width = w;
    b.height = h;
    return b;
}

/// The project behind tests/golden/formats/yolo and voc/boxes: class ids differ from positions, an odd image
/// size (37×23) to show the rounding, an image labelled with no box, and an unlabelled one.
struct BoxProject : Project
{
    Job job;
    Item a, b, c, d;
    BoxProject()
    {
        job = makeJob(*store, "boxes", TaskType::BoundingBox, {{3, "cat"}, {1, "dog"}, {7, "traffic light"}});
        a = addImage(*this, "a.png", "a.png", 40, 30, "train");
        b = addImage(*this, "b.png", "b.png", 37, 23, "validation");
        c = addImage(*this, "c.png", "c.png", 16, 12, "train");
        d = addImage(*this, "d.png", "c.png", 16, 12, "test");
        put(*store, job, a, boxes({box(3, 4, 3, 10, 12), box(7, 0, 0, 40, 30)}, a));
        put(*store, job, b, boxes({box(1, 5, 7, 11, 9)}, b));
        put(*store, job, c, boxes({}, c));
    }
};

/// A stored mask (class id + 1) from a function of the pixel.
inline std::string storedMask(const Job &job, int w, int h, const std::function<int(int, int)> &classIdAt)
{
    mask::IndexedMask m;
    m.width = w;
    m.height = h;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.pixels.push_back(uint8_t(classIdAt(x, y) + 1));
    return *mask::encodeStored(m, job.classes);
}

/// The project behind tests/golden/formats/voc/masks: road is class id 4 at position 0, car id 0 at 1.
struct MaskProject : Project
{
    Job job;
    Item a, b;
    MaskProject()
    {
        job = makeJob(*store, "seg-ref", TaskType::SemanticSegmentation, {{4, "road"}, {0, "car"}});
        a = addImage(*this, "a.png", "a.png", 40, 30, "train");
        b = addImage(*this, "b.png", "b.png", 37, 23, "validation");
        Payload pa, pb;
        pa.mask = storedMask(job, 40, 30, [](int x, int y) {
            return y >= 20 ? 4 : (x >= 10 && x < 20 && y >= 5 && y < 15) ? 0 : -1;
        });
        pb.mask = storedMask(job, 37, 23, [](int x, int y) { return x + y < 20 ? 0 : x > 30 ? 4 : -1; });
        put(*store, job, a, std::move(pa));
        put(*store, job, b, std::move(pb));
    }
};

inline Result<ExportReport> exportTo(const ProjectStore &s, const char *fmt, const std::string &job,
                                     const std::string &out, std::map<std::string, std::string> settings = {},
                                     bool onlyLabeled = true)
{
    FormatExportOptions o;
    o.outPath = out;
    o.job = job;
    o.settings = std::move(settings);
    o.onlyLabeled = onlyLabeled;
    return format(fmt).write(s, o);
}

inline Result<ImportReport> importFrom(ProjectStore &s, const char *fmt, const std::string &dir,
                                       FormatImportOptions o = {})
{
    return format(fmt).read(s, dir, o);
}

/// Relative path → absolute path of every file below dir.
inline std::map<std::string, std::string> filesBelow(const std::string &dir)
{
    std::map<std::string, std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (!e.is_directory() && e.path().filename() != datasets::kOutputMarker) // the export's marker (output.h)
            files[fs::relative(e.path(), dir).generic_string()] = e.path().string();
    return files;
}

inline void compareMaskPngs(const std::string &actual, const std::string &expected)
{
    const QImage a(QString::fromStdString(actual)), e(QString::fromStdString(expected));
    QVERIFY2(!a.isNull() && !e.isNull(), actual.c_str());
    QCOMPARE(a.format(), QImage::Format_Indexed8);
    QCOMPARE(a.size(), e.size());
    QCOMPARE(a.colorTable(), e.colorTable());
    for (int y = 0; y < a.height(); ++y)
        QVERIFY2(std::equal(a.constScanLine(y), a.constScanLine(y) + a.width(), e.constScanLine(y)),
                 actual.c_str());
}

/// Every file of out equals the golden folder's (see the top of the file); GW_UPDATE_GOLDEN=1 rewrites it.
inline void compareWithGolden(const std::string &out, const std::string &goldenRel)
{
    const std::string dir = golden(goldenRel);
    if (qEnvironmentVariableIsSet("GW_UPDATE_GOLDEN")) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        fs::copy(out, dir, fs::copy_options::recursive);
        qWarning("rewrote %s", dir.c_str());
    }
    const auto got = filesBelow(out), want = filesBelow(dir);
    QStringList gotNames, wantNames;
    for (const auto &[rel, _] : got)
        gotNames << QString::fromStdString(rel);
    for (const auto &[rel, _] : want)
        wantNames << QString::fromStdString(rel);
    QCOMPARE(gotNames, wantNames);
    for (const auto &[rel, path] : got) {
        if (rel.starts_with("SegmentationClass/")) {
            compareMaskPngs(path, want.at(rel));
            if (QTest::currentTestFailed())
                return;
            continue;
        }
        QVERIFY2(test::readFile(path) == test::readFile(want.at(rel)),
                 ("differs from the golden file: " + rel).c_str());
    }
}

inline Item itemAt(const ProjectStore &s, const std::string &path)
{
    auto it = s.itemByUri(media::storedUri(s.projectDir(), path));
    if (!it || !*it)
        qFatal("no item for %s", path.c_str());
    return **it;
}

inline std::optional<Payload> labelOf(const ProjectStore &s, const std::string &job, const Item &item)
{
    auto j = s.job(job);
    auto a = s.currentAnnotation(j->id, item.id);
    if (!a || !*a)
        return std::nullopt;
    return (*a)->payload;
}

/// "name left top width height" per box, numbers exact.
inline QStringList boxTexts(const ProjectStore &s, const std::string &job, const Payload &p)
{
    const Job j = *s.job(job);
    QStringList out;
    for (const Box &b : p.boxes)
        out << QString::fromStdString(j.classById(b.classId)->name) + QStringLiteral(" %1 %2 %3 %4")
                                                                          .arg(b.left, 0, 'g', 17)
                                                                          .arg(b.top, 0, 'g', 17)
                                                                          .arg(b.width, 0, 'g', 17)
                                                                          .arg(b.height, 0, 'g', 17);
    return out;
}

inline QStringList classNames(const ProjectStore &s, const std::string &job)
{
    QStringList out;
    const auto j = s.job(job);
    if (!j)
        return {QStringLiteral("no job ") + QString::fromStdString(job)};
    for (const LabelClass &c : j->classes)
        out << QString::fromStdString(c.name);
    return out;
}

/// A mask as class names per pixel ("" = background), from a stored mask.
inline std::vector<std::string> maskNames(const ProjectStore &s, const std::string &job, const Payload &p)
{
    const Job j = *s.job(job);
    auto m = mask::decode(p.mask);
    std::vector<std::string> out;
    for (uint8_t v : m->pixels)
        out.push_back(v == 0 ? std::string() : j.classById(v - 1)->name);
    return out;
}

/// What a failed import must leave alone: items, jobs with their classes, and every label version.
inline std::string snapshot(const ProjectStore &s)
{
    std::string out = "items " + std::to_string(*s.countItems({}));
    const std::vector<Job> jobs = *s.jobs();
    for (const Job &j : jobs) {
        out += "; " + j.name + ":";
        for (const LabelClass &c : j.classes)
            out += " " + c.name;
        int64_t versions = 0;
        (void)s.forEachItem({}, [&](const Item &it) {
            versions += int64_t(s.history(j.id, it.id)->size());
            return true;
        });
        out += " (" + std::to_string(versions) + " versions)";
    }
    return out;
}

/// A writable copy of a golden folder.
inline std::string copyOf(const QTemporaryDir &dir, const std::string &goldenRel, const std::string &name)
{
    const std::string to = test::path(dir, name.c_str());
    fs::copy(golden(goldenRel), to, fs::copy_options::recursive);
    return to;
}

inline void replaceIn(const std::string &path, const std::string &from, const std::string &to)
{
    std::string text = test::readFile(path);
    const size_t at = text.find(from);
    QVERIFY2(at != std::string::npos, ("not in " + path + ": " + from).c_str());
    test::writeFile(path, text.replace(at, from.size(), to));
}

/// The import fails with all of the expected parts in its message, and the project is as before.
inline void expectRefused(ProjectStore &s, const char *fmt, const std::string &dir,
                          const QStringList &expected, FormatImportOptions o = {})
{
    const std::string before = snapshot(s);
    auto r = importFrom(s, fmt, dir, o);
    QVERIFY2(!r, "the import was accepted");
    const QString message = QString::fromStdString(r.error().message);
    for (const QString &part : expected)
        QVERIFY2(message.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, message)));
    QCOMPARE(snapshot(s), before);
}

} // namespace gw::test::yolovoc
