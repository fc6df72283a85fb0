// The format registry: the built-in formats are registered here, once, for both programs.

#include "datasets/formats/builtin.h"
#include "datasets/formats/format.h"
#include "datasets/formats/formatutil.h"
#include "datasets/output.h"

#include <algorithm>
#include <mutex>

namespace gw::datasets {

Result<ImportReport> Format::import(ProjectStore &store, const std::string &path, const FormatImportOptions &o) const
{
    if (!read)
        return fail(Error::invalid(name + " cannot be imported"));
    if (auto own = refuseProjectFileAsInput(store.path(), path); !own)
        return fail(own.error());
    return read(store, path, o);
}

bool Format::carries(TaskType t) const
{
    return std::find(tasks.begin(), tasks.end(), t) != tasks.end();
}

const std::string &Format::summaryFor(TaskType t) const
{
    const auto it = taskSummaries.find(t);
    return it != taskSummaries.end() ? it->second : summary;
}

bool FormatOption::appliesTo(TaskType t) const
{
    return tasks.empty() || std::find(tasks.begin(), tasks.end(), t) != tasks.end();
}

std::string Format::setting(const std::map<std::string, std::string> &settings, const std::string &key) const
{
    if (auto it = settings.find(key); it != settings.end())
        return it->second;
    for (const FormatOption &o : options)
        if (o.key == key)
            return o.defaultValue;
    return {};
}

Result<> Format::check(const std::map<std::string, std::string> &settings) const
{
    for (const auto &[key, value] : settings) {
        const auto o = std::find_if(options.begin(), options.end(), [&](const FormatOption &x) { return x.key == key; });
        if (o == options.end()) {
            std::string known;
            for (const FormatOption &x : options)
                known += (known.empty() ? "" : ", ") + x.key;
            return fail(Error::invalid(name + " has no option '" + key + "'" +
                                       (known.empty() ? std::string(" (it has none)") : " (it has " + known + ")")));
        }
        if (!o->choices.empty() && std::find(o->choices.begin(), o->choices.end(), value) == o->choices.end()) {
            std::string choices;
            for (const std::string &c : o->choices)
                choices += (choices.empty() ? "" : ", ") + c;
            return fail(Error::invalid(name + " option '" + key + "' is one of " + choices + ", not '" + value + "'"));
        }
    }
    return {};
}

namespace {

Format groundTruthManifest()
{
    Format f;
    f.id = "groundtruth";
    f.name = "Ground Truth manifest";
    f.description = "SageMaker Ground Truth augmented manifest (JSON Lines): source-ref or source, the kept keys, "
                    "and each job's label attribute with its -metadata; masks as palette PNGs beside it";
    f.tasks = {TaskType::ImageClassification, TaskType::ImageClassificationMultiLabel, TaskType::BoundingBox,
               TaskType::SemanticSegmentation, TaskType::TextClassification,
               TaskType::TextClassificationMultiLabel, TaskType::NamedEntityRecognition,
               TaskType::InstanceSegmentation};
    f.summary =
        "One file with a line per item: where its image or text is and its labels, as Amazon SageMaker "
        "Ground Truth writes them. For training on SageMaker, or to bring the labels into another project.";
    f.taskSummaries[TaskType::SemanticSegmentation] =
        "One file with a line per image, as Amazon SageMaker Ground Truth writes them, and a mask picture "
        "per image in a folder beside it. For training on SageMaker, or to bring the labels into another "
        "project.";
    f.taskSummaries[TaskType::InstanceSegmentation] =
        "Ground Truth has no instance segmentation: a line per image with the class mask it reads (objects drawn "
        "in order) in a folder beside it, and the objects themselves in the label's metadata "
        "(\"groundwork-instances\"), which Groundwork reads back.";
    f.fileFilter = "Ground Truth manifests (*.manifest *.jsonl *.json)";
    f.read = [](ProjectStore &store, const std::string &path, const FormatImportOptions &o) {
        ImportOptions io = o;
        if (!o.job.empty())
            io.jobs = {o.job};
        return importManifest(store, path, io);
    };
    f.write = [](const ProjectStore &store, const FormatExportOptions &o) {
        ExportOptions e;
        e.outPath = o.outPath;
        if (!o.job.empty())
            e.jobs = {o.job};
        e.onlyLabeled = o.onlyLabeled && !o.job.empty();
        e.splits = o.splits;
        e.progress = o.progress;
        e.recorder = o.recorder;
        e.snapshot = o.snapshot;
        e.augment = o.augment;
        e.augmentDir = o.augmentDir;
        e.output = o.output;
        e.overwrite = o.overwrite;
        return exportManifest(store, e);
    };
    return f;
}

std::vector<Format> &registry()
{
    static std::vector<Format> all;
    return all;
}

} // namespace

std::vector<Format> formats::builtinFormats()
{
    std::vector<Format> all = {classFolders(), maskPngs(), textTable(), nerJsonl(), coco(), labelme(), yolo(), voc()};
    // Reading into a project is parsing (no store), then writing what was found in one transaction.
    for (Format &f : all)
        if (f.parse && !f.read)
            f.read = [parse = f.parse](ProjectStore &store, const std::string &path, const FormatImportOptions &o) {
                FormatImportOptions withJobs = o;
                if (!withJobs.jobType)
                    withJobs.jobType = [&store](const std::string &name) -> std::optional<TaskType> {
                        if (auto j = store.job(name))
                            return j->type;
                        return std::nullopt;
                    };
                auto parsed = parse(path, withJobs);
                if (!parsed)
                    return Result<ImportReport>(fail(parsed.error()));
                return formats::applyParsed(store, std::move(*parsed), o);
            };
    return all;
}

const std::vector<Format> &allFormats()
{
    static std::once_flag once;
    std::call_once(once, [] {
        std::vector<Format> &all = registry();
        all.push_back(groundTruthManifest());
        for (Format &f : formats::builtinFormats())
            all.push_back(std::move(f));
    });
    return registry();
}

const Format *findFormat(std::string_view id)
{
    for (const Format &f : allFormats())
        if (f.id == id)
            return &f;
    return nullptr;
}

} // namespace gw::datasets
