#pragma once

// Inside datasets/sqlite*.cpp only: the SQLite implementation of ProjectStore, declared here so that its
// parts live in files of their own (sqlitestore.cpp: opening, items, annotations, transactions; sqlitejobs.cpp:
// jobs and classes; sqliterecords.cpp: assignments, dataset versions, runs, settings, the change log).

#include "datasets/projectstore.h"

#include "datasets/filesystem.h"
#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/payload.h"
#include "datasets/schema.h"
#include "datasets/sqlite.h"
#include "datasets/storecommon.h"

#include <filesystem>
#include <map>
#include <utility>

namespace gw::datasets::sqlite_detail {

namespace fs = std::filesystem;
using sql::Statement;

constexpr int kBusyTimeoutMs = 60000;

/// Waits for another process's write lock in short sleeps of 1 to 3 ms, for up to kBusyTimeoutMs. SQLite's own
/// handler (sqlite3_busy_timeout) sleeps up to 100 ms at a time, so that with ten annotators taking work at once
/// one who lost the lock a few times kept losing it to those polling more often: 3.4 s for the next item.
int waitForLock(void *, int attempt);

inline Job readJobRow(const Statement &s)
{
    Job j;
    j.id = s.columnInt(0);
    j.name = std::string(s.columnText(1));
    j.type = taskFromId(s.columnText(2)).value_or(TaskType::ImageClassification);
    j.instructions = std::string(s.columnText(3));
    j.annotatorsPerItem = int(s.columnInt(4));
    CommonStore::readSettings(s.columnText(5), j);
    j.createdUs = s.columnInt(6);
    j.parentId = s.columnInt(7);
    j.kind = jobKindFromName(s.columnText(8)).value_or(JobKind::Labeling);
    return j;
}

class SqliteStore;

template<typename T>
class StatementCursor final : public Cursor<T>
{
public:
    /// Reads the current row into out, reusing its storage (no allocation per row on long walks).
    using Reader = Result<> (*)(const Statement &, T &);
    StatementCursor(Statement s, Reader r) : m_stmt(std::move(s)), m_read(r) {}
    Result<bool> next(T &out) override
    {
        if (!m_stmt.step()) {
            if (auto st = m_stmt.status(); !st)
                return fail(st.error());
            return false;
        }
        if (auto r = m_read(m_stmt, out); !r)
            return fail(r.error());
        return true;
    }

private:
    Statement m_stmt;
    Reader m_read;
};

class SqliteTransaction final : public WriteTransaction
{
public:
    explicit SqliteTransaction(SqliteStore &store) : m_store(store) {}
    ~SqliteTransaction() override;
    Result<> addItem(Item &item) override;
    Result<> putAnnotation(Annotation &a) override;
    Result<> addAnswer(Annotation &a) override;
    Result<> clearAnnotation(int64_t jobId, int64_t itemId, const Provenance &who) override;
    Result<> withdrawAnswer(int64_t jobId, int64_t itemId, const Provenance &who) override;
    Result<int> sendBack(int64_t jobId, int64_t itemId, const Provenance &reviewer, const std::string &extra) override;
    Result<> setSplit(int64_t itemId, const std::string &split) override;
    Result<> saveJob(Job &job) override;
    Result<> commit() override;

    bool m_open = true;

private:
    /// Inserts a version of a label (supersededUs 0: as the current one; the caller supersedes the old first).
    Result<> insertVersion(Annotation &a, int64_t createdUs, const std::string &maskClasses, int64_t supersededUs);

    SqliteStore &m_store;
};

class SqliteStore final : public CommonStore
{
public:
    ~SqliteStore() override
    {
        if (!m_network.empty() && m_db)
            releaseComputer();
        m_cache.clear();
        if (m_db)
            sqlite3_close_v2(m_db);
    }

    Result<> openFile(const std::string &path, OpenMode mode)
    {
        std::error_code ec;
        const bool exists = fs::exists(path, ec);
        if (mode == OpenMode::Create && exists)
            return fail(Error::conflict(path + ": a file with this name already exists"));
        if (mode == OpenMode::OpenExisting && !exists)
            return fail(Error::notFound(path + ": no such project file"));
        m_path = fs::absolute(path).lexically_normal().string();
        m_dir = fs::path(m_path).parent_path().string();
        if (mode == OpenMode::OpenExisting)
            if (auto r = checkIsProject(m_path); !r)
                return r;
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
                          | (mode == OpenMode::Create ? SQLITE_OPEN_CREATE : 0);
        int rc = sqlite3_open_v2(m_path.c_str(), &m_db, flags, nullptr);
        if (rc != SQLITE_OK)
            return fail(sql::errorFrom(m_db, rc, m_path + ": cannot open project"));
        sqlite3_busy_handler(m_db, waitForLock, nullptr);
        sqlite3_extended_result_codes(m_db, 1);
        if (auto r = sql::exec(m_db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !r)
            return fail(Error{r.error().code, m_path + ": " + r.error().message});
        // Switching to WAL takes an exclusive lock, and SQLite does not wait for it: only do it once, on a new
        // file. An existing project is in WAL mode already (reading the mode takes no lock).
        if (auto r = ensureWal(); !r)
            return fail(Error{r.error().code, m_path + ": " + r.error().message});
        if (auto r = schema::migrate(m_db, mode == OpenMode::Create); !r)
            return fail(Error{r.error().code, m_path + ": " + r.error().message});
        m_version = schema::version(m_db);
        m_network = networkFilesystem(m_dir);
        if (!m_network.empty())
            if (auto r = claimComputer(true); !r)
                return r;
        return {};
    }

    /// On a network file system: claims the project for this computer (meta "opened_on": host and time), or
    /// refuses when another computer wrote within kClaimUs. With ownTransaction false it runs inside the caller's
    /// write transaction (begin(): every write checks the claim, and renews it when older than kRenewUs).
    Result<> claimComputer(bool ownTransaction);
    /// Gives the claim up when the project is closed (best effort).
    void releaseComputer();
    static constexpr int64_t kClaimUs = 120'000'000;   ///< another computer may take it over after this
    static constexpr int64_t kRenewUs = 30'000'000;    ///< writes renew the claim at most this often

    /// Refuses a file that is not a Groundwork project before anything is written to it: a read-only
    /// connection reads SQLite's application_id, or for projects from before schema 6 the meta table. (A
    /// read-write open would already switch it to WAL mode and migrate it.)
    static Result<> checkIsProject(const std::string &path)
    {
        sqlite3 *db = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> closer(db, sqlite3_close_v2);
        if (rc != SQLITE_OK)
            return fail(sql::errorFrom(db, rc, path + ": cannot open project"));
        sqlite3_busy_timeout(db, kBusyTimeoutMs);
        sqlite3_extended_result_codes(db, 1);
        Statement id(db, "PRAGMA application_id");
        if (!id.step()) {
            if ((id.lastCode() & 0xff) == SQLITE_NOTADB || (sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB)
                return fail(Error::invalid(path + ": not a Groundwork project (not an SQLite database)"));
            return fail(Error{id.status().error().code, path + ": " + id.status().error().message});
        }
        const int64_t appId = id.columnInt(0);
        if (appId == schema::kApplicationId)
            return {};
        if (appId != 0)
            return fail(Error::invalid(path + ": not a Groundwork project (another program's SQLite database, "
                                              "application id " + std::to_string(appId) + "); it was not changed"));
        Statement app(db, "SELECT value FROM meta WHERE key='application'");
        if (!app.valid() || !app.step() || app.columnText(0) != "groundwork")
            return fail(Error::invalid(path + ": not a Groundwork project (an SQLite database without Groundwork's "
                                              "tables); it was not changed"));
        return {};
    }

    Result<> ensureWal()
    {
        Statement mode(m_db, "PRAGMA journal_mode");
        if (mode.step() && mode.columnText(0) == "wal")
            return {};
        mode = Statement();
        // Another process may be switching it at this very moment: retry for a while.
        for (int attempt = 0;; ++attempt) {
            auto r = sql::exec(m_db, "PRAGMA journal_mode=WAL");
            if (r || r.error().code != Error::Code::Busy || attempt > 200)
                return r;
            sqlite3_sleep(25);
        }
    }

    Statement &stmt(const char *sqlText)
    {
        auto it = m_cache.find(sqlText);
        if (it == m_cache.end())
            it = m_cache.emplace(sqlText, Statement(m_db, sqlText)).first;
        it->second.reset();
        return it->second;
    }

    /// A cached statement that is reset when the handle goes: a statement left mid-way would keep a read
    /// transaction open, and a later BEGIN IMMEDIATE on an old snapshot fails with SQLITE_BUSY at once.
    class Query
    {
    public:
        explicit Query(Statement *s) : m_s(s) {}
        Query(Query &&o) noexcept : m_s(std::exchange(o.m_s, nullptr)) {}
        Query(const Query &) = delete;
        ~Query()
        {
            if (m_s)
                m_s->reset();
        }
        Statement *operator->() const { return m_s; }
        Statement &operator*() const { return *m_s; }

    private:
        Statement *m_s;
    };

    Result<Query> prepared(const char *sqlText) const
    {
        Statement &s = const_cast<SqliteStore *>(this)->stmt(sqlText);
        if (!s.valid())
            return fail(sql::errorFrom(m_db, sqlite3_errcode(m_db), "cannot prepare query"));
        return Query(&s);
    }

    /// The one row a cached statement selects by id (?1), read by `read`; not found: `missing`.
    template<typename T, typename Read>
    Result<T> selectOne(const char *query, int64_t id, const Read &read, const std::string &missing) const
    {
        auto s = prepared(query);
        if (!s)
            return fail(s.error());
        (*s)->bind(1, id);
        if (!(*s)->step()) {
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
            return fail(Error::notFound(missing));
        }
        return read(**s);
    }

    std::string path() const override { return m_path; }
    std::string projectDir() const override { return m_dir; }
    int schemaVersion() const override { return m_version; }

    Result<std::unique_ptr<WriteTransaction>> begin() override
    {
        if (auto r = sql::exec(m_db, "BEGIN IMMEDIATE"); !r)
            return fail(r.error());
        if (!m_network.empty()) // checked at every write; renewed now and then
            if (auto r = claimComputer(false); !r) {
                sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
                return fail(r.error());
            }
        return std::make_unique<SqliteTransaction>(*this);
    }

    // ---- items (sqlitestore.cpp) ----

    static Result<> readItemInto(const Statement &s, Item &it);
    static Item readItem(const Statement &s);

#define GW_ITEM_COLUMNS "items.id, kind, uri, text, width, height, flags, split, batch, extra"

    Result<Item> item(int64_t id) const override;
    Result<std::optional<Item>> itemByUri(const std::string &uri) const override;

    /// FROM and WHERE of an item query: ?1 afterId, ?2 the job, ?3 beforeId, ?4 the author. A filter on the
    /// current label joins it (at most one per item and job), so that SQLite walks whichever index is narrower:
    /// the items, or the job's current labels by source or author. "Not labeled" stays an anti-join. key is
    /// the column to page and order by.
    static std::string whereClause(const ItemFilter &f, std::string &key);
    static void bindFilter(Statement &s, const ItemFilter &f);
    Result<int64_t> countItems(const ItemFilter &f) const override;
    Result<std::unique_ptr<Cursor<Item>>> itemCursor(const ItemFilter &f) const override;
    Result<std::optional<std::string>> itemUnder(const std::string &uri) const override;
    Result<> setItemFlags(int64_t id, int flags) override;
    Result<int64_t> newImportBatch(const std::string &description) override;

    // ---- jobs (sqlitejobs.cpp) ----

    Result<std::vector<LabelClass>> classesOf(int64_t jobId) const;

#define GW_JOB_COLUMNS "id, name, task, instructions, annotators, settings, created_us, parent, kind"

    Result<std::vector<Job>> jobs() const override;
    Result<Job> job(const std::string &name) const override;
    Result<> writeJob(Job &j);

    /// Runs fn inside one write transaction.
    Result<> inTransaction(const std::function<Result<>(SqliteTransaction &)> &fn);
    Result<> runInTransaction(const std::function<Result<>(WriteTransaction &)> &fn) override;
    Result<Job> jobById(int64_t id) const override;

    // ---- annotations (sqlitestore.cpp) ----

#define GW_ANNOTATION_COLUMNS \
    "id, job, item, source, human, author, payload, mask, confidence, time_spent_ms, created_us, extra, deleted, superseded_us"

    static Result<> readAnnotationInto(const Statement &s, Annotation &a);
    static Result<Annotation> readAnnotation(const Statement &s);
    Result<std::optional<Annotation>> currentAnnotation(int64_t jobId, int64_t itemId) const override;
    Result<std::vector<HistoryEntry>> history(int64_t jobId, int64_t itemId) const override;
    Result<std::vector<std::string>> authors(int64_t jobId) const override;
    Result<std::unique_ptr<Cursor<Annotation>>> annotationCursor(int64_t jobId) const override;
    Result<> forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override;
    Result<> forEachAnswer(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override;
    /// Reads each row of an annotation query (GW_ANNOTATION_COLUMNS) into fn until it returns false.
    static Result<> forEachAnnotationRow(Statement &s, const std::function<bool(const Annotation &)> &fn);
    Result<ProjectSummary> summary() const override;

    // ---- recorded beside the labels (sqliterecords.cpp) ----

    Result<> putAssignments(int64_t jobId, const std::string &worker, const std::vector<Assignment> &items) override;
    Result<std::vector<Assignment>> assignments(int64_t jobId, const std::string &worker) const override;
    Result<std::vector<Lease>> takeWork(int64_t jobId, const std::string &worker, int count, int64_t leaseUs) override;
    Result<int64_t> returnWork(int64_t jobId, const std::string &worker, const std::vector<int64_t> &items) override;
    Result<std::vector<Lease>> leases(int64_t jobId, const std::string &worker) const override;
    Result<WorkProgress> workProgress(int64_t jobId) const override;
    Result<Annotation> annotationById(int64_t id) const override;
    Result<int64_t> addDatasetVersion(DatasetVersion &v, const std::vector<VersionEntry> &entries) override;
    Result<std::vector<DatasetVersion>> datasetVersions(bool withPending) const override;
    Result<> settleDatasetVersion(int64_t versionId, bool keep) override;
    Result<std::vector<VersionEntry>> datasetVersionEntries(int64_t versionId) const override;
    Result<int64_t> addRun(const Run &run) override;
    Result<> updateRun(const Run &run) override;
    Result<std::vector<Run>> runs(int64_t jobId) const override;
    Result<Run> run(int64_t id) const override;
    Result<bool> updateRunIf(const Run &run, const std::string &status1, const std::string &status2,
                             int64_t pid) override;
    Result<std::string> setting(const std::string &key) const override;
    Result<> setSetting(const std::string &key, const std::string &value) override;

#define GW_RUN_COLUMNS                                                                                               \
    "SELECT id, kind, COALESCE(job,0), COALESCE(params,''), COALESCE(metrics,''), COALESCE(status,''), "              \
    "COALESCE(started_us,0), COALESCE(finished_us,0), COALESCE(parent,0), COALESCE(dir,''), COALESCE(pid,0), "       \
    "COALESCE(host,'') FROM runs "
    static constexpr const char *kRunsOfJob = GW_RUN_COLUMNS "WHERE ?1=0 OR job=?1 ORDER BY id";
    static constexpr const char *kRunById = GW_RUN_COLUMNS "WHERE id=?1";
#undef GW_RUN_COLUMNS

    static void bindRun(Statement &s, const Run &run);
    /// The runs a cached statement (kRunsOfJob, kRunById) selects.
    Result<std::vector<Run>> selectRuns(const char *query, int64_t arg) const;
    Result<std::vector<Change>> changes() const override;
    Result<> insertChange(const std::string &author, const std::string &what, const std::string &detail) override;
    sqlite3 *m_db = nullptr;

private:
    std::string m_path, m_dir;
    int m_version = 0;
    std::string m_network; ///< the network file system the project is on; empty: a local one
    int64_t m_claimUs = 0; ///< when this connection last claimed the project for its computer
    std::map<const char *, Statement> m_cache;
};

} // namespace gw::datasets::sqlite_detail
