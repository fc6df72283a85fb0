// PgStore: jobs and their classes, and what is recorded beside the labels — queue assignments, dataset versions,
// runs, project settings and the change log.

#include "datasets/pgstore_p.h"

#include <cstdlib>
#include <filesystem>

namespace gw::datasets::pg_detail {

namespace {

#define GW_PG_JOB_COLUMNS "id, name, task, instructions, annotators, settings, created_us, COALESCE(parent, 0), kind"

Job readJob(const Rows &r, int row)
{
    Job j;
    j.id = r.integer(row, 0);
    j.name = std::string(r.text(row, 1));
    j.type = taskFromId(r.text(row, 2)).value_or(TaskType::ImageClassification);
    j.instructions = std::string(r.text(row, 3));
    j.annotatorsPerItem = int(r.integer(row, 4));
    CommonStore::readSettings(r.text(row, 5), j);
    j.createdUs = r.integer(row, 6);
    j.parentId = r.integer(row, 7);
    j.kind = jobKindFromName(r.text(row, 8)).value_or(JobKind::Labeling);
    return j;
}

} // namespace

// ---- jobs ----

Result<std::vector<Job>> PgStore::jobs() const
{
    auto r = q("SELECT " GW_PG_JOB_COLUMNS " FROM jobs ORDER BY id", "jobs");
    if (!r)
        return fail(r.error());
    std::vector<Job> out;
    for (int i = 0; i < r->size(); ++i)
        out.push_back(readJob(*r, i));
    // Every job's classes in one query.
    auto c = q("SELECT job, id, name, color, shortcut, short_name FROM classes ORDER BY job, position", "all-classes");
    if (!c)
        return fail(c.error());
    for (int i = 0; i < c->size(); ++i)
        for (Job &j : out)
            if (j.id == c->integer(i, 0))
                j.classes.push_back({int(c->integer(i, 1)), std::string(c->text(i, 2)), std::string(c->text(i, 3)),
                                     std::string(c->text(i, 4)), std::string(c->text(i, 5))});
    return out;
}

Result<Job> PgStore::job(const std::string &name) const
{
    Params p;
    auto r = q("SELECT " GW_PG_JOB_COLUMNS " FROM jobs WHERE name=" + p.ref(name), p, "job-by-name");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return fail(Error::notFound("no job named '" + name + "' in this project"));
    Job j = readJob(*r, 0);
    Params c;
    auto cls = q("SELECT id, name, color, shortcut, short_name FROM classes WHERE job=" + c.ref(j.id)
                     + " ORDER BY position",
                 c, "classes");
    if (!cls)
        return fail(cls.error());
    for (int i = 0; i < cls->size(); ++i)
        j.classes.push_back({int(cls->integer(i, 0)), std::string(cls->text(i, 1)), std::string(cls->text(i, 2)),
                             std::string(cls->text(i, 3)), std::string(cls->text(i, 4))});
    return j;
}

Result<Job> PgStore::jobById(int64_t id) const
{
    Params p;
    auto r = q("SELECT name FROM jobs WHERE id=" + p.ref(id), p, "job-name");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return fail(Error::notFound("no job with id " + std::to_string(id)));
    return job(std::string(r->text(0, 0)));
}

Result<> PgStore::writeJob(Job &j)
{
    if (auto r = checkJob(j); !r)
        return r;
    const std::string settings = settingsText(j);
    if (j.id == 0) {
        if (!j.createdUs)
            j.createdUs = nowUs();
        Params p;
        const std::string sql = "INSERT INTO jobs(name, task, instructions, annotators, settings, created_us, parent, kind) "
                                "VALUES(" + p.ref(j.name) + "," + p.ref(std::string(taskInfo(j.type).id)) + ","
                                + p.ref(j.instructions) + "," + p.ref(j.annotatorsPerItem) + "," + p.ref(settings) + ","
                                + p.ref(j.createdUs) + "," + (j.parentId ? p.ref(j.parentId) : p.refNull())
                                + "::bigint," + p.ref(std::string(jobKindName(j.kind))) + ") RETURNING id";
        auto r = q(sql, p, "insert-job");
        if (!r) {
            if (r.error().code == Error::Code::Conflict)
                return fail(Error::conflict("a job named '" + j.name + "' already exists"));
            return fail(r.error());
        }
        j.id = r->integer(0, 0);
    } else {
        Params p;
        if (auto r = q("UPDATE jobs SET instructions=" + p.ref(j.instructions) + ", annotators=" + p.ref(j.annotatorsPerItem)
                           + ", settings=" + p.ref(settings) + " WHERE id=" + p.ref(j.id),
                       p, "update-job");
            !r)
            return fail(r.error());
    }
    Params d;
    if (auto r = q("DELETE FROM classes WHERE job=" + d.ref(j.id), d, "delete-classes"); !r)
        return fail(r.error());
    for (size_t i = 0; i < j.classes.size(); ++i) {
        const LabelClass &c = j.classes[i];
        Params p;
        const std::string sql = "INSERT INTO classes(job, id, position, name, color, shortcut, short_name) VALUES("
                                + p.ref(j.id) + "," + p.ref(c.id) + "," + p.ref(int64_t(i)) + "," + p.ref(c.name) + ","
                                + p.ref(c.color) + "," + p.ref(c.shortcut) + "," + p.ref(c.shortName) + ")";
        if (auto r = q(sql, p, "insert-class"); !r)
            return fail(r.error());
    }
    return {};
}

// ---- assignments ----

Result<> PgStore::putAssignments(int64_t jobId, const std::string &worker, const std::vector<Assignment> &items)
{
    return inTransaction([&](PgTransaction &) -> Result<> {
        Params w;
        if (auto r = q("INSERT INTO workers(name) VALUES(" + w.ref(worker) + ") ON CONFLICT (name) DO NOTHING", w,
                       "add-worker");
            !r)
            return fail(r.error());
        for (const Assignment &a : items) {
            // Put again: to the end of the queue (a new seq), as the file's INSERT OR REPLACE gives a new rowid.
            Params p;
            const std::string sql = "INSERT INTO assignments(job, item, worker, status) VALUES(" + p.ref(jobId) + ","
                                    + p.ref(a.itemId) + ", (SELECT id FROM workers WHERE name=" + p.ref(worker) + "), "
                                    + p.ref(a.role) + ") ON CONFLICT (job, item, worker) DO UPDATE SET "
                                      "status=excluded.status, seq=excluded.seq";
            if (auto r = q(sql, p, "put-assignment"); !r)
                return fail(r.error());
        }
        return {};
    });
}

Result<std::vector<Assignment>> PgStore::assignments(int64_t jobId, const std::string &worker) const
{
    Params p;
    auto r = q("SELECT a.item, a.status FROM assignments a JOIN workers w ON w.id=a.worker WHERE a.job=" + p.ref(jobId)
                   + " AND w.name=" + p.ref(worker) + " ORDER BY a.seq",
               p, "assignments");
    if (!r)
        return fail(r.error());
    std::vector<Assignment> out;
    for (int i = 0; i < r->size(); ++i)
        out.push_back({r->integer(i, 0), std::string(r->text(i, 1))});
    return out;
}

Result<Annotation> PgStore::annotationById(int64_t id) const
{
    Params p;
    auto rows = annotationRows("SELECT id, job, item, source, human, author, payload, mask, confidence, time_spent_ms, "
                               "created_us, extra, deleted, superseded_us FROM annotations WHERE id=" + p.ref(id),
                               p);
    if (!rows)
        return fail(rows.error());
    if (rows->empty())
        return fail(Error::notFound("no annotation " + std::to_string(id)));
    return std::move(rows->front());
}

// ---- dataset versions ----

Result<int64_t> PgStore::addDatasetVersion(DatasetVersion &v, const std::vector<VersionEntry> &entries)
{
    auto r = inTransaction([&](PgTransaction &) -> Result<> {
        v.createdUs = v.createdUs ? v.createdUs : nowUs();
        Params p;
        const std::string sql = "INSERT INTO dataset_versions(name, content_hash, settings, lineage, created_us, output, "
                                "pending) VALUES(" + p.ref(v.name) + "," + p.ref(v.contentHash) + "," + p.ref(v.settings)
                                + "," + p.ref(v.lineage) + "," + p.ref(v.createdUs) + "," + p.refOrNull(v.output) + ","
                                + p.ref(v.pending ? 1 : 0) + ") RETURNING id";
        auto id = q(sql, p, "add-version");
        if (!id)
            return fail(id.error());
        v.id = id->integer(0, 0);
        // A few thousand entries a statement: a version of a million items is a few hundred round trips.
        for (size_t at = 0; at < entries.size();) {
            Params e;
            std::string values;
            for (size_t n = 0; at < entries.size() && n < 2000; ++at, ++n) {
                const VersionEntry &entry = entries[at];
                values += (n ? ",(" : "(") + e.ref(v.id) + "," + e.ref(entry.itemId) + "," + e.refOrNull(entry.split)
                          + "," + (entry.annotationId ? e.ref(entry.annotationId) : e.refNull()) + "::bigint)";
            }
            if (auto x = q("INSERT INTO dataset_version_items(version, item, split, annotation) VALUES " + values, e); !x)
                return fail(x.error());
        }
        return {};
    });
    if (!r)
        return fail(r.error());
    return v.id;
}

Result<std::vector<DatasetVersion>> PgStore::datasetVersions(bool withPending) const
{
    Params p;
    auto r = q("SELECT v.id, COALESCE(v.name,''), COALESCE(v.content_hash,''), COALESCE(v.settings,''), "
               "COALESCE(v.lineage,''), COALESCE(v.created_us,0), "
               "(SELECT COUNT(DISTINCT item) FROM dataset_version_items i WHERE i.version=v.id), "
               "COALESCE(v.output,''), v.pending FROM dataset_versions v WHERE v.pending=0 OR "
                   + p.ref(withPending ? 1 : 0) + "=1 ORDER BY v.id",
               p, "versions");
    if (!r)
        return fail(r.error());
    std::vector<DatasetVersion> out;
    for (int i = 0; i < r->size(); ++i) {
        DatasetVersion v;
        v.id = r->integer(i, 0);
        v.name.assign(r->text(i, 1));
        v.contentHash.assign(r->text(i, 2));
        v.settings.assign(r->text(i, 3));
        v.lineage.assign(r->text(i, 4));
        v.createdUs = r->integer(i, 5);
        v.items = r->integer(i, 6);
        v.output.assign(r->text(i, 7));
        v.pending = r->integer(i, 8) != 0;
        out.push_back(std::move(v));
    }
    return out;
}

Result<> PgStore::settleDatasetVersion(int64_t versionId, bool keep)
{
    return inTransaction([&](PgTransaction &) -> Result<> {
        if (keep) {
            Params p;
            if (auto r = q("UPDATE dataset_versions SET pending=0 WHERE id=" + p.ref(versionId), p); !r)
                return fail(r.error());
            return {};
        }
        Params p;
        const std::string id = p.ref(versionId);
        if (auto r = q("DELETE FROM dataset_version_items WHERE version=" + id + " AND EXISTS(SELECT 1 FROM "
                       "dataset_versions WHERE id=" + id + " AND pending=1)", p);
            !r)
            return fail(r.error());
        Params v;
        if (auto r = q("DELETE FROM dataset_versions WHERE id=" + v.ref(versionId) + " AND pending=1", v); !r)
            return fail(r.error());
        return {};
    });
}

Result<std::vector<VersionEntry>> PgStore::datasetVersionEntries(int64_t versionId) const
{
    Params p;
    auto r = q("SELECT item, COALESCE(split,''), COALESCE(annotation,0) FROM dataset_version_items WHERE version="
                   + p.ref(versionId) + " ORDER BY seq",
               p, "version-entries");
    if (!r)
        return fail(r.error());
    std::vector<VersionEntry> out;
    out.reserve(size_t(r->size()));
    for (int i = 0; i < r->size(); ++i)
        out.push_back({r->integer(i, 0), std::string(r->text(i, 1)), r->integer(i, 2)});
    return out;
}

// ---- runs ----

namespace {

constexpr const char *kRunColumns =
    "SELECT id, kind, COALESCE(job,0), COALESCE(params,''), COALESCE(metrics,''), COALESCE(status,''), "
    "COALESCE(started_us,0), COALESCE(finished_us,0), COALESCE(parent,0), COALESCE(dir,''), COALESCE(pid,0), "
    "COALESCE(host,'') FROM runs ";

std::vector<Run> readRuns(const Rows &r)
{
    std::vector<Run> out;
    for (int i = 0; i < r.size(); ++i)
        out.push_back({r.integer(i, 0), std::string(r.text(i, 1)), r.integer(i, 2), std::string(r.text(i, 3)),
                       std::string(r.text(i, 4)), std::string(r.text(i, 5)), r.integer(i, 6), r.integer(i, 7),
                       r.integer(i, 8), std::string(r.text(i, 9)), r.integer(i, 10), std::string(r.text(i, 11))});
    return out;
}

/// SET of an update of a run, its columns as parameters.
std::string runSet(Params &p, const Run &run)
{
    return "UPDATE runs SET params=" + p.ref(run.params) + ", metrics=" + p.ref(run.metrics) + ", status="
           + p.ref(run.status) + ", finished_us=" + p.ref(run.finishedUs) + ", dir=" + p.ref(run.dir) + ", pid="
           + p.ref(run.pid) + ", host=" + p.ref(run.host) + ", job=NULLIF(" + p.ref(run.jobId) + "::bigint, 0) WHERE id="
           + p.ref(run.id);
}

} // namespace

Result<int64_t> PgStore::addRun(const Run &run)
{
    Params p;
    const std::string sql = "INSERT INTO runs(kind, job, params, metrics, status, started_us, finished_us, parent, dir, "
                            "pid, host) VALUES(" + p.ref(run.kind) + "," + (run.jobId ? p.ref(run.jobId) : p.refNull())
                            + "::bigint," + p.ref(run.params) + "," + p.ref(run.metrics) + "," + p.ref(run.status) + ","
                            + p.ref(run.startedUs ? run.startedUs : nowUs()) + ","
                            + (run.finishedUs ? p.ref(run.finishedUs) : p.refNull()) + "::bigint,"
                            + (run.parent ? p.ref(run.parent) : p.refNull()) + "::bigint," + p.ref(run.dir) + ","
                            + p.ref(run.pid) + "," + p.ref(run.host) + ") RETURNING id";
    auto r = q(sql, p, "add-run");
    if (!r)
        return fail(r.error());
    return r->integer(0, 0);
}

Result<> PgStore::updateRun(const Run &run)
{
    Params p;
    if (auto r = q(runSet(p, run), p, "update-run"); !r)
        return fail(r.error());
    return {};
}

Result<bool> PgStore::updateRunIf(const Run &run, const std::string &status1, const std::string &status2, int64_t pid)
{
    Params p;
    const std::string sql = runSet(p, run) + " AND status IN (" + p.ref(status1) + "," + p.ref(status2)
                            + ") AND COALESCE(pid, 0)=" + p.ref(pid);
    auto r = q(sql, p, "update-run-if");
    if (!r)
        return fail(r.error());
    return r->affected() > 0;
}

Result<std::vector<Run>> PgStore::runs(int64_t jobId) const
{
    Params p;
    const std::string job = p.ref(jobId);
    auto r = q(std::string(kRunColumns) + "WHERE " + job + "::bigint=0 OR job=" + job + " ORDER BY id", p, "runs");
    if (!r)
        return fail(r.error());
    return readRuns(*r);
}

Result<Run> PgStore::run(int64_t id) const
{
    Params p;
    auto r = q(std::string(kRunColumns) + "WHERE id=" + p.ref(id), p, "run");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return fail(Error::notFound("run " + std::to_string(id) + " does not exist (gw runs lists them)"));
    return readRuns(*r).front();
}

// ---- settings and the change log ----

Result<std::string> PgStore::setting(const std::string &key) const
{
    Params p;
    auto r = q("SELECT value FROM meta WHERE key=" + p.ref("setting:" + key), p, "setting");
    if (!r)
        return fail(r.error());
    return r->empty() ? std::string() : std::string(r->text(0, 0));
}

Result<> PgStore::setSetting(const std::string &key, const std::string &value)
{
    Params p;
    const std::string k = p.ref("setting:" + key);
    auto r = value.empty() ? q("DELETE FROM meta WHERE key=" + k, p)
                           : q("INSERT INTO meta(key, value) VALUES(" + k + "," + p.ref(value)
                                   + ") ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                               p);
    if (!r)
        return fail(r.error());
    // The media root changes for this connection too (unless the person set their own).
    const char *own = std::getenv("GW_MEDIA_ROOT");
    if (key == "media.root" && !value.empty() && !(own && *own) && std::filesystem::is_directory(value))
        m_mediaRoot = value;
    return {};
}

auto PgStore::changes() const -> Result<std::vector<Change>>
{
    auto r = q("SELECT at_us, author, what, detail FROM changes ORDER BY id", "changes");
    if (!r)
        return fail(r.error());
    std::vector<Change> out;
    for (int i = 0; i < r->size(); ++i)
        out.push_back({r->integer(i, 0), std::string(r->text(i, 1)), std::string(r->text(i, 2)),
                       std::string(r->text(i, 3))});
    return out;
}

Result<> PgStore::insertChange(const std::string &author, const std::string &what, const std::string &detail)
{
    Params p;
    const std::string sql = "INSERT INTO changes(at_us, author, what, detail) VALUES(" + p.ref(nowUs()) + ","
                            + p.ref(author) + "," + p.ref(what) + "," + p.ref(detail) + ")";
    if (auto r = q(sql, p, "insert-change"); !r)
        return fail(r.error());
    return {};
}

} // namespace gw::datasets::pg_detail
