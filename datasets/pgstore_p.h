#pragma once

// Inside datasets/pg*.cpp only: the PostgreSQL implementation of ProjectStore, a project on a team server
// (pgstore.cpp: opening, the schema with its roles, items, annotations, transactions; pgwork.cpp: hand-outs;
// pgrecords.cpp: jobs, assignments, versions, runs, settings, the change log).

#include "datasets/pg.h"
#include "datasets/storecommon.h"

#include <functional>
#include <string>

namespace gw::datasets::pg_detail {

using pg::Params;
using pg::Rows;

class PgStore;

class PgTransaction final : public WriteTransaction
{
public:
    explicit PgTransaction(PgStore &store) : m_store(store) {}
    ~PgTransaction() override;
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
    Result<> insertVersion(Annotation &a, int64_t createdUs, const std::string &maskClasses, int64_t supersededUs);
    /// Holds the labels of the item until the end of the transaction: one writer at a time per item, so that the
    /// superseding UPDATE sees the version another writer just committed.
    Result<> lockLabel(int64_t jobId, int64_t itemId);
    Result<> insertDeletion(int64_t jobId, int64_t itemId, const Provenance &who, int64_t now, bool superseded,
                            const std::string &extra = {});

    PgStore &m_store;
};

class PgStore final : public CommonStore
{
public:
    ~PgStore() override;
    Result<> openUrl(const std::string &url, OpenMode mode);

    /// Runs a query; outside a transaction a connection the server dropped is opened again first (and a query that
    /// failed because it was dropped meanwhile runs once more).
    Result<Rows> q(const std::string &sql, Params &p, const char *key = nullptr) const;
    Result<Rows> q(const std::string &sql, const char *key = nullptr) const;

    std::string path() const override { return m_location; }
    std::string projectDir() const override { return m_mediaRoot; }
    int schemaVersion() const override { return m_version; }
    Result<std::unique_ptr<WriteTransaction>> begin() override;

    Result<Item> item(int64_t id) const override;
    Result<std::optional<Item>> itemByUri(const std::string &uri) const override;
    Result<std::optional<std::string>> itemUnder(const std::string &uri) const override;
    Result<int64_t> countItems(const ItemFilter &filter) const override;
    Result<std::unique_ptr<Cursor<Item>>> itemCursor(const ItemFilter &filter) const override;
    /// One page of an item query (the cursor pages by id, so it never holds a transaction or a result open).
    Result<std::vector<Item>> itemPage(const ItemFilter &f) const;
    Result<> setItemFlags(int64_t id, int flags) override;
    Result<int64_t> newImportBatch(const std::string &description) override;

    Result<std::vector<Job>> jobs() const override;
    Result<Job> job(const std::string &name) const override;
    Result<Job> jobById(int64_t id) const override;
    Result<> writeJob(Job &j);

    Result<std::optional<Annotation>> currentAnnotation(int64_t jobId, int64_t itemId) const override;
    Result<std::vector<HistoryEntry>> history(int64_t jobId, int64_t itemId) const override;
    Result<std::vector<std::string>> authors(int64_t jobId) const override;
    Result<std::unique_ptr<Cursor<Annotation>>> annotationCursor(int64_t jobId) const override;
    Result<std::vector<Annotation>> annotationPage(int64_t jobId, int64_t afterItem) const;
    Result<> forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override;
    Result<> forEachAnswer(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override;
    Result<ProjectSummary> summary() const override;

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
    Result<std::vector<Change>> changes() const override;
    Result<> insertChange(const std::string &author, const std::string &what, const std::string &detail) override;
    Result<> runInTransaction(const std::function<Result<>(WriteTransaction &)> &fn) override;

    /// Runs fn in one transaction, again (up to a few times) when the server chose it as a deadlock's victim.
    Result<> inTransaction(const std::function<Result<>(PgTransaction &)> &fn);
    /// After a label was removed or an answer taken back, hand-outs walk the job from its start again.
    Result<> resetMarks(int64_t jobId);

    static Result<> readAnnotationInto(const Rows &r, int row, Annotation &a);
    static void readItemInto(const Rows &r, int row, Item &it);

    mutable pg::Connection m_db;
    bool m_inTransaction = false;
    /// Creating a project: run inside the transaction that makes the schema, before it commits (gw publish fills the
    /// new project, so that the server holds all of it or nothing).
    std::function<Result<>(pg::Connection &)> m_fill;

private:
    Result<> createSchema();
    Result<std::vector<Annotation>> annotationRows(const std::string &sql, Params &p) const;
    Result<> walkAnswers(int64_t jobId, const std::string &select, const std::function<bool(const Annotation &)> &fn) const;
    std::string m_location, m_mediaRoot;
    int m_version = 0;
};

/// The key of the transaction-scoped advisory lock of the hand-out marks (shared while work is handed out,
/// exclusive while they are reset).
inline constexpr int64_t kMarksLock = 0x67770001;

} // namespace gw::datasets::pg_detail
