#include "datasets/formats/formatutil.h"

#include "datasets/fileerrors.h"
#include "datasets/groundtruth.h"
#include "datasets/importpolicy.h"
#include "datasets/json.h"
#include "datasets/importers.h"
#include "datasets/linereader.h"
#include "datasets/media.h"
#include "datasets/text/csv.h"
#include "datasets/versions.h"

#include <QFile>
#include <QSaveFile>
#include <QString>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

std::string at(const std::string &file, int64_t line)
{
    return line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": ";
}

namespace {

/// The augmented copies of an exported image as entries of their own that follow it.
Result<> emitAugmented(const Job &job, const FormatExportOptions &options, const ExportEntry &source,
                       const std::function<Result<>(const ExportEntry &)> &fn)
{
    if (!source.label)
        return {};
    return forEachAugmentedCopy(job, options.augment, options.augmentDir, options.output, *source.item,
                                *source.label, source.mediaPath,
                                [&](const Item &item, const Annotation &label, const std::string &path) -> Result<> {
                                    ExportEntry e;
                                    e.item = &item;
                                    e.label = &label;
                                    e.mediaPath = path;
                                    return fn(e);
                                });
}

} // namespace

Result<> forEachAugmentedCopy(const Job &job, const AugmentOptions &augment, const std::string &augmentDir,
                              const OutputSet *output, const Item &source, const Annotation &label,
                              const std::string &mediaPath,
                              const std::function<Result<>(const Item &, const Annotation &, const std::string &)> &fn)
{
    if (augment.copies <= 0 || augmentDir.empty() || source.kind != MediaKind::Image || media::isUri(mediaPath))
        return {};
    const fs::path dir(augmentDir);
    std::string lineage;
    for (int copy = 1; copy <= augment.copies; ++copy) {
        auto a = augmentImage(mediaPath, label.payload, job.type, job.classes, augment, source.id, copy);
        if (!a)
            return fail(a.error());
        const std::string name = fs::path(mediaPath).stem().string() + "-aug" + std::to_string(copy) + "-" +
                                 std::to_string(source.id) + a->extension;
        const std::string path = (dir / name).string();
        if (auto w = writeNewFile(output ? output->physical(path) : path, a->encoded, path); !w)
            return fail(w.error());
        Item item = source;
        item.id = -(source.id * 1000 + copy);
        item.uri = path;
        item.extra.clear();
        Annotation moved = label;
        moved.id = 0;
        moved.itemId = item.id;
        moved.payload = std::move(a->label);
        if (auto r = fn(item, moved, path); !r)
            return fail(r.error());
        lineage += "{\"file\":";
        json::appendQuoted(lineage, name);
        lineage += ",\"source_item\":" + std::to_string(source.id) + ",\"source\":";
        json::appendQuoted(lineage, mediaPath);
        lineage += ",\"copy\":" + std::to_string(copy) + ",\"transform\":";
        json::appendQuoted(lineage, a->transform.describe());
        lineage += "}\n";
    }
    const std::string logPath = (dir / "augmentation.jsonl").string();
    QFile log(QString::fromStdString(output ? output->physical(logPath) : logPath));
    errno = 0;
    if (!log.open(QIODevice::Append) || log.write(lineage.data(), qint64(lineage.size())) != qint64(lineage.size())
        || !log.flush())
        return fail(Error::io(logPath + ": cannot write: " + describeLastFileError(log.errorString().toStdString())));
    return {};
}

std::optional<TaskType> existingJobType(const FormatImportOptions &options, const std::string &job)
{
    return options.jobType && !job.empty() ? options.jobType(job) : std::nullopt;
}

Result<Job> exportJob(const ProjectStore &store, const Format &format, const FormatExportOptions &options)
{
    if (options.job.empty())
        return fail(Error::invalid(format.name + " holds the labels of one job: choose it (--job)"));
    auto job = store.job(options.job);
    if (!job)
        return fail(job.error());
    if (!format.carries(job->type)) {
        std::string kinds;
        for (TaskType t : format.tasks)
            kinds += (kinds.empty() ? "" : ", ") + std::string(taskInfo(t).id);
        return fail(Error::invalid("job '" + job->name + "' is a " + std::string(taskInfo(job->type).id) + " job; " +
                                   format.name + " holds " + kinds));
    }
    if (auto r = format.check(options.settings); !r)
        return fail(r.error());
    return job;
}

Result<int64_t> forEachEntry(const ProjectStore &store, const Job &job, const FormatExportOptions &options,
                             const std::function<Result<>(const ExportEntry &)> &fn)
{
    const std::string projectDir = store.projectDir();
    if (options.snapshot) {
        // A recorded version: exactly its items, splits and annotation versions.
        const auto &entries = *options.snapshot;
        int64_t done = 0;
        for (const VersionEntry &v : entries) {
            auto item = store.item(v.itemId);
            if (!item)
                return fail(item.error());
            item->split = v.split;
            std::optional<Annotation> label;
            if (v.annotationId) {
                auto a = store.annotationById(v.annotationId);
                if (!a)
                    return fail(a.error());
                label = std::move(*a);
            }
            ExportEntry e;
            e.item = &*item;
            e.label = label ? &*label : nullptr;
            e.mediaPath = item->kind == MediaKind::Image ? media::resolve(projectDir, item->uri) : std::string();
            if (options.recorder)
                options.recorder->add(*item, e.label);
            if (auto r = fn(e); !r)
                return fail(r.error());
            if (auto r = emitAugmented(job, options, e, fn); !r)
                return fail(r.error());
            if (options.progress && (++done & 0xff) == 0 && !options.progress(done, int64_t(entries.size())))
                return fail(Error::cancelled());
        }
        return int64_t(entries.size());
    }
    ItemFilter filter;
    filter.kind = taskInfo(job.type).image ? MediaKind::Image : MediaKind::Text;
    auto total = store.countItems(filter);
    if (!total)
        return fail(total.error());
    auto items = store.itemCursor(filter);
    if (!items)
        return fail(items.error());
    auto labels = store.annotationCursor(job.id);
    if (!labels)
        return fail(labels.error());
    Annotation pending;
    auto more = (*labels)->next(pending);
    if (!more)
        return fail(more.error());
    bool hasPending = *more;
    int64_t done = 0, written = 0;
    Item item;
    while (true) {
        auto next = (*items)->next(item);
        if (!next)
            return fail(next.error());
        if (!*next)
            break;
        ++done;
        // Both cursors run in item order: catch the labels up with the item.
        while (hasPending && pending.itemId < item.id) {
            auto m = (*labels)->next(pending);
            if (!m)
                return fail(m.error());
            hasPending = *m;
        }
        const bool labelled = hasPending && pending.itemId == item.id;
        if (item.flags & ItemSetAside)
            continue; // taken out of the dataset by a person
        const bool inSplit = options.splits.empty()
                             || std::find(options.splits.begin(), options.splits.end(), item.split) != options.splits.end();
        if (inSplit && (labelled || !options.onlyLabeled)) {
            ExportEntry e;
            e.item = &item;
            e.label = labelled ? &pending : nullptr;
            e.mediaPath = item.kind == MediaKind::Image ? media::resolve(projectDir, item.uri) : std::string();
            if (options.recorder)
                options.recorder->add(item, e.label);
            if (auto r = fn(e); !r)
                return fail(r.error());
            if (auto r = emitAugmented(job, options, e, fn); !r)
                return fail(r.error());
            ++written;
        }
        if (options.progress && (done & 0xff) == 0 && !options.progress(done, *total))
            return fail(Error::cancelled());
    }
    if (options.progress)
        options.progress(done, *total);
    return written;
}

// ---- files ----

Result<> writeFileAtomically(const std::string &path, std::string_view bytes)
{
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly))
        return fail(Error::io(path + ": cannot write: " + file.errorString().toStdString()));
    if (file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
        return fail(Error::io(path + ": write failed: " + file.errorString().toStdString()));
    return {};
}

Result<std::string> readFile(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        return fail(Error::notFound(path + ": no such file"));
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::io(path + ": cannot read: " + file.errorString().toStdString()));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return fail(Error::io(path + ": cannot read: " + file.errorString().toStdString()));
    return bytes.toStdString();
}


Result<std::vector<std::vector<std::string>>> readCsv(const std::string &path, char delimiter)
{
    csv::Reader reader;
    if (auto r = reader.open(path, delimiter); !r)
        return fail(r.error());
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    while (reader.next(fields))
        records.push_back(fields);
    if (auto r = reader.status(); !r)
        return fail(r.error());
    return records;
}

Result<std::string> StagedFolder::path(const std::string &relative) const
{
    const fs::path p = fs::path(m_staging) / relative;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec)
        return fail(Error::io(p.parent_path().string() + ": cannot create: " + describeFileError(ec.value())));
    return p.string();
}

Result<> StagedFolder::write(const std::string &relative, std::string_view bytes) const
{
    auto p = path(relative);
    if (!p)
        return fail(p.error());
    return writeNewFile(*p, bytes, (fs::path(m_target) / relative).string());
}

std::string StagedFolder::physical(const std::string &finalPath) const
{
    return m_set ? m_set->physical(finalPath) : finalPath;
}

WriterOutput::WriterOutput(OutputSet *shared, bool overwrite)
    : m_set(shared)
{
    if (!m_set) {
        OutputRules rules;
        rules.overwrite = overwrite;
        m_own = std::make_unique<OutputSet>(std::move(rules));
        m_set = m_own.get();
    }
}

WriterOutput::~WriterOutput() = default;

Result<StagedFolder> WriterOutput::folder(const std::string &target)
{
    auto staged = m_set->addFolder(target);
    if (!staged)
        return fail(staged.error());
    StagedFolder f;
    f.m_target = OutputSet::finalPath(target);
    f.m_staging = *staged;
    f.m_set = m_set;
    return f;
}

Result<std::string> WriterOutput::file(const std::string &target)
{
    return m_set->addFile(target);
}

Result<> WriterOutput::finish()
{
    return m_own ? m_own->commit() : Result<>();
}


// ---- imports ----

Result<std::unique_ptr<LabelWriter>> LabelWriter::begin(ProjectStore &store, TaskType type,
                                                        const FormatImportOptions &options,
                                                        const std::string &defaultJobName,
                                                        const std::string &source)
{
    auto w = std::unique_ptr<LabelWriter>(new LabelWriter(store));
    w->m_addClasses = options.addClasses;
    w->m_checkMedia = options.checkMedia;
    w->m_replace = options.replace;
    w->m_keepDuplicates = options.keepDuplicates;
    // These formats carry no date per label: the labels are as old as the file (or folder) that holds them.
    std::error_code ec;
    const auto written = fs::last_write_time(source, ec);
    if (!ec)
        w->m_labelTimeUs = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::file_clock::to_sys(written).time_since_epoch())
                               .count();
    const std::string name = options.job.empty() ? defaultJobName : options.job;
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    w->m_tx = std::move(*tx);
    auto existing = store.job(name);
    if (existing) {
        if (existing->type != type)
            return fail(Error::invalid("job '" + name + "' is a " + std::string(taskInfo(existing->type).id) +
                                       " job; these files hold " + std::string(taskInfo(type).id) +
                                       " labels (choose another job with --job)"));
        w->m_job = *existing;
    } else if (existing.error().code == Error::Code::NotFound) {
        if (const std::string msg = validateLabelAttributeName(name, type); !msg.empty())
            return fail(Error::invalid(msg + " (choose the job's name with --job)"));
        w->m_job.name = name;
        w->m_job.type = type;
        w->m_jobIsNew = true;
        if (auto r = w->m_tx->saveJob(w->m_job); !r)
            return fail(r.error());
        w->m_report.jobsCreated.push_back(name);
    } else {
        return fail(existing.error());
    }
    auto batch = store.newImportBatch(source);
    if (!batch)
        return fail(batch.error());
    w->m_batch = *batch;
    return w;
}

Result<int> LabelWriter::classId(const std::string &name, const std::string &color)
{
    if (name.empty())
        return fail(Error::invalid("a class without a name"));
    if (const LabelClass *c = m_job.classByName(name))
        return c->id;
    if (!m_jobIsNew && !m_addClasses) {
        std::string known;
        for (const LabelClass &c : m_job.classes)
            known += (known.empty() ? "" : ", ") + c.name;
        return fail(Error::invalid("class '" + name + "' is not one of job '" + m_job.name + "' (" + known +
                                   "); add it first or import with --add-classes"));
    }
    if (const std::string problem = classNameProblem(name, m_job.type); !problem.empty())
        return fail(Error::invalid(problem));
    LabelClass c;
    c.id = 0;
    for (const LabelClass &k : m_job.classes)
        c.id = std::max(c.id, k.id + 1);
    c.name = name;
    c.color = color.empty() ? defaultClassColor(c.id) : color;
    m_job.classes.push_back(c);
    return c.id;
}

Result<Item> LabelWriter::imageItem(const std::string &pathOrUri, const media::ImageInfo *known)
{
    const std::string uri = media::storedUri(m_store.projectDir(), pathOrUri);
    if (auto it = m_itemsByUri.find(uri); it != m_itemsByUri.end())
        return m_store.item(it->second);
    auto found = m_store.itemByUri(uri);
    if (!found)
        return fail(found.error());
    if (*found) {
        m_itemsByUri.emplace(uri, (*found)->id);
        ++m_report.itemsMatched;
        return **found;
    }
    Item item;
    item.kind = MediaKind::Image;
    item.uri = uri;
    item.batch = m_batch;
    if (m_checkMedia && !media::isUri(pathOrUri)) {
        const media::ImageInfo info = known ? *known : media::readImageInfo(pathOrUri);
        item.width = info.width;
        item.height = info.height;
        item.flags = info.flags;
        if (info.flags) {
            ++m_report.flagged;
            m_report.warnings.push_back(pathOrUri + ": " + info.error);
        }
    }
    if (auto r = m_tx->addItem(item); !r)
        return fail(r.error());
    m_itemsByUri.emplace(uri, item.id);
    m_newItems.insert(item.id);
    ++m_report.itemsAdded;
    return item;
}

Result<Item> LabelWriter::textItem(const std::string &text)
{
    if (!m_keepDuplicates) {
        auto found = m_texts.find(text);
        if (!found)
            return fail(found.error());
        if (*found) {
            ++m_report.itemsMatched;
            return m_store.item(**found);
        }
    }
    Item item;
    item.kind = MediaKind::Text;
    item.text = text;
    item.batch = m_batch;
    if (auto r = m_tx->addItem(item); !r)
        return fail(r.error());
    m_texts.add(text, item.id);
    m_newItems.insert(item.id);
    ++m_report.itemsAdded;
    return item;
}

Result<> LabelWriter::put(const Item &item, Payload payload)
{
    Annotation a;
    a.jobId = m_job.id;
    a.itemId = item.id;
    a.payload = std::move(payload);
    a.provenance.source = Source::Imported;
    a.provenance.humanAnnotated = true;
    a.provenance.author = "import";
    a.provenance.createdUs = m_labelTimeUs;
    auto outcome = putImportedLabel(m_store, *m_tx, a, !m_newItems.count(item.id), m_replace);
    if (!outcome)
        return fail(outcome.error());
    countLabel(m_report, *outcome);
    return {};
}

Result<ImportReport> LabelWriter::commit()
{
    if (auto r = m_tx->saveJob(m_job); !r)
        return fail(r.error());
    if (auto r = m_tx->commit(); !r)
        return fail(r.error());
    return m_report;
}

} // namespace gw::datasets::formats
