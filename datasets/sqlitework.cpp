// SqliteStore: work handed to people — leases on items, so that each item gets answers from the job's
// annotators per item and no more, however many processes ask for work at once (each hand-out is one
// BEGIN IMMEDIATE transaction, so SQLite runs them one after another).

#include "datasets/sqlitestore_p.h"

#include <algorithm>
#include <random>
#include <set>

namespace gw::datasets::sqlite_detail {

namespace {

int rolePriority(std::string_view role)
{
    if (role == roles::probe || role == roles::validation)
        return 0;
    if (role == roles::audit)
        return 1;
    return 2;
}

/// Where an item stands for a worker who asks for work.
enum class Standing {
    Needed,   ///< hand it out
    Complete, ///< answered by enough workers, or labelled otherwise: handed to nobody any more
    Answered, ///< answered by this worker: never again to them
    Taken,    ///< enough workers hold live leases on it now; it may come back when one expires
};

// A worker's answer is their latest version of the item's label given as a person (by the time it was given, then
// by id: an answer merged from a work package may be older than one given here since), unless that is a deletion
// (they took it back): ProjectStore::forEachAnswer.
constexpr const char *kAnsweredBy = "SELECT deleted=0 FROM annotations WHERE job=?1 AND item=?2 AND source=0 "
                                    "AND author=?3 ORDER BY created_us DESC, id DESC LIMIT 1";
// (With MAX(created_us) in a group, SQLite takes the other columns from the row that has it.)
constexpr const char *kAnswerers = "SELECT author FROM (SELECT author, deleted, MAX(created_us) FROM annotations "
                                   "WHERE job=?1 AND item=?2 AND source=0 GROUP BY author) WHERE deleted=0";
// In a chained job only answers about the parent's label version ?3 count (their extra's "of"): an item labeled
// again after a rejection is reviewed again.
constexpr const char *kAnswerersOf = "SELECT author FROM (SELECT author, deleted, json_extract(extra, '$.of') AS of, "
                                     "MAX(created_us) FROM annotations WHERE job=?1 AND item=?2 AND source=0 GROUP BY "
                                     "author) WHERE deleted=0 AND of=?3";
/// The same for a lease l of the outer query.
#define GW_LEASE_ANSWERED                                                                                             \
    "(SELECT a.deleted=0 FROM annotations a WHERE a.job=l.job AND a.item=l.item AND a.source=0 AND a.author=l.worker " \
    "ORDER BY a.created_us DESC, a.id DESC LIMIT 1)"

} // namespace

int waitForLock(void *, int attempt)
{
    thread_local std::minstd_rand jitter(std::random_device{}());
    if (attempt >= kBusyTimeoutMs / 2) // two milliseconds a sleep on average
        return 0;
    sqlite3_sleep(1 + int(jitter() % 3));
    return 1;
}

/// The checks takeWork makes of one item, with their statements prepared once per hand-out.
class WorkChecks
{
public:
    WorkChecks(const SqliteStore &store, int64_t jobId, const std::string &worker, int annotators, int64_t now)
        : m_store(store), m_job(jobId), m_worker(worker), m_annotators(annotators), m_now(now)
    {
    }

    /// skipLabelled: an item whose current label was not given by people (automatic, imported) is settled.
    /// of: in a chained job, only answers about this version of the parent's label count (0: all).
    Result<Standing> standing(int64_t item, bool skipLabelled, int64_t of = 0)
    {
        auto answers = m_store.prepared(of ? kAnswerersOf : kAnswerers);
        if (!answers)
            return fail(answers.error());
        (*answers)->bind(1, m_job).bind(2, item);
        if (of)
            (*answers)->bind(3, of);
        m_workers.clear();
        while ((*answers)->step()) {
            const std::string_view author = (*answers)->columnText(0);
            if (author == m_worker)
                return Standing::Answered;
            m_workers.insert(std::string(author));
        }
        if (auto st = (*answers)->status(); !st)
            return fail(st.error());
        if (int(m_workers.size()) >= m_annotators)
            return Standing::Complete;
        if (skipLabelled && m_workers.empty()) {
            auto current = m_store.prepared("SELECT source FROM annotations WHERE job=?1 AND item=?2 "
                                            "AND superseded_us IS NULL AND deleted=0");
            if (!current)
                return fail(current.error());
            (*current)->bind(1, m_job).bind(2, item);
            if ((*current)->step() && (*current)->columnInt(0) != int64_t(Source::Human))
                return Standing::Complete;
        }
        auto held = m_store.prepared("SELECT worker FROM leases WHERE job=?1 AND item=?2 AND until_us>?3");
        if (!held)
            return fail(held.error());
        (*held)->bind(1, m_job).bind(2, item).bind(3, m_now);
        while ((*held)->step())
            m_workers.insert(std::string((*held)->columnText(0)));
        return int(m_workers.size()) >= m_annotators ? Standing::Taken : Standing::Needed;
    }

private:
    const SqliteStore &m_store;
    int64_t m_job;
    const std::string &m_worker;
    int m_annotators;
    int64_t m_now;
    std::set<std::string> m_workers;
};

Result<std::vector<Lease>> SqliteStore::takeWork(int64_t jobId, const std::string &worker, int count, int64_t leaseUs)
{
    if (worker.empty())
        return fail(Error::invalid("work is handed to a named worker"));
    if (count < 0 || count > 10000)
        return fail(Error::invalid("a worker takes 0 to 10,000 items at a time"));
    std::vector<Lease> out;
    auto done = inTransaction([&](SqliteTransaction &) -> Result<> {
        out.clear();
        auto job = jobById(jobId);
        if (!job)
            return fail(job.error());
        const int64_t now = nowUs();
        const int64_t until = now + std::max<int64_t>(leaseUs, 1);
        auto expired = prepared("DELETE FROM leases WHERE job=? AND until_us<=?");
        if (!expired)
            return fail(expired.error());
        if (auto r = (*expired)->bind(1, jobId).bind(2, now).exec(); !r)
            return r;

        // The worker's own leases: answered ones are let go, the others renewed.
        std::set<int64_t> held;
        {
            std::vector<Lease> mine;
            auto s = prepared("SELECT item, taken_us, until_us FROM leases WHERE job=? AND worker=? ORDER BY taken_us, item");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, jobId).bind(2, std::string_view(worker));
            while ((*s)->step())
                mine.push_back({(*s)->columnInt(0), worker, (*s)->columnInt(1), std::max(until, (*s)->columnInt(2))});
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
            for (Lease &l : mine) {
                auto answered = prepared(kAnsweredBy);
                if (!answered)
                    return fail(answered.error());
                (*answered)->bind(1, jobId).bind(2, l.itemId).bind(3, std::string_view(worker));
                if (!(*answered)->step() || (*answered)->columnInt(0) == 0) {
                    held.insert(l.itemId);
                    out.push_back(std::move(l));
                    continue;
                }
                auto drop = prepared("DELETE FROM leases WHERE job=? AND item=? AND worker=?");
                if (!drop)
                    return fail(drop.error());
                if (auto r = (*drop)->bind(1, jobId).bind(2, l.itemId).bind(3, std::string_view(worker)).exec(); !r)
                    return r;
            }
            // Never shortened: a work package's leases run for days while the same worker also takes work here.
            auto renew = prepared("UPDATE leases SET until_us=MAX(until_us, ?) WHERE job=? AND worker=?");
            if (!renew)
                return fail(renew.error());
            if (auto r = (*renew)->bind(1, until).bind(2, jobId).bind(3, std::string_view(worker)).exec(); !r)
                return r;
        }

        auto insert = prepared("INSERT INTO leases(job, item, worker, taken_us, until_us) VALUES(?,?,?,?,?)");
        if (!insert)
            return fail(insert.error());
        auto lease = [&](int64_t item) -> Result<> {
            (*insert)->reset();
            (*insert)->bind(1, jobId).bind(2, item).bind(3, std::string_view(worker)).bind(4, now).bind(5, until);
            if (auto r = (*insert)->exec(); !r)
                return r;
            held.insert(item);
            out.push_back({item, worker, now, until});
            return {};
        };
        WorkChecks checks(*this, jobId, worker, std::max(job->annotatorsPerItem, 1), now);

        // The automated-labeling loop's queue, when it has one, is the work: samples, audits, uncertain items.
        std::vector<std::pair<int, int64_t>> queued;
        {
            auto s = prepared("SELECT a.item, a.status FROM assignments a JOIN workers w ON w.id=a.worker "
                              "WHERE a.job=? AND w.name=? ORDER BY a.rowid");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, jobId).bind(2, std::string_view(kLoopWorker));
            while ((*s)->step())
                queued.emplace_back(rolePriority((*s)->columnText(1)), (*s)->columnInt(0));
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
        }
        if (!queued.empty()) {
            std::stable_sort(queued.begin(), queued.end(),
                             [](const auto &a, const auto &b) { return a.first < b.first; });
            for (const auto &[priority, item] : queued) {
                if (int(out.size()) >= count)
                    break;
                if (held.count(item))
                    continue;
                auto st = checks.standing(item, false);
                if (!st)
                    return fail(st.error());
                if (*st == Standing::Needed)
                    if (auto r = lease(item); !r)
                        return r;
            }
            return {};
        }

        const int annotators = std::max(job->annotatorsPerItem, 1);
        if (job->parentId) {
            // A review, verification or adjustment job: the items the parent has a label for, in id order, each
            // wanting answers about that label (an item labeled again after a rejection is reviewed again). No
            // marks: the parent's labels come and go.
            int64_t after = 0;
            while (int(out.size()) < count) {
                std::vector<std::pair<int64_t, int64_t>> page; // item, the parent label's version
                {
                    auto s = prepared("SELECT p.item, p.id FROM annotations p JOIN items i ON i.id=p.item "
                                      "AND i.flags=0 WHERE p.job=?1 AND p.superseded_us IS NULL AND p.deleted=0 "
                                      "AND p.item>?2 AND (?3<=0 OR p.confidence<?3) ORDER BY p.item LIMIT 512");
                    if (!s)
                        return fail(s.error());
                    (*s)->bind(1, job->parentId).bind(2, after).bind(3, job->reviewBelow);
                    while ((*s)->step())
                        page.emplace_back((*s)->columnInt(0), (*s)->columnInt(1));
                    if (auto st = (*s)->status(); !st)
                        return fail(st.error());
                }
                if (page.empty())
                    break;
                after = page.back().first;
                for (const auto &[item, version] : page) {
                    if (int(out.size()) >= count)
                        break;
                    if (held.count(item))
                        continue;
                    auto st = checks.standing(item, false, version);
                    if (!st)
                        return fail(st.error());
                    if (*st == Standing::Needed)
                        if (auto r = lease(item); !r)
                            return r;
                }
            }
            return {};
        }

        // Otherwise the job's items in id order, from the worker's mark on, or from the job's when that is
        // further (the marks of the job are kept as worker "").
        auto readMark = [&](const std::string &who) -> int64_t {
            auto m = prepared("SELECT annotators, below FROM work_marks WHERE job=? AND worker=?");
            if (!m)
                return 0;
            (*m)->bind(1, jobId).bind(2, std::string_view(who));
            return (*m)->step() && (*m)->columnInt(0) == annotators ? (*m)->columnInt(1) : 0;
        };
        const int64_t mineBefore = readMark(worker), jobBefore = readMark(std::string());
        const int64_t kind = int64_t(taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text);
        // Past the job's mark, the complete items ahead are skipped in one query (a job most of whose items
        // are answered or imported: 1,000,000 items without a round trip each).
        int64_t all = jobBefore;
        {
            auto s = prepared(
                "SELECT i.id FROM items i WHERE i.kind=?1 AND i.id>?2 AND i.flags=0 AND (SELECT COUNT(*) FROM (SELECT "
                "a.deleted, MAX(a.created_us) FROM annotations a WHERE a.job=?3 AND a.item=i.id AND a.source=0 GROUP BY "
                "a.author) WHERE deleted=0) < ?4 AND NOT ("
                "EXISTS(SELECT 1 FROM annotations c WHERE c.job=?3 AND c.item=i.id AND c.superseded_us IS NULL "
                "AND c.deleted=0 AND c.source<>0) AND NOT EXISTS(SELECT 1 FROM annotations h WHERE h.job=?3 "
                "AND h.item=i.id AND h.source=0 AND h.deleted=0)) ORDER BY i.id LIMIT 1");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, kind).bind(2, jobBefore).bind(3, jobId).bind(4, int64_t(annotators));
            if ((*s)->step())
                all = std::max(jobBefore, (*s)->columnInt(0) - 1);
            else if (auto st = (*s)->status(); !st)
                return fail(st.error());
            else if (auto last = prepared("SELECT COALESCE(MAX(id), 0) FROM items WHERE kind=?"); !last)
                return fail(last.error());
            else if ((*last)->bind(1, kind).step()) // every item is complete: items added later are not
                all = std::max(jobBefore, (*last)->columnInt(0));
        }
        int64_t mine = std::max(mineBefore, all), after = mine;
        bool answeredSoFar = true, completeSoFar = mine == all;
        while (int(out.size()) < count) {
            std::vector<std::pair<int64_t, int64_t>> page; // id, flags
            {
                auto s = prepared("SELECT id, flags FROM items WHERE kind=? AND id>? ORDER BY id LIMIT 512");
                if (!s)
                    return fail(s.error());
                (*s)->bind(1, kind).bind(2, after);
                while ((*s)->step())
                    page.emplace_back((*s)->columnInt(0), (*s)->columnInt(1));
                if (auto st = (*s)->status(); !st)
                    return fail(st.error());
            }
            if (page.empty())
                break;
            after = page.back().first;
            for (const auto &[item, flags] : page) {
                if (int(out.size()) >= count)
                    break;
                Standing st = Standing::Complete; // flagged items: the marks pass them (clearing a flag resets them)
                if (held.count(item)) {
                    st = Standing::Taken;
                } else if (flags == 0) {
                    auto s = checks.standing(item, true);
                    if (!s)
                        return fail(s.error());
                    st = *s;
                }
                if (st == Standing::Needed)
                    if (auto r = lease(item); !r)
                        return r;
                answeredSoFar = answeredSoFar && (st == Standing::Complete || st == Standing::Answered);
                completeSoFar = completeSoFar && st == Standing::Complete;
                if (answeredSoFar)
                    mine = item;
                if (completeSoFar)
                    all = item;
            }
        }
        auto writeMark = [&](const std::string &who, int64_t below) -> Result<> {
            auto m = prepared("INSERT OR REPLACE INTO work_marks(job, worker, annotators, below) VALUES(?,?,?,?)");
            if (!m)
                return fail(m.error());
            (*m)->bind(1, jobId).bind(2, std::string_view(who)).bind(3, int64_t(annotators)).bind(4, below);
            return (*m)->exec();
        };
        if (mine != mineBefore)
            if (auto r = writeMark(worker, mine); !r)
                return r;
        if (all != jobBefore)
            if (auto r = writeMark(std::string(), all); !r)
                return r;
        return {};
    });
    if (!done)
        return fail(done.error());
    return out;
}

Result<int64_t> SqliteStore::returnWork(int64_t jobId, const std::string &worker, const std::vector<int64_t> &items)
{
    int64_t returned = 0;
    auto r = inTransaction([&](SqliteTransaction &) -> Result<> {
        returned = 0;
        auto s = prepared(items.empty() ? "DELETE FROM leases WHERE job=?1 AND worker=?2"
                                        : "DELETE FROM leases WHERE job=?1 AND worker=?2 AND item=?3");
        if (!s)
            return fail(s.error());
        const std::vector<int64_t> all = items.empty() ? std::vector<int64_t>{0} : items;
        for (int64_t item : all) {
            (*s)->reset();
            (*s)->bind(1, jobId).bind(2, std::string_view(worker));
            if (!items.empty())
                (*s)->bind(3, item);
            if (auto e = (*s)->exec(); !e)
                return e;
            returned += sqlite3_changes64(m_db);
        }
        return {};
    });
    if (!r)
        return fail(r.error());
    return returned;
}

Result<std::vector<Lease>> SqliteStore::leases(int64_t jobId, const std::string &worker) const
{
    auto s = prepared("SELECT l.item, l.worker, l.taken_us, l.until_us FROM leases l WHERE l.job=?1 AND l.until_us>?2 "
                      "AND (?3='' OR l.worker=?3) AND COALESCE(" GW_LEASE_ANSWERED ", 0)=0 "
                      "ORDER BY l.worker, l.taken_us, l.item");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, jobId).bind(2, nowUs()).bind(3, std::string_view(worker));
    std::vector<Lease> out;
    while ((*s)->step())
        out.push_back({(*s)->columnInt(0), std::string((*s)->columnText(1)), (*s)->columnInt(2), (*s)->columnInt(3)});
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<WorkProgress> SqliteStore::workProgress(int64_t jobId) const
{
    auto job = jobById(jobId);
    if (!job)
        return fail(job.error());
    WorkProgress p;
    const int64_t kind = int64_t(taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text);
    auto count = [&](const char *query, int64_t &into) -> Result<> {
        auto s = prepared(query);
        if (!s)
            return fail(s.error());
        (*s)->bind(1, jobId).bind(2, kind).bind(3, nowUs());
        if ((*s)->step())
            into = (*s)->columnInt(0);
        return (*s)->status();
    };
    if (job->parentId) {
        // A chained job's items are the parent's labels.
        auto s = prepared("SELECT COUNT(*) FROM annotations a JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job=?1 "
                          "AND a.superseded_us IS NULL AND a.deleted=0 AND (?2<=0 OR a.confidence<?2)");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, job->parentId).bind(2, job->reviewBelow);
        if ((*s)->step())
            p.items = (*s)->columnInt(0);
        if (auto st = (*s)->status(); !st)
            return fail(st.error());
    } else if (auto r = count("SELECT COUNT(*) FROM items WHERE kind=?2 AND flags=0 AND ?1=?1 AND ?3=?3", p.items); !r)
        return fail(r.error());
    if (auto r = count("SELECT COUNT(*) FROM annotations a JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job=?1 "
                       "AND a.superseded_us IS NULL AND a.deleted=0 AND a.source IN (1,3) AND ?2=?2 AND ?3=?3",
                       p.otherwise);
        !r)
        return fail(r.error());
    if (auto r = count("SELECT COUNT(*) FROM leases l WHERE l.job=?1 AND l.until_us>?3 AND ?2=?2 AND COALESCE("
                       GW_LEASE_ANSWERED ", 0)=0",
                       p.leased);
        !r)
        return fail(r.error());
    auto s = prepared("SELECT SUM(deleted=0) FROM (SELECT a.item, a.deleted, MAX(a.created_us) FROM annotations a "
                      "JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job=? AND a.source=0 GROUP BY a.item, a.author) "
                      "GROUP BY item");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, jobId);
    const int annotators = std::max(job->annotatorsPerItem, 1);
    while ((*s)->step()) {
        const int64_t n = (*s)->columnInt(0);
        p.answers += n;
        if (n > 0)
            ++(n >= annotators ? p.complete : p.partial);
    }
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return p;
}

} // namespace gw::datasets::sqlite_detail
