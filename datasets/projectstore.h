#pragma once

// The project store: the single source of truth of a project. Every change is committed at once in a short
// transaction; annotations are never updated in place (a new row supersedes the current one). The interface
// carries no SQL types so that a PostgreSQL-backed team store can sit behind it later.

#include "datasets/result.h"
#include "datasets/types.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gw::datasets {

struct ItemFilter
{
    std::optional<MediaKind> kind;
    int64_t jobId = 0;          ///< with labeled/unlabeled/classId/source/author
    std::optional<bool> labeled;
    std::optional<int> classId; ///< items whose current label in jobId carries this class
    std::optional<Source> source;
    std::optional<std::string> author; ///< items whose current label in jobId was made by this author
    bool flaggedOnly = false;
    bool descending = false;    ///< highest id first
    int64_t afterId = 0;        ///< keyset paging: items with id > afterId (ascending pages)
    int64_t beforeId = 0;       ///< keyset paging: items with id < beforeId, 0 for no bound (descending pages)
    int64_t limit = -1;
};

/// An item's role for a worker of a job: the automated-labeling loop queues items for people this way
/// ("probe", "validation", "uncertain", "audit").
struct Assignment
{
    int64_t itemId = 0;
    std::string role;
};

/// The roles the automated-labeling loop gives the items it queues for people, stored as assignments of the
/// worker kLoopWorker. takeWork hands those items out first: samples, then audits, then uncertain items.
namespace roles {
inline constexpr const char *probe = "probe";
inline constexpr const char *validation = "validation";
inline constexpr const char *uncertain = "uncertain";
inline constexpr const char *audit = "audit";
} // namespace roles
inline constexpr const char *kLoopWorker = "automated-labeling";

/// One item of a job handed to one worker until a time (takeWork). An expired lease no longer holds the item.
struct Lease
{
    int64_t itemId = 0;
    std::string worker;
    int64_t takenUs = 0, untilUs = 0;
};

/// How far a job's items are along their annotators per item (gw queue, the workers table).
struct WorkProgress
{
    int64_t items = 0;      ///< items that can be handed out (of the job's kind, not flagged)
    int64_t complete = 0;   ///< answered by the job's annotators per item (or more)
    int64_t partial = 0;    ///< answered by some, fewer than that
    int64_t otherwise = 0;  ///< not answered by people, labelled automatically or imported (not handed out)
    int64_t leased = 0;     ///< live leases on items their holder has not answered
    int64_t answers = 0;    ///< distinct (item, worker) answers
};

/// A model training or an automated-labeling iteration, with its parameters and metrics (JSON texts).
struct Run
{
    int64_t id = 0;
    std::string kind;   ///< "autolabel", "train", ...
    int64_t jobId = 0;
    std::string params;
    std::string metrics;
    std::string status; ///< "queued", "running", "done", "failed", "stopped"
    int64_t startedUs = 0, finishedUs = 0;
    int64_t parent = 0;   ///< the run this one is part of (a search's trials), 0: none
    std::string dir;      ///< its run directory (log, metrics, model), if it has one
    int64_t pid = 0;      ///< the process running it, on host
    std::string host;
};

/// A frozen export (gw versions): its settings, content hash and lineage, as JSON texts.
struct DatasetVersion
{
    int64_t id = 0;
    std::string name;
    std::string contentHash; ///< SHA-256, hex
    std::string settings;    ///< format, job(s), splits, options, augmentation
    std::string lineage;     ///< jobs, human / auto / imported counts, model runs behind auto-labels
    int64_t createdUs = 0;
    int64_t items = 0;
    /// The outputs it was written to: a JSON array of {"path", "device", "inode"}.
    std::string output;
    /// Recorded, but its outputs were not yet in place: kept once they are (settleDatasetVersion), dropped
    /// when a crash left them missing. Listings leave pending versions out.
    bool pending = false;
};

/// One item of a dataset version: its split then, and one annotation version it carried (0: none).
struct VersionEntry
{
    int64_t itemId = 0;
    std::string split;
    int64_t annotationId = 0;
};

/// A forward-only stream of rows, for work that walks a whole table (export, listing).
template<typename T>
class Cursor
{
public:
    virtual ~Cursor() = default;
    /// Reads the next row into out; false at the end.
    virtual Result<bool> next(T &out) = 0;
};

/// A write transaction: everything added through it lands together or not at all.
/// Destroying it without commit() rolls back.
class WriteTransaction
{
public:
    virtual ~WriteTransaction() = default;
    /// Adds an item; sets item.id.
    virtual Result<> addItem(Item &item) = 0;
    /// Stores annotation as the current label of (job, item), superseding the previous one; sets its id.
    virtual Result<> putAnnotation(Annotation &annotation) = 0;
    /// A worker's answer given elsewhere (a work package), dated annotation.provenance.createdUs: it becomes the
    /// current label unless the current one is newer, in which case it is kept in the history only (superseded
    /// at once), where consolidation and the workers table count it. A newer label is never replaced by an
    /// older answer. Sets its id.
    virtual Result<> addAnswer(Annotation &annotation) = 0;
    /// Supersedes the current label of (job, item) with a deletion; no-op when there is none.
    virtual Result<> clearAnnotation(int64_t jobId, int64_t itemId, const Provenance &who) = 0;
    /// A worker takes back their answer to an item others answer too: a deletion in their name that replaces the
    /// current label only when that is their answer; otherwise it goes into the history only, and the item's label
    /// (another's answer, the consolidated one) stays. Their answer no longer counts (forEachAnswer).
    virtual Result<> withdrawAnswer(int64_t jobId, int64_t itemId, const Provenance &who) = 0;
    /// A reviewer rejected the item's label: every worker's answer that counts is taken back (a deletion in that
    /// worker's name whose extra field is `extra`, which says who rejected it and why) and the current label with
    /// it, so the item is handed out again. A label nobody answered (automatic, imported) is removed in the
    /// reviewer's name. Returns the answers taken back; no-op when the item has no current label.
    virtual Result<int> sendBack(int64_t jobId, int64_t itemId, const Provenance &reviewer, const std::string &extra) = 0;
    /// Puts an item in a split ("train", "validation", "test"; empty: none).
    virtual Result<> setSplit(int64_t itemId, const std::string &split) = 0;
    virtual Result<> saveJob(Job &job) = 0;
    virtual Result<> commit() = 0;
};

class ProjectStore
{
public:
    enum class OpenMode { OpenExisting, Create };

    virtual ~ProjectStore() = default;

    /// Opens (running migrations) or creates a project file.
    static Result<std::unique_ptr<ProjectStore>> open(const std::string &path, OpenMode mode);

    virtual std::string path() const = 0;
    /// Folder that relative media paths are resolved against.
    virtual std::string projectDir() const = 0;
    virtual int schemaVersion() const = 0;

    virtual Result<std::unique_ptr<WriteTransaction>> begin() = 0;

    // Items
    virtual Result<Item> item(int64_t id) const = 0;
    virtual Result<std::optional<Item>> itemByUri(const std::string &uri) const = 0;
    /// The uri of an item whose media is at `uri` or below it (`uri` + "/..."), if any: outputs must not
    /// write over imported media.
    virtual Result<std::optional<std::string>> itemUnder(const std::string &uri) const = 0;
    virtual Result<int64_t> countItems(const ItemFilter &filter) const = 0;
    /// Streams items in id order (highest first when filter.descending); the callback returns false to stop.
    virtual Result<> forEachItem(const ItemFilter &filter, const std::function<bool(const Item &)> &fn) const = 0;
    virtual Result<std::unique_ptr<Cursor<Item>>> itemCursor(const ItemFilter &filter) const = 0;
    virtual Result<> setItemFlags(int64_t id, int flags) = 0;
    virtual Result<int64_t> newImportBatch(const std::string &description) = 0;

    // Jobs
    virtual Result<std::vector<Job>> jobs() const = 0;
    virtual Result<Job> job(const std::string &name) const = 0;
    virtual Result<Job> createJob(Job job) = 0;
    /// What to change about a class; unset fields stay as they are.
    struct ClassEdit
    {
        std::optional<std::string> name;
        std::optional<std::string> color;    ///< "#rrggbb"
        std::optional<std::string> shortcut; ///< portable key text; empty removes the key
        std::optional<int> position;         ///< new place in the list (the Ground Truth class index)
    };
    /// Renames, recolours, re-keys or moves a class. Annotations refer to classes by id, so they keep it.
    /// A name or key another class has is refused. Recorded in the change log under author.
    virtual Result<> editClass(int64_t jobId, int classId, const ClassEdit &edit, const std::string &author) = 0;
    Result<> renameClass(int64_t jobId, int classId, const std::string &newName, const std::string &author)
    {
        return editClass(jobId, classId, ClassEdit{newName, {}, {}, {}}, author);
    }
    Result<> setClassShortcut(int64_t jobId, int classId, const std::string &key, const std::string &author)
    {
        return editClass(jobId, classId, ClassEdit{{}, {}, key, {}}, author);
    }
    /// Adds a class at the end of the list (a free id; a colour of its own when none is given); logged.
    virtual Result<LabelClass> addClass(int64_t jobId, LabelClass cls, const std::string &author) = 0;
    /// Removes a class. Annotations that use it are superseded: mapped to reassignTo, or the class is
    /// dropped from them (an item left with no label loses its label). Recorded in the change log.
    virtual Result<int64_t> removeClass(int64_t jobId, int classId, std::optional<int> reassignTo,
                                        const std::string &author) = 0;

    // Annotations
    virtual Result<std::optional<Annotation>> currentAnnotation(int64_t jobId, int64_t itemId) const = 0;
    /// Every version for (job, item), oldest first; deletions have an empty payload and deleted = true.
    struct HistoryEntry
    {
        Annotation annotation;
        bool deleted = false;
        int64_t supersededUs = 0;
    };
    virtual Result<std::vector<HistoryEntry>> history(int64_t jobId, int64_t itemId) const = 0;
    /// Who made the job's current labels (people and models), sorted; one index probe per name.
    virtual Result<std::vector<std::string>> authors(int64_t jobId) const = 0;
    /// Streams the current annotations of a job in item order.
    virtual Result<> forEachAnnotation(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const = 0;

    /// The current annotations of a job in item order.
    virtual Result<std::unique_ptr<Cursor<Annotation>>> annotationCursor(int64_t jobId) const = 0;
    /// Every version people gave (current or superseded, not deletions), by item then age: who labelled what,
    /// for agreement between annotators.
    virtual Result<> forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const = 0;
    /// Each worker's answer per item, by item then age: a worker's latest version of the item's label given as
    /// a person (source human), unless it is a deletion (the worker took the answer back). What handing out
    /// work, consolidation and the workers table count.
    virtual Result<> forEachAnswer(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const = 0;

    virtual Result<ProjectSummary> summary() const = 0;

    /// Sets the roles of items for a worker of a job (replacing earlier roles of those items).
    virtual Result<> putAssignments(int64_t jobId, const std::string &worker, const std::vector<Assignment> &items) = 0;
    /// A worker's assignments in the order they were last put (a queue keeps its order).
    virtual Result<std::vector<Assignment>> assignments(int64_t jobId, const std::string &worker) const = 0;

    /// Hands work to a worker of a job. Renews the worker's leases on items they have not answered yet (answered
    /// ones are let go) and adds leases until they hold `count` items, or fewer when no more items need them.
    /// An item is handed out while fewer distinct workers than the job's annotators per item have answered it
    /// (a human version by them) or hold a live lease on it, and never to a worker who answered it. When the
    /// automated-labeling loop has queued items for people (assignments of kLoopWorker), only those are handed
    /// out, samples first; otherwise the items of the job's kind in id order, except flagged ones and those
    /// labelled automatically or imported. Leases run until now + leaseUs. One write transaction, so that two
    /// processes never hand one item out beyond the annotators per item. The worker's leases, oldest first.
    virtual Result<std::vector<Lease>> takeWork(int64_t jobId, const std::string &worker, int count,
                                                int64_t leaseUs) = 0;
    /// Gives leases back (all of the worker's when items is empty); how many were given back.
    virtual Result<int64_t> returnWork(int64_t jobId, const std::string &worker, const std::vector<int64_t> &items) = 0;
    /// The live leases of a job on items their holder has not answered (one worker's when worker is not
    /// empty), by worker then age.
    virtual Result<std::vector<Lease>> leases(int64_t jobId, const std::string &worker) const = 0;
    /// Counts the job's items by how many workers answered them (walks the job's human versions).
    virtual Result<WorkProgress> workProgress(int64_t jobId) const = 0;

    /// Any version of an annotation (current or superseded) by its id.
    virtual Result<Annotation> annotationById(int64_t id) const = 0;

    /// Records a dataset version with its entries (in item order); sets version.id.
    virtual Result<int64_t> addDatasetVersion(DatasetVersion &version, const std::vector<VersionEntry> &entries) = 0;
    /// Every dataset version, oldest first (with pending: also those whose outputs are not settled yet).
    virtual Result<std::vector<DatasetVersion>> datasetVersions(bool withPending = false) const = 0;
    /// A pending version: kept (its outputs are in place) or removed with its entries.
    virtual Result<> settleDatasetVersion(int64_t versionId, bool keep) = 0;
    virtual Result<std::vector<VersionEntry>> datasetVersionEntries(int64_t versionId) const = 0;

    virtual Result<int64_t> addRun(const Run &run) = 0;
    virtual Result<> updateRun(const Run &run) = 0;
    /// Runs of a job, oldest first (jobId 0: all).
    virtual Result<std::vector<Run>> runs(int64_t jobId) const = 0;
    virtual Result<Run> run(int64_t id) const = 0;
    /// updateRun, but only while the stored run still has one of the two statuses and the given process id
    /// (another process may have moved it on meanwhile); whether it was updated.
    virtual Result<bool> updateRunIf(const Run &run, const std::string &status1, const std::string &status2,
                                     int64_t pid) = 0;

    // Project settings everyone sharing the project sees (for example the model automated labeling starts
    // from). An empty value removes the key.
    virtual Result<std::string> setting(const std::string &key) const = 0;
    virtual Result<> setSetting(const std::string &key, const std::string &value) = 0;

    /// The change log (class renames and removals, imports): newest last.
    struct Change
    {
        int64_t atUs = 0;
        std::string author, what, detail;
    };
    virtual Result<std::vector<Change>> changes() const = 0;
    virtual Result<> logChange(const std::string &author, const std::string &what, const std::string &detail) = 0;
};

/// Current time in microseconds since the epoch (UTC).
int64_t nowUs();

} // namespace gw::datasets
