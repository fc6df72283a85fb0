#include "datasets/versions.h"

#include "datasets/json.h"
#include "datasets/formats/formatutil.h"
#include "datasets/output.h"
#include "datasets/payload.h"
#include "datasets/processinfo.h"

#include <sys/stat.h>
#include <unistd.h>

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
                           const std::vector<VersionEntry> *snapshot, OutputSet &output)
{
    const Format *format = findFormat(r.format);
    if (!format)
        return fail(Error::invalid("unknown format '" + r.format + "'"));
    if (!format->write)
        return fail(Error::invalid(format->name + " cannot be exported"));
    if (r.options.augment.copies > 0) {
        if (r.jobs.size() != 1)
            return fail(Error::invalid("augmented copies are exported for one job: choose it"));
        // An output of its own beside the main one, staged and moved into place with it.
        DatasetExport withCopies = r;
        withCopies.options.augmentDir = OutputSet::finalPath(augmentFolderFor(r.options.outPath));
        if (auto dir = output.addFolder(withCopies.options.augmentDir); !dir)
            return fail(dir.error());
        FormatExportOptions o = withCopies.options;
        o.job = r.jobs.front();
        o.recorder = &recorder;
        o.snapshot = snapshot;
        o.output = &output;
        return format->write(store, o);
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
        e.output = &output;
        return exportManifest(store, e);
    }
    FormatExportOptions o = r.options;
    o.job = r.jobs.front();
    o.recorder = &recorder;
    o.snapshot = snapshot;
    o.output = &output;
    return format->write(store, o);
}

/// The process that writes an output, so that a pending version of a process still running is left alone.
json::Object writerJson()
{
    json::Object w;
    w.set("pid", int64_t(::getpid()));
    w.set("start", int64_t(processStartTicks(::getpid())));
    w.set("host", hostName());
    return w;
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
    if (auto settled = settlePendingVersions(store); !settled)
        return fail(settled.error());
    OutputSet output(outputRulesFor(store, request.overwrite));
    ExportRecorder recorder;
    auto report = write(store, request, recorder, nullptr, output);
    if (!report)
        return fail(report.error());
    ExportOutcome out;
    out.report = *report;
    out.version.name = request.versionName;
    out.version.settings = settingsJson(request);
    out.version.contentHash = recorder.hash(out.version.settings);
    out.version.lineage = lineageJson(store, recorder);
    out.version.pending = true;
    // The version is recorded (pending) before the outputs move into place and kept once they are there: a
    // crash in between leaves a pending record that the next export settles by looking for the outputs.
    auto committed = output.commit([&]() -> Result<> {
        auto placed = output.placed();
        if (!placed)
            return fail(placed.error());
        json::Object o = writerJson();
        json::Array outputs;
        for (const OutputSet::Placed &p : *placed) {
            json::Object x;
            x.set("path", p.path);
            x.set("device", int64_t(p.device));
            x.set("inode", int64_t(p.inode));
            outputs.emplace_back(std::move(x));
        }
        o.set("outputs", std::move(outputs));
        out.version.output = json::toString(json::Value(std::move(o)));
        if (auto id = store.addDatasetVersion(out.version, recorder.entries); !id)
            return fail(Error{id.error().code, "nothing was written: the export's version could not be recorded: " +
                                                   id.error().message});
        return {};
    });
    if (!committed) {
        if (out.version.id)
            (void)store.settleDatasetVersion(out.version.id, false);
        return fail(committed.error());
    }
    // Should this fail, the record stays pending and the next export keeps it: the outputs are in place.
    if (store.settleDatasetVersion(out.version.id, true))
        out.version.pending = false;
    out.version.items = int64_t(std::count_if(recorder.entries.begin(), recorder.entries.end(),
                                              [last = int64_t(0)](const VersionEntry &e) mutable {
                                                  const bool first = e.itemId != last;
                                                  last = e.itemId;
                                                  return first;
                                              }));
    return out;
}

Result<ExportOutcome> exportVersion(ProjectStore &store, int64_t versionId, const std::string &outPath,
                                    const ProgressFn &progress, bool overwrite)
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
    OutputSet output(outputRulesFor(store, overwrite));
    ExportRecorder recorder;
    auto report = write(store, *request, recorder, &*entries, output);
    if (!report)
        return fail(report.error());
    if (recorder.hash(v->settings) != v->contentHash)
        return fail(Error::internal("version " + std::to_string(versionId) + " no longer matches its content hash: "
                                    "the project's stored history was changed; nothing was written"));
    if (auto c = output.commit(); !c)
        return fail(c.error());
    return ExportOutcome{*report, *v};
}

std::vector<std::pair<std::string, bool>> exportTargets(const DatasetExport &request)
{
    std::vector<std::pair<std::string, bool>> out;
    const Format *format = findFormat(request.format);
    if (!format || request.options.outPath.empty())
        return out;
    out.emplace_back(OutputSet::finalPath(request.options.outPath), format->writesFolder);
    if (request.options.augment.copies > 0)
        out.emplace_back(OutputSet::finalPath(augmentFolderFor(request.options.outPath)), true);
    return out;
}

std::vector<std::string> versionOutputs(const DatasetVersion &version)
{
    std::vector<std::string> out;
    json::Value o;
    if (!json::parse(version.output, o) || !o.isObject())
        return out;
    if (const json::Value *outputs = o.find("outputs"); outputs && outputs->isArray())
        for (const json::Value &x : outputs->toArray())
            if (const json::Value *path = x.find("path"))
                out.push_back(path->toString());
    return out;
}

Result<> settlePendingVersions(ProjectStore &store)
{
    auto all = store.datasetVersions(true);
    if (!all)
        return fail(all.error());
    const std::string host = hostName();
    for (const DatasetVersion &v : *all) {
        if (!v.pending)
            continue;
        json::Value o;
        bool present = json::parse(v.output, o) && o.isObject();
        const json::Value *pid = present ? o.find("pid") : nullptr;
        const json::Value *start = present ? o.find("start") : nullptr;
        const json::Value *writtenOn = present ? o.find("host") : nullptr;
        const bool thisHost = writtenOn && writtenOn->toString() == host;
        if (thisHost && pid && start && processStartTicks(pid->toInt()) == start->toInt()
            && start->toInt() > 0)
            continue; // its export is still running
        if (const json::Value *outputs = present ? o.find("outputs") : nullptr; outputs && outputs->isArray()) {
            for (const json::Value &x : outputs->toArray()) {
                struct stat st{};
                const json::Value *path = x.find("path"), *device = x.find("device"), *inode = x.find("inode");
                present = present && path && device && inode && ::lstat(path->toString().c_str(), &st) == 0
                          && uint64_t(st.st_dev) == uint64_t(device->toInt())
                          && uint64_t(st.st_ino) == uint64_t(inode->toInt());
            }
        } else {
            present = false;
        }
        if (!present && !thisHost)
            continue; // another machine's export, on a disk it may see differently: its own exports settle it
        if (auto r = store.settleDatasetVersion(v.id, present); !r)
            return r;
    }
    return {};
}

} // namespace gw::datasets
