// Class folders (ImageNet style): one sub-folder per class holding its images, under a split folder when the
// items have splits (train/, validation/, test/). What torchvision's ImageFolder and Keras read.

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/formats/imagefiles.h"
#include "datasets/media.h"

#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> kSplitFolders = {"train",      "training", "val",        "valid",
                                             "validation", "test",     "testing",    "unassigned"};

std::string splitOfFolder(const std::string &name)
{
    if (name == "unassigned")
        return {};
    if (name == "train" || name == "training")
        return "train";
    if (name == "val" || name == "valid" || name == "validation")
        return "validation";
    return "test";
}

/// A class name as a folder name: path separators and names that mean something else are refused.
Result<std::string> folderName(const std::string &className)
{
    if (className.empty() || className == "." || className == ".." || className.find('/') != std::string::npos
        || className.find('\0') != std::string::npos)
        return fail(Error::invalid("class '" + className + "' cannot be a folder name"));
    return className;
}

/// Places a copy (or a symbolic link) of an image; a name taken by another image in the folder gets the
/// item id before its extension.
Result<std::string> placeFile(const StagedFolder &out, const std::string &folder, const std::string &source,
                              int64_t itemId, bool link, std::set<std::string> &taken)
{
    const fs::path src(source);
    std::string name = src.filename().string();
    if (!taken.insert(folder + "/" + name).second) {
        name = src.stem().string() + "-" + std::to_string(itemId) + src.extension().string();
        taken.insert(folder + "/" + name);
    }
    const std::string relative = folder + "/" + name;
    if (auto placed = placeImageFile(out, relative, source, link); !placed)
        return fail(placed.error());
    return relative;
}

Result<ExportReport> writeFolders(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    // Split folders when any item to export has a split; the others go to "unassigned/".
    bool anySplit = false;
    FormatExportOptions labelled = o;
    labelled.onlyLabeled = true; // an image without a class has no folder
    labelled.progress = {};
    labelled.recorder = nullptr; // a look ahead, not the export
    labelled.augment.copies = 0;
    if (auto r = forEachEntry(store, *job, labelled, [&](const ExportEntry &e) -> Result<> {
            anySplit = anySplit || !e.item->split.empty();
            return {};
        });
        !r)
        return fail(r.error());
    WriterOutput output(o.output, o.overwrite);
    auto out = output.folder(o.outPath);
    if (!out)
        return fail(out.error());
    const bool link = format.setting(o.settings, "files") == "link";
    std::set<std::string> taken;
    ExportReport report;
    labelled.progress = o.progress;
    labelled.recorder = o.recorder;
    labelled.augment = o.augment;
    auto r = forEachEntry(store, *job, labelled, [&](const ExportEntry &e) -> Result<> {
        if (e.label->payload.classes.empty())
            return {};
        if (media::isUri(e.mediaPath))
            return fail(Error::invalid(e.mediaPath + ": only local files can be placed in class folders"));
        const LabelClass *c = job->classById(e.label->payload.classes.front());
        if (!c)
            return fail(Error::internal("item " + std::to_string(e.item->id) + ": unknown class"));
        auto folder = folderName(c->name);
        if (!folder)
            return fail(folder.error());
        if (anySplit)
            *folder = (e.item->split.empty() ? std::string("unassigned") : e.item->split) + "/" + *folder;
        if (auto placed = placeFile(*out, *folder, e.mediaPath, e.item->id, link, taken); !placed)
            return fail(placed.error());
        ++report.lines;
        ++report.labels;
        return {};
    });
    if (!r)
        return fail(r.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

Result<ParsedLabels> parseFolders(const std::string &path, const FormatImportOptions &o)
{
    const fs::path root = fs::absolute(path).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return fail(Error::notFound(root.string() + ": not a folder"));
    // (split, class, image path) for every image two levels (class/image) or three (split/class/image) down.
    struct Entry
    {
        std::string split, className, image;
    };
    std::vector<Entry> entries;
    std::vector<fs::path> tops;
    for (const auto &d : fs::directory_iterator(root, ec))
        if (d.is_directory())
            tops.push_back(d.path());
    std::sort(tops.begin(), tops.end());
    const bool splitLayout = !tops.empty() && std::all_of(tops.begin(), tops.end(), [](const fs::path &p) {
        return kSplitFolders.count(p.filename().string()) > 0;
    });
    auto collect = [&](const fs::path &classDir, const std::string &split) {
        std::vector<std::string> files;
        QDirIterator it(QString::fromStdString(classDir.string()), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            if (media::isImageExtension(QFileInfo(f).suffix().toLower().toStdString()))
                files.push_back(f.toStdString());
        }
        std::sort(files.begin(), files.end());
        for (std::string &f : files)
            entries.push_back({split, classDir.filename().string(), std::move(f)});
    };
    for (const fs::path &top : tops) {
        if (!splitLayout) {
            collect(top, {});
            continue;
        }
        std::vector<fs::path> classes;
        for (const auto &d : fs::directory_iterator(top, ec))
            if (d.is_directory())
                classes.push_back(d.path());
        std::sort(classes.begin(), classes.end());
        for (const fs::path &c : classes)
            collect(c, splitOfFolder(top.filename().string()));
    }
    if (entries.empty())
        return fail(Error::invalid(root.string() + ": no images in class sub-folders (expected CLASS/IMAGE or "
                                                   "SPLIT/CLASS/IMAGE)"));
    auto writer = LabelCollector::begin(TaskType::ImageClassification, o, "class", root.string());
    if (!writer)
        return fail(writer.error());
    int64_t done = 0;
    for (const Entry &e : entries) {
        auto cls = (*writer)->classId(e.className, {}, at(e.image));
        if (!cls)
            return fail(Error{cls.error().code, at(e.image) + cls.error().message});
        auto item = (*writer)->imageItem(e.image);
        if (!item)
            return fail(item.error());
        Payload p;
        p.classes = {*cls};
        p.classConfidence = {std::nullopt};
        if (auto r = (*writer)->put(*item, std::move(p)); !r)
            return fail(r.error());
        if (!e.split.empty())
            if (auto r = (*writer)->setSplit(item->id, e.split); !r)
                return fail(r.error());
        ++(*writer)->report().lines;
        if (o.progress && (++done & 0xff) == 0 && !o.progress(done, int64_t(entries.size())))
            return fail(Error::cancelled());
    }
    return (*writer)->commit();
}

} // namespace

Format classFolders()
{
    Format f;
    f.id = "class-folders";
    f.name = "Class folders";
    f.description = "one folder per class holding its images (CLASS/IMAGE), under split folders when items have "
                    "splits (train/, validation/, test/; unassigned/ for the rest), as torchvision's ImageFolder "
                    "reads; import also reads SPLIT/CLASS/IMAGE and sets the splits";
    f.summary = "A folder per class holding its images, inside train, validation and test folders when items "
                "have splits. What PyTorch's ImageFolder and most image-classification trainers read.";
    f.tasks = {TaskType::ImageClassification};
    f.writesFolder = true;
    f.readsFolder = true;
    f.writesUnlabeled = false; // an image without a class has no folder to go in
    f.options = {imageFilesOption()};
    f.parse = parseFolders;
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeFolders(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
