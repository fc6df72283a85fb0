#include "datasets/versions.h"

#include "datasets/json.h"
#include "datasets/formats/formatutil.h"
#include "datasets/payload.h"

#include <filesystem>

#include <algorithm>

namespace gw::datasets {

namespace {

void feed(QCryptographicHash &h, std::string_view s)
{
    const uint64_t n = s.size();
    h.addData(QByteArrayView(reinterpret_cast<const char *>(&n), sizeof n));
    h.addData(QByteArrayView(s.data(), qsizetype(s.size())));
}

/// The settings that, with the entries, decide the bytes written.
std::string settingsJson(const DatasetExport &r)
{
    json::Object o;
    o.set("format", r.format);
    json::Array jobs, splits;
    for (const std::string &j : r.jobs)
        jobs.emplace_back(j);
    for (const std::string &s : r.options.splits)
        splits.emplace_back(s);
    o.set("jobs", std::move(jobs));
    o.set("splits", std::move(splits));
    o.set("only_labeled", r.options.onlyLabeled);
    json::Object options;
    for (const auto &[k, v] : r.options.settings)
        options.set(k, v);
    o.set("options", std::move(options));
    if (r.options.augment.copies > 0)
        o.set("augment", r.options.augment.toString());
    return json::toString(json::Value(std::move(o)));
}

Result<DatasetExport> requestFromSettings(const std::string &settings)
{
    json::Value v;
    if (!json::parse(settings, v) || !v.isObject() || !v.find("format"))
        return fail(Error::invalid("the version's settings are unreadable"));
    DatasetExport r;
    r.format = v.find("format")->toString();
    if (const json::Value *jobs = v.find("jobs"); jobs && jobs->isArray())
        for (const json::Value &j : jobs->toArray())
            r.jobs.push_back(j.toString());
    if (const json::Value *splits = v.find("splits"); splits && splits->isArray())
        for (const json::Value &s : splits->toArray())
            r.options.splits.push_back(s.toString());
    if (const json::Value *only = v.find("only_labeled"))
        r.options.onlyLabeled = only->toBool();
    if (const json::Value *options = v.find("options"); options && options->isObject())
        for (const auto &[k, x] : options->toObject())
            r.options.settings[k] = x.toString();
    if (const json::Value *augment = v.find("augment"); augment && augment->isString()) {
        auto a = AugmentOptions::parse(augment->toString());
        if (!a)
            return fail(a.error());
        r.options.augment = *a;
    }
    return r;
}

/// The folder augmented images go to: beside the output, named after it.
std::string augmentFolderFor(const std::string &outPath)
{
    const std::filesystem::path out = std::filesystem::absolute(outPath).lexically_normal();
    return (out.parent_path() / (out.stem().string() + "-augmented")).string();
}

Result<ExportReport> write(ProjectStore &store, const DatasetExport &r, ExportRecorder &recorder,
                           const std::vector<VersionEntry> *snapshot)
{
    const Format *format = findFormat(r.format);
    if (!format)
        return fail(Error::invalid("unknown format '" + r.format + "'"));
    if (!format->write)
        return fail(Error::invalid(format->name + " cannot be exported"));
    if (r.options.augment.copies > 0) {
        if (r.jobs.size() != 1)
            return fail(Error::invalid("augmented copies are exported for one job: choose it"));
        // Written where the formats will point at them (they copy or reference the images); removed again
        // when the export fails, so nothing half-written stays.
        DatasetExport withCopies = r;
        withCopies.options.augmentDir = augmentFolderFor(r.options.outPath);
        std::error_code ec;
        std::filesystem::remove_all(withCopies.options.augmentDir, ec);
        std::filesystem::create_directories(withCopies.options.augmentDir, ec);
        if (ec)
            return fail(Error::io(withCopies.options.augmentDir + ": cannot create: " + ec.message()));
        FormatExportOptions o = withCopies.options;
        o.job = r.jobs.front();
        o.recorder = &recorder;
        o.snapshot = snapshot;
        auto written = format->write(store, o);
        if (!written)
            std::filesystem::remove_all(withCopies.options.augmentDir, ec); // nothing half-written stays
        return written;
    }
    if (format->id != "groundtruth" && r.jobs.size() != 1)
        return fail(Error::invalid(format->name + " holds one job's labels: choose one"));
    if (format->id == "groundtruth" && r.jobs.size() != 1) {
        ExportOptions e;
        e.outPath = r.options.outPath;
        e.jobs = r.jobs;
        e.onlyLabeled = r.options.onlyLabeled;
        e.splits = r.options.splits;
        e.progress = r.options.progress;
        e.recorder = &recorder;
        e.snapshot = snapshot;
        return exportManifest(store, e);
    }
    FormatExportOptions o = r.options;
    o.job = r.jobs.front();
    o.recorder = &recorder;
    o.snapshot = snapshot;
    return format->write(store, o);
}

std::string lineageJson(const ProjectStore &store, const ExportRecorder &rec)
{
    json::Object o;
    json::Array jobs;
    if (auto all = store.jobs())
        for (const Job &j : *all) {
            if (!rec.jobs.count(j.id))
                continue;
            json::Object job;
            job.set("name", j.name);
            job.set("type", std::string(taskInfo(j.type).id));
            json::Array classes;
            for (const LabelClass &c : j.classes)
                classes.emplace_back(c.name);
            job.set("classes", std::move(classes));
            jobs.emplace_back(std::move(job));
        }
    o.set("jobs", std::move(jobs));
    json::Object labels;
    for (const auto &[source, n] : rec.sources)
        labels.set(source, n);
    o.set("labels", std::move(labels));
    json::Array runs;
    for (int64_t id : rec.runs)
        runs.emplace_back(id);
    o.set("autolabel_runs", std::move(runs));
    std::map<std::string, int64_t> splits;
    int64_t items = 0;
    int64_t last = 0;
    for (const VersionEntry &e : rec.entries) {
        if (e.itemId == last)
            continue;
        last = e.itemId;
        ++items;
        ++splits[e.split.empty() ? std::string("(none)") : e.split];
    }
    o.set("items", items);
    json::Object bySplit;
    for (const auto &[s, n] : splits)
        bySplit.set(s, n);
    o.set("splits", std::move(bySplit));
    return json::toString(json::Value(std::move(o)));
}

} // namespace

void ExportRecorder::add(const Item &item, const Annotation *label)
{
    entries.push_back({item.id, item.split, label ? label->id : 0});
    feed(m_hash, std::to_string(item.id));
    feed(m_hash, item.kind == MediaKind::Text ? item.text : item.uri);
    feed(m_hash, item.split);
    if (!label) {
        feed(m_hash, "-");
        return;
    }
    feed(m_hash, std::to_string(label->jobId));
    feed(m_hash, encodePayload(label->payload));
    feed(m_hash, std::to_string(label->provenance.createdUs));
    feed(m_hash, sourceName(label->provenance.source));
    jobs.insert(label->jobId);
    ++sources[std::string(sourceName(label->provenance.source))];
    const std::string &author = label->provenance.author;
    constexpr std::string_view prefix = "autolabel-run-";
    if (label->provenance.source == Source::Auto && author.starts_with(prefix))
        runs.insert(std::atoll(author.c_str() + prefix.size()));
}

std::string ExportRecorder::hash(const std::string &settings)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(m_hash.result());
    feed(h, settings);
    return h.result().toHex().toStdString();
}

Result<ExportOutcome> exportDataset(ProjectStore &store, const DatasetExport &request)
{
    ExportRecorder recorder;
    auto report = write(store, request, recorder, nullptr);
    if (!report)
        return fail(report.error());
    ExportOutcome out;
    out.report = *report;
    out.version.name = request.versionName;
    out.version.settings = settingsJson(request);
    out.version.contentHash = recorder.hash(out.version.settings);
    out.version.lineage = lineageJson(store, recorder);
    if (auto id = store.addDatasetVersion(out.version, recorder.entries); !id)
        return fail(Error{id.error().code, "the export was written, but its version could not be recorded: " +
                                               id.error().message});
    out.version.items = int64_t(std::count_if(recorder.entries.begin(), recorder.entries.end(),
                                              [last = int64_t(0)](const VersionEntry &e) mutable {
                                                  const bool first = e.itemId != last;
                                                  last = e.itemId;
                                                  return first;
                                              }));
    return out;
}

Result<ExportOutcome> exportVersion(ProjectStore &store, int64_t versionId, const std::string &outPath,
                                    const ProgressFn &progress)
{
    auto versions = store.datasetVersions();
    if (!versions)
        return fail(versions.error());
    const auto v = std::find_if(versions->begin(), versions->end(), [&](const DatasetVersion &x) { return x.id == versionId; });
    if (v == versions->end())
        return fail(Error::notFound("no dataset version " + std::to_string(versionId) + " (gw versions lists them)"));
    auto request = requestFromSettings(v->settings);
    if (!request)
        return fail(request.error());
    request->options.outPath = outPath;
    request->options.progress = progress;
    auto entries = store.datasetVersionEntries(versionId);
    if (!entries)
        return fail(entries.error());
    ExportRecorder recorder;
    auto report = write(store, *request, recorder, &*entries);
    if (!report)
        return fail(report.error());
    if (recorder.hash(v->settings) != v->contentHash)
        return fail(Error::internal("version " + std::to_string(versionId) + " no longer matches its content hash: "
                                    "the project's stored history was changed"));
    return ExportOutcome{*report, *v};
}

} // namespace gw::datasets
