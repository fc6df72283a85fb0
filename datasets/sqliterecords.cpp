// SqliteStore: what is recorded beside the labels — queue assignments, dataset versions, runs, project
// settings and the change log.

#include "datasets/sqlitestore_p.h"

namespace gw::datasets::sqlite_detail {

Result<> SqliteStore::putAssignments(int64_t jobId, const std::string &worker, const std::vector<Assignment> &items)
{
    return inTransaction([&](SqliteTransaction &) -> Result<> {
        auto w = prepared("INSERT OR IGNORE INTO workers(name) VALUES(?)");
        if (!w)
            return fail(w.error());
        if (auto r = (*w)->bind(1, std::string_view(worker)).exec(); !r)
            return r;
        auto s = prepared("INSERT OR REPLACE INTO assignments(job, item, worker, status) "
                          "VALUES(?, ?, (SELECT id FROM workers WHERE name=?), ?)");
        if (!s)
            return fail(s.error());
        for (const Assignment &a : items) {
            (*s)->reset();
            (*s)->bind(1, jobId).bind(2, a.itemId).bind(3, std::string_view(worker)).bind(4, std::string_view(a.role));
            if (auto r = (*s)->exec(); !r)
                return r;
        }
        return {};
    });
}

Result<std::vector<Assignment>> SqliteStore::assignments(int64_t jobId, const std::string &worker) const
{
    auto s = prepared("SELECT a.item, a.status FROM assignments a JOIN workers w ON w.id=a.worker "
                      "WHERE a.job=? AND w.name=? ORDER BY a.rowid");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, jobId).bind(2, std::string_view(worker));
    std::vector<Assignment> out;
    while ((*s)->step())
        out.push_back({(*s)->columnInt(0), std::string((*s)->columnText(1))});
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<Annotation> SqliteStore::annotationById(int64_t id) const
{
    return selectOne<Annotation>("SELECT " GW_ANNOTATION_COLUMNS " FROM annotations WHERE id=?", id, readAnnotation,
                                 "no annotation " + std::to_string(id));
}

Result<int64_t> SqliteStore::addDatasetVersion(DatasetVersion &v, const std::vector<VersionEntry> &entries)
{
    auto r = inTransaction([&](SqliteTransaction &) -> Result<> {
        auto s = prepared("INSERT INTO dataset_versions(name, content_hash, settings, lineage, created_us, output, "
                          "pending) VALUES(?,?,?,?,?,?,?)");
        if (!s)
            return fail(s.error());
        v.createdUs = v.createdUs ? v.createdUs : nowUs();
        (*s)->bind(1, std::string_view(v.name)).bind(2, std::string_view(v.contentHash));
        (*s)->bind(3, std::string_view(v.settings)).bind(4, std::string_view(v.lineage)).bind(5, v.createdUs);
        (*s)->bindTextOrNull(6, v.output).bind(7, int64_t(v.pending ? 1 : 0));
        if (auto e = (*s)->exec(); !e)
            return e;
        v.id = sqlite3_last_insert_rowid(m_db);
        auto e = prepared("INSERT INTO dataset_version_items(version, item, split, annotation) VALUES(?,?,?,?)");
        if (!e)
            return fail(e.error());
        for (const VersionEntry &entry : entries) {
            (*e)->reset();
            (*e)->bind(1, v.id).bind(2, entry.itemId).bindTextOrNull(3, entry.split);
            if (entry.annotationId)
                (*e)->bind(4, entry.annotationId);
            if (auto x = (*e)->exec(); !x)
                return x;
        }
        return {};
    });
    if (!r)
        return fail(r.error());
    return v.id;
}

Result<std::vector<DatasetVersion>> SqliteStore::datasetVersions(bool withPending) const
{
    auto s = prepared("SELECT v.id, COALESCE(v.name,''), COALESCE(v.content_hash,''), COALESCE(v.settings,''), "
                      "COALESCE(v.lineage,''), COALESCE(v.created_us,0), "
                      "(SELECT COUNT(DISTINCT item) FROM dataset_version_items i WHERE i.version=v.id), "
                      "COALESCE(v.output,''), v.pending "
                      "FROM dataset_versions v WHERE v.pending=0 OR ?1 ORDER BY v.id");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, int64_t(withPending ? 1 : 0));
    std::vector<DatasetVersion> out;
    while ((*s)->step()) {
        DatasetVersion v;
        v.id = (*s)->columnInt(0);
        v.name.assign((*s)->columnText(1));
        v.contentHash.assign((*s)->columnText(2));
        v.settings.assign((*s)->columnText(3));
        v.lineage.assign((*s)->columnText(4));
        v.createdUs = (*s)->columnInt(5);
        v.items = (*s)->columnInt(6);
        v.output.assign((*s)->columnText(7));
        v.pending = (*s)->columnInt(8) != 0;
        out.push_back(std::move(v));
    }
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<> SqliteStore::settleDatasetVersion(int64_t versionId, bool keep)
{
    return inTransaction([&](SqliteTransaction &) -> Result<> {
        if (keep) {
            auto s = prepared("UPDATE dataset_versions SET pending=0 WHERE id=?");
            if (!s)
                return fail(s.error());
            return (*s)->bind(1, versionId).exec();
        }
        auto items = prepared("DELETE FROM dataset_version_items WHERE version=?");
        if (!items)
            return fail(items.error());
        if (auto r = (*items)->bind(1, versionId).exec(); !r)
            return r;
        auto v = prepared("DELETE FROM dataset_versions WHERE id=? AND pending=1");
        if (!v)
            return fail(v.error());
        return (*v)->bind(1, versionId).exec();
    });
}

Result<std::vector<VersionEntry>> SqliteStore::datasetVersionEntries(int64_t versionId) const
{
    auto s = prepared("SELECT item, COALESCE(split,''), COALESCE(annotation,0) FROM dataset_version_items "
                      "WHERE version=? ORDER BY rowid");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, versionId);
    std::vector<VersionEntry> out;
    while ((*s)->step())
        out.push_back({(*s)->columnInt(0), std::string((*s)->columnText(1)), (*s)->columnInt(2)});
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<int64_t> SqliteStore::addRun(const Run &run)
{
    int64_t id = 0;
    auto r = inTransaction([&](SqliteTransaction &) -> Result<> {
        auto s = prepared("INSERT INTO runs(kind, job, params, metrics, status, started_us, finished_us, parent, "
                          "dir, pid, host) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, std::string_view(run.kind));
        if (run.jobId)
            (*s)->bind(2, run.jobId);
        (*s)->bind(3, std::string_view(run.params)).bind(4, std::string_view(run.metrics));
        (*s)->bind(5, std::string_view(run.status)).bind(6, run.startedUs ? run.startedUs : nowUs());
        if (run.finishedUs)
            (*s)->bind(7, run.finishedUs);
        if (run.parent)
            (*s)->bind(8, run.parent);
        (*s)->bind(9, std::string_view(run.dir)).bind(10, run.pid).bind(11, std::string_view(run.host));
        if (auto e = (*s)->exec(); !e)
            return e;
        id = sqlite3_last_insert_rowid(m_db);
        return {};
    });
    if (!r)
        return fail(r.error());
    return id;
}

Result<> SqliteStore::updateRun(const Run &run)
{
    return inTransaction([&](SqliteTransaction &) -> Result<> {
        auto s = prepared("UPDATE runs SET params=?1, metrics=?2, status=?3, finished_us=?4, dir=?5, pid=?6, host=?7, "
                          "job=NULLIF(?8, 0) WHERE id=?9");
        if (!s)
            return fail(s.error());
        bindRun(**s, run);
        return (*s)->exec();
    });
}

/// The columns an update writes, ?1 to ?9 (the id last).
void SqliteStore::bindRun(Statement &s, const Run &run)
{
    s.bind(1, std::string_view(run.params)).bind(2, std::string_view(run.metrics));
    s.bind(3, std::string_view(run.status)).bind(4, run.finishedUs);
    s.bind(5, std::string_view(run.dir)).bind(6, run.pid).bind(7, std::string_view(run.host));
    s.bind(8, run.jobId).bind(9, run.id);
}

Result<std::vector<Run>> SqliteStore::runs(int64_t jobId) const
{
    return selectRuns(kRunsOfJob, jobId);
}

Result<bool> SqliteStore::updateRunIf(const Run &run, const std::string &status1, const std::string &status2,
                                      int64_t pid)
{
    bool changed = false;
    auto r = inTransaction([&](SqliteTransaction &) -> Result<> {
        auto s = prepared("UPDATE runs SET params=?1, metrics=?2, status=?3, finished_us=?4, dir=?5, pid=?6, host=?7, "
                          "job=NULLIF(?8, 0) WHERE id=?9 AND status IN (?10, ?11) AND COALESCE(pid, 0)=?12");
        if (!s)
            return fail(s.error());
        bindRun(**s, run);
        (*s)->bind(10, std::string_view(status1)).bind(11, std::string_view(status2)).bind(12, pid);
        if (auto e = (*s)->exec(); !e)
            return e;
        changed = sqlite3_changes(m_db) > 0;
        return {};
    });
    if (!r)
        return fail(r.error());
    return changed;
}

Result<Run> SqliteStore::run(int64_t id) const
{
    auto found = selectRuns(kRunById, id);
    if (!found)
        return fail(found.error());
    if (found->empty())
        return fail(Error::notFound("run " + std::to_string(id) + " does not exist (gw runs lists them)"));
    return found->front();
}

Result<std::string> SqliteStore::setting(const std::string &key) const
{
    auto s = prepared("SELECT value FROM meta WHERE key=?");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, std::string_view("setting:" + key));
    std::string value = (*s)->step() ? std::string((*s)->columnText(0)) : std::string();
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return value;
}

Result<> SqliteStore::setSetting(const std::string &key, const std::string &value)
{
    return inTransaction([&](SqliteTransaction &) -> Result<> {
        auto s = prepared(value.empty() ? "DELETE FROM meta WHERE key=?1"
                                        : "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                                          "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, std::string_view("setting:" + key));
        if (!value.empty())
            (*s)->bind(2, std::string_view(value));
        return (*s)->exec();
    });
}

/// The runs a cached statement (kRunsOfJob, kRunById) selects.
Result<std::vector<Run>> SqliteStore::selectRuns(const char *query, int64_t arg) const
{
    auto s = prepared(query);
    if (!s)
        return fail(s.error());
    (*s)->bind(1, arg);
    std::vector<Run> out;
    while ((*s)->step()) {
        Statement &q = **s;
        out.push_back({q.columnInt(0), std::string(q.columnText(1)), q.columnInt(2), std::string(q.columnText(3)),
                       std::string(q.columnText(4)), std::string(q.columnText(5)), q.columnInt(6), q.columnInt(7),
                       q.columnInt(8), std::string(q.columnText(9)), q.columnInt(10), std::string(q.columnText(11))});
    }
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

auto SqliteStore::changes() const -> Result<std::vector<Change>>
{
    auto s = prepared("SELECT at_us, author, what, detail FROM changes ORDER BY id");
    if (!s)
        return fail(s.error());
    std::vector<Change> out;
    while ((*s)->step())
        out.push_back({(*s)->columnInt(0), std::string((*s)->columnText(1)), std::string((*s)->columnText(2)),
                       std::string((*s)->columnText(3))});
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<> SqliteStore::insertChange(const std::string &author, const std::string &what, const std::string &detail)
{
    auto s = prepared("INSERT INTO changes(at_us, author, what, detail) VALUES(?,?,?,?)");
    if (!s)
        return fail(s.error());
    return (*s)->bind(1, nowUs()).bind(2, std::string_view(author)).bind(3, std::string_view(what))
        .bind(4, std::string_view(detail)).exec();
}

} // namespace gw::datasets::sqlite_detail
