#include "datasets/manifest.h"

#include "datasets/fileerrors.h"
#include "datasets/groundtruth.h"
#include "datasets/importpolicy.h"
#include "datasets/json.h"
#include "datasets/linereader.h"
#include "datasets/media.h"
#include "datasets/output.h"
#include "datasets/formats/formatutil.h"
#include "datasets/versions.h"

#include <QFile>
#include <QString>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

std::string at(const std::string &file, int64_t line)
{
    return file + ":" + std::to_string(line) + ": ";
}

struct FoundLabel
{
    std::string attribute;
    const json::Value *label = nullptr;
    const json::Value *metadata = nullptr;
    TaskType type;
    JobKind kind = JobKind::Labeling; ///< a verification or adjustment job's label (reference §3.7, §3.8)
    std::string parent;               ///< then: the attribute of the line it was made from
    bool ambiguous = false;           ///< the line had more than one such attribute (the first is taken)
};

/// Import state that outlives one line: jobs by name (created ones may still gain classes), item lookups.
class ManifestImporter
{
public:
    ManifestImporter(ProjectStore &store, const std::string &path, const ImportOptions &opt)
        : m_store(store), m_path(path), m_opt(opt),
          m_manifestDir(fs::absolute(path).parent_path().lexically_normal().string())
    {
    }

    Result<ImportReport> run()
    {
        LineReader reader;
        if (auto r = reader.open(m_path); !r)
            return fail(r.error());
        auto jobs = m_store.jobs();
        if (!jobs)
            return fail(jobs.error());
        for (Job &j : *jobs)
            m_jobs.emplace(j.name, std::move(j));
        auto count = m_store.countItems({});
        if (!count)
            return fail(count.error());
        m_projectHadItems = *count > 0;

        auto tx = m_store.begin();
        if (!tx)
            return fail(tx.error());
        m_tx = tx->get();
        auto batch = m_store.newImportBatch(m_path);
        if (!batch)
            return fail(batch.error());
        m_batch = *batch;

        std::string_view line;
        int64_t lineNo = 0;
        while (reader.next(line)) {
            ++lineNo;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                continue;
            ++m_report.lines;
            if (auto r = importLine(line, lineNo); !r) {
                if (r.error().code != Error::Code::Invalid || !m_opt.skipBad)
                    return fail(Error{r.error().code, at(m_path, lineNo) + r.error().message});
                m_report.skipped.push_back(at(m_path, lineNo) + r.error().message);
            }
            if (m_opt.progress && (lineNo & 0x3fff) == 0 && !m_opt.progress(reader.bytesRead(), reader.size()))
                return fail(Error::cancelled());
        }
        if (auto r = reader.status(); !r)
            return fail(r.error());
        for (auto &[name, job] : m_jobs) {
            if (!m_created.count(name))
                continue;
            if (auto r = m_tx->saveJob(job); !r)
                return fail(r.error());
            for (const LabelClass &c : job.classes)
                if (c.name == "class-" + std::to_string(c.id))
                    m_report.warnings.push_back(m_path + ": job '" + name + "': the name of class "
                                                + std::to_string(c.id)
                                                + " does not appear in the manifest; it is called '" + c.name
                                                + "' until renamed");
        }
        if (auto r = m_tx->commit(); !r)
            return fail(r.error());
        if (m_opt.progress)
            m_opt.progress(reader.size(), reader.size());
        return m_report;
    }

private:
    Result<> importLine(std::string_view text, int64_t lineNo)
    {
        json::Value v;
        json::ParseError perr;
        if (!json::parse(text, v, &perr))
            return fail(Error::invalid("invalid JSON at column " + std::to_string(perr.offset + 1) + ": " + perr.message));
        if (!v.isObject())
            return fail(Error::invalid("a manifest line must be a JSON object"));
        const json::Value *sourceRef = v.find("source-ref");
        const json::Value *source = v.find("source");
        if (bool(sourceRef) == bool(source))
            return fail(Error::invalid(sourceRef ? "the line has both 'source-ref' and 'source'"
                                                 : "the line has neither 'source-ref' nor 'source'"));
        if ((sourceRef && !sourceRef->isString()) || (source && !source->isString()))
            return fail(Error::invalid("'source-ref' / 'source' must be a string"));
        const bool isText = source != nullptr;

        // Label attributes: keys whose "-metadata" partner names a Ground Truth type we model.
        std::vector<FoundLabel> labels;
        std::vector<std::string_view> consumed;
        for (const auto &[key, value] : v.toObject()) {
            if (key.ends_with("-metadata") || key == "source" || key == "source-ref")
                continue;
            const json::Value *md = v.find(key + "-metadata");
            if (!md || !md->isObject())
                continue;
            const json::Value *type = md->find("type");
            auto task = type ? taskFromGtType(type->toString(), isText) : std::nullopt;
            if (!task)
                continue; // verification, custom, video...: kept as they are
            if (task == TaskType::SemanticSegmentation && md->find(gt::kInstancesKey))
                task = TaskType::InstanceSegmentation; // a class map with its objects (groundtruth.h)
            const bool wanted = m_opt.jobs.empty()
                                || std::find(m_opt.jobs.begin(), m_opt.jobs.end(), key) != m_opt.jobs.end();
            if (!wanted && !m_opt.labelsOnly)
                continue; // not taken as a label, so kept with the item's other keys
            if (wanted) {
                FoundLabel f{key, &value, md, *task};
                if (type->toString() == "groundtruth/label-verification")
                    f.kind = JobKind::Verification;
                else if (md->find("adjustment-status"))
                    f.kind = JobKind::Adjustment;
                labels.push_back(std::move(f));
            }
            consumed.push_back(key);
        }
        // A verification or adjustment label was made from the line's box or mask label (the one that is neither);
        // parents first, so that a job made by this import exists before the jobs chained to it.
        for (FoundLabel &f : labels) {
            if (f.kind == JobKind::Labeling)
                continue;
            for (const auto &[key, value] : v.toObject()) {
                const json::Value *md = key.ends_with("-metadata") || key == f.attribute ? nullptr
                                                                                           : v.find(key + "-metadata");
                const json::Value *type = md && md->isObject() ? md->find("type") : nullptr;
                if (!type || md->find("adjustment-status"))
                    continue;
                auto task = taskFromGtType(type->toString(), isText);
                if (task == TaskType::SemanticSegmentation && md->find(gt::kInstancesKey))
                    task = TaskType::InstanceSegmentation;
                const bool shapes = task == TaskType::BoundingBox || task == TaskType::SemanticSegmentation
                                    || task == TaskType::InstanceSegmentation;
                if (shapes && (f.kind == JobKind::Verification || task == f.type)) {
                    f.ambiguous = !f.parent.empty();
                    if (f.ambiguous)
                        break;
                    f.parent = key;
                }
            }
        }
        std::stable_partition(labels.begin(), labels.end(), [](const FoundLabel &f) { return f.kind == JobKind::Labeling; });

        // The item: found (labels only, or a project that had items) or new.
        Item item;
        std::string absolute;
        bool existing = false;
        if (isText) {
            item.kind = MediaKind::Text;
            item.text = source->toString();
            if (m_opt.labelsOnly || !m_opt.keepDuplicates) {
                // A text already in the project is that item (like an image by its path).
                auto id = m_texts.find(item.text);
                if (!id)
                    return fail(id.error());
                if (*id) {
                    auto found = m_store.item(**id);
                    if (!found)
                        return fail(found.error());
                    item = *found;
                    existing = true;
                } else if (m_opt.labelsOnly) {
                    return fail(Error::invalid("no text item with this 'source' in the project"));
                }
            }
        } else {
            absolute = media::fromManifest(m_manifestDir, sourceRef->toString());
            item.kind = MediaKind::Image;
            item.uri = media::storedUri(m_store.projectDir(), absolute);
            if (m_opt.labelsOnly || m_projectHadItems) {
                auto found = m_store.itemByUri(item.uri);
                if (!found)
                    return fail(found.error());
                if (*found) {
                    item = **found;
                    existing = true;
                } else if (m_opt.labelsOnly) {
                    return fail(Error::invalid("no item with source-ref '" + sourceRef->toString() + "' in the project"));
                }
            }
            if (!existing && m_opt.checkMedia && !media::isUri(absolute)) {
                const media::ImageInfo info = media::readImageInfo(absolute);
                item.width = info.width;
                item.height = info.height;
                item.flags = info.flags;
                if (info.flags) {
                    ++m_report.flagged;
                    m_report.warnings.push_back(at(m_path, lineNo) + info.error + " (flagged)");
                }
            }
        }

        // Decode every label before writing anything, so a bad line leaves no trace.
        std::vector<Annotation> annotations;
        for (const FoundLabel &f : labels) {
            auto job = jobFor(f);
            if (!job)
                return fail(job.error());
            gt::DecodeContext ctx;
            ctx.job = *job;
            ctx.mayAddClasses = m_created.count(f.attribute) > 0;
            ctx.item = &item;
            ctx.manifestDir = m_manifestDir;
            ctx.projectDir = m_store.projectDir();
            ctx.warn = [&](const std::string &w) { m_report.warnings.push_back(at(m_path, lineNo) + w); };
            auto a = gt::decodeLabel(*f.label, *f.metadata, ctx);
            if (!a)
                return fail(Error{a.error().code, "label '" + f.attribute + "': " + a.error().message});
            annotations.push_back(std::move(*a));
            if (item.width == 0 && annotations.back().payload.imageWidth > 0) {
                item.width = annotations.back().payload.imageWidth;
                item.height = annotations.back().payload.imageHeight;
            }
        }

        if (existing) {
            ++m_report.itemsMatched;
        } else {
            json::Object extra;
            for (const auto &[key, value] : v.toObject()) {
                if (key == "source" || key == "source-ref")
                    continue;
                const bool isConsumed = std::any_of(consumed.begin(), consumed.end(), [&](std::string_view c) {
                    return key == c || (key.size() == c.size() + 9 && key.starts_with(c) && key.ends_with("-metadata"));
                });
                if (!isConsumed)
                    extra.members().emplace_back(key, value);
            }
            if (!extra.empty())
                item.extra = json::toString(json::Value(std::move(extra)));
            item.batch = m_batch;
            if (auto r = m_tx->addItem(item); !r)
                return r;
            ++m_report.itemsAdded;
            if (isText)
                m_texts.add(item.text, item.id);
        }
        for (Annotation &a : annotations) {
            a.itemId = item.id;
            auto outcome = putImportedLabel(m_store, *m_tx, a, existing, m_opt.replace);
            if (!outcome)
                return fail(outcome.error());
            countLabel(m_report, *outcome);
        }
        return {};
    }

    Result<Job *> jobFor(const FoundLabel &f)
    {
        auto it = m_jobs.find(f.attribute);
        if (it != m_jobs.end()) {
            if (it->second.type != f.type)
                return fail(Error::invalid("label attribute '" + f.attribute + "' holds "
                                           + std::string(taskInfo(f.type).id) + " labels, but job '" + f.attribute
                                           + "' is a " + std::string(taskInfo(it->second.type).id) + " job"));
            return &it->second;
        }
        if (const std::string msg = validateLabelAttributeName(f.attribute, f.type); !msg.empty())
            return fail(Error::invalid(msg));
        Job job;
        job.name = f.attribute;
        job.type = f.type;
        if (f.kind != JobKind::Labeling) {
            auto parent = m_jobs.find(f.parent);
            if (parent != m_jobs.end() && parent->second.id != 0) {
                job.kind = f.kind;
                job.parentId = parent->second.id;
                if (f.ambiguous)
                    m_report.warnings.push_back(m_path + ": job '" + f.attribute + "' is taken as the "
                                                + std::string(jobKindName(f.kind)) + " of job '" + f.parent
                                                + "', the first of several it could be of");
            } else {
                m_report.warnings.push_back(m_path + ": job '" + f.attribute + "' is a Ground Truth "
                                            + std::string(jobKindName(f.kind)) + " job, but the job it was made "
                                            "from is not in this project or manifest: it is imported as a job of its own");
            }
        }
        if (auto r = m_tx->saveJob(job); !r)
            return fail(r.error());
        m_created.insert(f.attribute);
        m_report.jobsCreated.push_back(f.attribute);
        return &m_jobs.emplace(f.attribute, std::move(job)).first->second;
    }

    ProjectStore &m_store;
    std::string m_path;
    const ImportOptions &m_opt;
    std::string m_manifestDir;
    ImportReport m_report;
    WriteTransaction *m_tx = nullptr;
    int64_t m_batch = 0;
    bool m_projectHadItems = false;
    std::map<std::string, Job> m_jobs;
    std::set<std::string> m_created;
    TextIndex m_texts{m_store};
};

} // namespace

Result<ImportReport> importManifest(ProjectStore &store, const std::string &path, const ImportOptions &options)
{
    if (auto own = refuseProjectFileAsInput(store.path(), path); !own)
        return fail(own.error());
    ManifestImporter importer(store, path, options);
    return importer.run();
}

// ---------------------------------------------------------------------------------------------------------

namespace {

/// Rows read from memory: a recorded dataset version's items and annotations.
template<typename T>
class VectorCursor final : public Cursor<T>
{
public:
    explicit VectorCursor(std::vector<T> rows) : m_rows(std::move(rows)) {}
    Result<bool> next(T &out) override
    {
        if (m_next >= m_rows.size())
            return false;
        out = std::move(m_rows[m_next++]);
        return true;
    }

private:
    std::vector<T> m_rows;
    size_t m_next = 0;
};

/// A job's current annotations walked alongside the items (both in item order).
struct JobStream
{
    Job job;
    gt::JobEncoding encoding;
    std::string key;         ///< "\"LAN\":" to spot a clash with a kept key
    std::string metadataKey; ///< "\"LAN-metadata\":"
    std::unique_ptr<Cursor<Annotation>> cursor;
    Annotation pending;
    bool hasPending = false;
    bool idsArePositions = true;

    Result<const Annotation *> forItem(int64_t itemId)
    {
        while (hasPending && pending.itemId < itemId) {
            auto more = cursor->next(pending);
            if (!more)
                return fail(more.error());
            hasPending = *more;
        }
        return hasPending && pending.itemId == itemId ? &pending : nullptr;
    }
};

class ManifestExporter
{
public:
    ManifestExporter(const ProjectStore &store, const ExportOptions &opt)
        : m_store(store), m_opt(opt), m_output(opt.output, opt.overwrite)
    {
    }

    Result<ExportReport> run()
    {
        auto staged = m_output.file(m_opt.outPath); // refused here, before any work, when it may not be written
        if (!staged)
            return fail(staged.error());
        const fs::path out(OutputSet::finalPath(m_opt.outPath));
        m_outDir = out.parent_path().string();
        m_maskDir = (out.parent_path() / (out.stem().string() + ".masks")).string();
        m_projectDir = m_store.projectDir();
        m_sameDir = fs::path(m_outDir) == fs::path(m_projectDir);

        auto jobs = m_store.jobs();
        if (!jobs)
            return fail(jobs.error());
        // A recorded version: its items (with their splits then) and annotation versions, not today's.
        std::vector<Item> snapshotItems;
        std::map<int64_t, std::vector<Annotation>> snapshotLabels;
        if (m_opt.snapshot) {
            for (const VersionEntry &v : *m_opt.snapshot) {
                if (snapshotItems.empty() || snapshotItems.back().id != v.itemId) {
                    auto item = m_store.item(v.itemId);
                    if (!item)
                        return fail(item.error());
                    item->split = v.split;
                    snapshotItems.push_back(std::move(*item));
                }
                if (v.annotationId) {
                    auto a = m_store.annotationById(v.annotationId);
                    if (!a)
                        return fail(a.error());
                    snapshotLabels[a->jobId].push_back(std::move(*a));
                }
            }
        }
        for (const std::string &name : m_opt.jobs)
            if (std::none_of(jobs->begin(), jobs->end(), [&](const Job &j) { return j.name == name; }))
                return fail(Error::notFound("no job named '" + name + "' in this project"));
        for (Job &j : *jobs) {
            if (!m_opt.jobs.empty() && std::find(m_opt.jobs.begin(), m_opt.jobs.end(), j.name) == m_opt.jobs.end())
                continue;
            JobStream s;
            s.job = std::move(j);
            s.key = "\"" + s.job.name + "\":";
            s.metadataKey = "\"" + s.job.name + "-metadata\":";
            s.encoding = gt::prepareJob(s.job);
            s.idsArePositions = s.encoding.idsArePositions;
            if (m_opt.snapshot) {
                s.cursor = std::make_unique<VectorCursor<Annotation>>(std::move(snapshotLabels[s.job.id]));
            } else {
                auto c = m_store.annotationCursor(s.job.id);
                if (!c)
                    return fail(c.error());
                s.cursor = std::move(*c);
            }
            auto more = s.cursor->next(s.pending);
            if (!more)
                return fail(more.error());
            s.hasPending = *more;
            m_streams.push_back(std::move(s));
        }

        if (m_opt.augment.copies > 0 && m_streams.size() != 1)
            return fail(Error::invalid("augmented copies go into a manifest of one job: choose it"));
        QFile file(QString::fromStdString(*staged));
        errno = 0;
        if (!file.open(QIODevice::WriteOnly))
            return fail(Error::io(out.string() + ": cannot write: " + describeLastFileError(file.errorString().toStdString())));
        auto total = m_opt.snapshot ? Result<int64_t>(int64_t(snapshotItems.size())) : m_store.countItems({});
        if (!total)
            return fail(total.error());
        auto items = m_opt.snapshot
                         ? Result<std::unique_ptr<Cursor<Item>>>(std::make_unique<VectorCursor<Item>>(std::move(snapshotItems)))
                         : m_store.itemCursor({});
        if (!items)
            return fail(items.error());

        std::string buf;
        buf.reserve(1 << 21);
        Item item;
        while (true) {
            auto more = (*items)->next(item);
            if (!more)
                return fail(more.error());
            if (!*more)
                break;
            if (!m_opt.snapshot && (item.flags & ItemSetAside))
                continue; // taken out of the dataset by a person
            if (!m_opt.snapshot && !m_opt.splits.empty()
                && std::find(m_opt.splits.begin(), m_opt.splits.end(), item.split) == m_opt.splits.end())
                continue;
            if (auto r = writeLine(item, buf); !r)
                return fail(r.error());
            if (auto r = writeCopies(item, buf); !r)
                return fail(r.error());
            if (buf.size() > (1 << 20)) {
                if (file.write(buf.data(), qint64(buf.size())) != qint64(buf.size()))
                    return fail(Error::io(out.string() + ": cannot write: " +
                                          describeLastFileError(file.errorString().toStdString())));
                buf.clear();
            }
            if (m_opt.progress && (m_report.lines & 0xffff) == 0 && !m_opt.progress(m_report.lines, *total))
                return fail(Error::cancelled());
        }
        if (file.write(buf.data(), qint64(buf.size())) != qint64(buf.size()) || !file.flush())
            return fail(Error::io(out.string() + ": cannot write: " +
                                  describeLastFileError(file.errorString().toStdString())));
        file.close();
        if (auto c = m_output.finish(); !c)
            return fail(c.error());
        return m_report;
    }

private:
    /// The augmented copies of the item just written, each a line of its own after it.
    Result<> writeCopies(const Item &item, std::string &buf)
    {
        if (m_opt.augment.copies <= 0 || !m_lastLabel)
            return {};
        const Annotation source = *m_lastLabel;
        const std::string path = media::resolve(m_projectDir, item.uri);
        return formats::forEachAugmentedCopy(
            m_streams.front().job, m_opt.augment, m_opt.augmentDir, m_opt.output, item, source, path,
            [&](const Item &copy, const Annotation &label, const std::string &) -> Result<> {
                m_override = &label;
                auto r = writeLine(copy, buf);
                m_override = nullptr;
                return r;
            });
    }

    Result<> writeLine(const Item &item, std::string &buf)
    {
        m_lastLabel = nullptr;
        const size_t start = buf.size();
        if (item.kind == MediaKind::Text) {
            buf += "{\"source\":";
            json::appendQuoted(buf, item.text);
        } else {
            buf += "{\"source-ref\":";
            if (media::isUri(item.uri) || (m_sameDir && !item.uri.empty() && item.uri.front() != '/'))
                json::appendQuoted(buf, item.uri); // as stored: no copy
            else
                json::appendQuoted(buf, sourceRef(item.uri));
        }
        appendExtra(item.extra, buf);
        int labels = 0;
        std::vector<const Annotation *> written;
        for (JobStream &s : m_streams) {
            auto a = m_override ? Result<const Annotation *>(m_override) : s.forItem(item.id);
            if (!a)
                return fail(a.error());
            if (!*a)
                continue;
            gt::EncodeContext ctx;
            ctx.job = &s.job;
            ctx.encoding = &s.encoding;
            ctx.item = &item;
            const bool mayReference = (*a)->provenance.source == Source::Imported && s.idsArePositions;
            ctx.maskReference = [&, mayReference](const std::string &uri) -> std::string {
                if (media::isUri(uri))
                    return uri;
                const std::string path = media::resolve(m_projectDir, uri);
                std::error_code ec;
                return mayReference && fs::exists(path, ec) ? media::toManifest(m_outDir, path) : std::string();
            };
            ctx.writeMask = [&](const std::string &png) { return writeMask(item, png); };
            buf += ',';
            if (auto r = gt::encodeLabel(**a, ctx, buf); !r)
                return fail(Error{r.error().code, "item " + std::to_string(item.id) + ", job '" + s.job.name
                                                       + "': " + r.error().message});
            ++labels;
            written.push_back(*a);
            m_lastLabel = *a;
        }
        if (m_opt.onlyLabeled && labels == 0) {
            buf.resize(start);
            return {};
        }
        if (m_opt.recorder && !m_override) {
            if (written.empty())
                m_opt.recorder->add(item, nullptr);
            for (const Annotation *a : written)
                m_opt.recorder->add(item, a);
        }
        buf += "}\n";
        ++m_report.lines;
        m_report.labels += labels;
        return {};
    }

    std::string sourceRef(const std::string &uri) const
    {
        if (media::isUri(uri))
            return uri;
        if (m_sameDir && !uri.empty() && uri.front() != '/')
            return uri;
        return media::toManifest(m_outDir, media::resolve(m_projectDir, uri));
    }

    /// Kept keys go back in their order, except those a written label attribute replaces.
    void appendExtra(const std::string &extra, std::string &buf) const
    {
        if (extra.size() <= 2)
            return;
        const bool clash = std::any_of(m_streams.begin(), m_streams.end(), [&](const JobStream &s) {
            return extra.find(s.key) != std::string::npos || extra.find(s.metadataKey) != std::string::npos;
        });
        if (!clash) {
            buf += ',';
            buf.append(extra, 1, extra.size() - 2);
            return;
        }
        json::Value v;
        if (!json::parse(extra, v))
            return;
        for (const auto &[k, value] : v.toObject()) {
            const bool replaced = std::any_of(m_streams.begin(), m_streams.end(), [&](const JobStream &s) {
                return k == s.job.name || k == s.job.name + "-metadata";
            });
            if (replaced)
                continue;
            buf += ',';
            json::appendQuoted(buf, k);
            buf += ':';
            json::write(value, buf);
        }
    }

    /// Writes a mask into NAME.masks/ beside the manifest (an output of its own, staged with it).
    Result<std::string> writeMask(const Item &item, const std::string &png)
    {
        if (!m_masks) {
            auto folder = m_output.folder(m_maskDir);
            if (!folder)
                return fail(folder.error());
            m_masks = std::move(*folder);
        }
        const std::string name = std::to_string(item.id) + ".png";
        if (auto w = m_masks->write(name, png); !w)
            return fail(w.error());
        ++m_report.masksWritten;
        return media::toManifest(m_outDir, m_maskDir + "/" + name);
    }

    const ProjectStore &m_store;
    const ExportOptions &m_opt;
    formats::WriterOutput m_output;
    std::optional<formats::StagedFolder> m_masks;
    std::string m_outDir, m_maskDir, m_projectDir;
    bool m_sameDir = false;
    std::vector<JobStream> m_streams;
    ExportReport m_report;
    const Annotation *m_override = nullptr;  ///< an augmented copy's label, written instead of the stream's
    const Annotation *m_lastLabel = nullptr; ///< the label of the line just written (one job)
};

} // namespace

Result<ExportReport> exportManifest(const ProjectStore &store, const ExportOptions &options)
{
    ManifestExporter exporter(store, options);
    return exporter.run();
}

} // namespace gw::datasets
