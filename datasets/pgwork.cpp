// PgStore: work handed to people on a team server. Many annotators ask for work at once, so a hand-out does not
// lock the job: it locks the item it is about to lease (FOR NO KEY UPDATE SKIP LOCKED: an item another hand-out is
// deciding about is skipped, not waited for), checks again who answered or holds it, and leases it. Whoever leases
// an item holds its row lock until commit, so the count of answers and live leases a hand-out sees under the lock is
// the true one: an item never goes to more workers than the job's annotators per item.

#include "datasets/pgstore_p.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace gw::datasets::pg_detail {

namespace {

int rolePriority(std::string_view role)
{
    if (role == roles::probe || role == roles::validation)
        return 0;
    if (role == roles::audit)
        return 1;
    return 2;
}

enum class Standing { Needed, Complete, Answered, Taken };

/// Each worker's latest version of the item's label given as a person, unless it is a deletion (as the file's
/// kAnswerers); with of, only answers about that version of the parent's label.
std::string answerersQuery(Params &p, int64_t job, int64_t item, int64_t of)
{
    std::string sql = "SELECT author FROM (SELECT DISTINCT ON (author) author, deleted, extra FROM annotations WHERE job="
                      + p.ref(job) + " AND item=" + p.ref(item)
                      + " AND source=0 ORDER BY author, created_us DESC, id DESC) x WHERE deleted=0";
    if (of)
        sql += " AND CASE WHEN extra LIKE '{%' THEN extra::jsonb->>'of' END = " + p.ref(std::to_string(of));
    return sql;
}

/// Whether the lease l of the outer query is on an item its holder has answered.
constexpr const char *kLeaseAnswered =
    "COALESCE((SELECT a.deleted=0 FROM annotations a WHERE a.job=l.job AND a.item=l.item AND a.source=0 AND "
    "a.author=l.worker ORDER BY a.created_us DESC, a.id DESC LIMIT 1), false)";

} // namespace

Result<std::vector<Lease>> PgStore::takeWork(int64_t jobId, const std::string &worker, int count, int64_t leaseUs)
{
    if (worker.empty())
        return fail(Error::invalid("work is handed to a named worker"));
    if (count < 0 || count > 10000)
        return fail(Error::invalid("a worker takes 0 to 10,000 items at a time"));
    std::vector<Lease> out;
    bool skippedLocked = false; // an item was passed over because another transaction held it
    auto handOut = [&](PgTransaction &) -> Result<> {
        out.clear();
        skippedLocked = false;
        auto job = jobById(jobId);
        if (!job)
            return fail(job.error());
        const int annotators = std::max(job->annotatorsPerItem, 1);
        const int64_t now = nowUs();
        const int64_t until = now + std::max<int64_t>(leaseUs, 1);
        // Marks are read and written under a shared lock; resetting them takes it exclusively (resetMarks).
        {
            Params p;
            if (auto r = q("SELECT pg_advisory_xact_lock_shared(" + p.ref(kMarksLock) + ")", p, "marks-shared"); !r)
                return fail(r.error());
        }
        {
            Params p;
            if (auto r = q("DELETE FROM leases WHERE job=" + p.ref(jobId) + " AND until_us<=" + p.ref(now), p,
                           "expire-leases");
                !r)
                return fail(r.error());
        }
        // The worker's own leases: answered ones are let go, the others renewed (never shortened).
        std::set<int64_t> held;
        {
            Params p;
            const std::string sql = "SELECT l.item, l.taken_us, GREATEST(l.until_us, " + p.ref(until) + "), "
                                    + kLeaseAnswered + " FROM leases l WHERE l.job=" + p.ref(jobId) + " AND l.worker="
                                    + p.ref(worker) + " ORDER BY l.taken_us, l.item";
            auto mine = q(sql, p, "own-leases");
            if (!mine)
                return fail(mine.error());
            for (int i = 0; i < mine->size(); ++i) {
                const int64_t item = mine->integer(i, 0);
                if (mine->integer(i, 3)) {
                    Params d;
                    if (auto r = q("DELETE FROM leases WHERE job=" + d.ref(jobId) + " AND item=" + d.ref(item)
                                       + " AND worker=" + d.ref(worker),
                                   d, "drop-lease");
                        !r)
                        return fail(r.error());
                    continue;
                }
                held.insert(item);
                out.push_back({item, worker, mine->integer(i, 1), mine->integer(i, 2)});
            }
            Params r;
            if (auto u = q("UPDATE leases SET until_us=GREATEST(until_us, " + r.ref(until) + ") WHERE job="
                               + r.ref(jobId) + " AND worker=" + r.ref(worker),
                           r, "renew-leases");
                !u)
                return fail(u.error());
        }

        std::set<std::string> workers;
        auto standing = [&](int64_t item, bool skipLabelled, int64_t of) -> Result<Standing> {
            Params a;
            auto answered = q(answerersQuery(a, jobId, item, of), a, of ? "answerers-of" : "answerers");
            if (!answered)
                return fail(answered.error());
            workers.clear();
            for (int i = 0; i < answered->size(); ++i) {
                if (answered->text(i, 0) == worker)
                    return Standing::Answered;
                workers.insert(std::string(answered->text(i, 0)));
            }
            if (int(workers.size()) >= annotators)
                return Standing::Complete;
            if (skipLabelled && workers.empty()) {
                Params c;
                auto current = q("SELECT source FROM annotations WHERE job=" + c.ref(jobId) + " AND item=" + c.ref(item)
                                     + " AND superseded_us IS NULL AND deleted=0",
                                 c, "current-source-only");
                if (!current)
                    return fail(current.error());
                if (!current->empty() && current->integer(0, 0) != int64_t(Source::Human))
                    return Standing::Complete;
            }
            Params h;
            auto holders = q("SELECT worker FROM leases WHERE job=" + h.ref(jobId) + " AND item=" + h.ref(item)
                                 + " AND until_us>" + h.ref(now),
                             h, "holders");
            if (!holders)
                return fail(holders.error());
            for (int i = 0; i < holders->size(); ++i)
                workers.insert(std::string(holders->text(i, 0)));
            return int(workers.size()) >= annotators ? Standing::Taken : Standing::Needed;
        };
        // Needed without a lock: lock the item (skipping one another hand-out holds), look again, lease it.
        auto tryLease = [&](int64_t item, bool skipLabelled, int64_t of) -> Result<Standing> {
            auto first = standing(item, skipLabelled, of);
            if (!first || *first != Standing::Needed)
                return first;
            Params l;
            auto locked = q("SELECT id FROM items WHERE id=" + l.ref(item) + " FOR NO KEY UPDATE SKIP LOCKED", l,
                            "lock-item");
            if (!locked)
                return fail(locked.error());
            if (locked->empty()) {
                skippedLocked = true;
                return Standing::Taken;
            }
            auto now2 = standing(item, skipLabelled, of);
            if (!now2 || *now2 != Standing::Needed)
                return now2;
            Params p;
            const std::string sql = "INSERT INTO leases(job, item, worker, taken_us, until_us) VALUES(" + p.ref(jobId)
                                    + "," + p.ref(item) + "," + p.ref(worker) + "," + p.ref(now) + "," + p.ref(until)
                                    + ") ON CONFLICT (job, item, worker) DO UPDATE SET taken_us=excluded.taken_us, "
                                      "until_us=excluded.until_us";
            if (auto r = q(sql, p, "insert-lease"); !r)
                return fail(r.error());
            held.insert(item);
            out.push_back({item, worker, now, until});
            return Standing::Needed;
        };

        // The automated-labeling loop's queue, when it has one, is the work: samples, audits, uncertain items.
        std::vector<std::pair<int, int64_t>> queued;
        {
            Params p;
            auto r = q("SELECT a.item, a.status FROM assignments a JOIN workers w ON w.id=a.worker WHERE a.job="
                           + p.ref(jobId) + " AND w.name=" + p.ref(std::string(kLoopWorker)) + " ORDER BY a.seq",
                       p, "loop-queue");
            if (!r)
                return fail(r.error());
            for (int i = 0; i < r->size(); ++i)
                queued.emplace_back(rolePriority(r->text(i, 1)), r->integer(i, 0));
        }
        if (!queued.empty()) {
            std::stable_sort(queued.begin(), queued.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
            for (const auto &[priority, item] : queued) {
                if (int(out.size()) >= count)
                    break;
                if (held.count(item))
                    continue;
                if (auto st = tryLease(item, false, 0); !st)
                    return fail(st.error());
            }
            return {};
        }

        if (job->parentId) {
            // A chained job: the items the parent has a label for, each wanting answers about that label version.
            int64_t after = 0;
            while (int(out.size()) < count) {
                Params p;
                const std::string sql = "SELECT p.item, p.id FROM annotations p JOIN items i ON i.id=p.item AND i.flags=0 "
                                        "WHERE p.job=" + p.ref(job->parentId) + " AND p.superseded_us IS NULL AND "
                                        "p.deleted=0 AND p.item>" + p.ref(after) + " AND (" + p.ref(job->reviewBelow)
                                        + "::double precision<=0 OR p.confidence<" + p.ref(job->reviewBelow)
                                        + "::double precision) ORDER BY p.item LIMIT 512";
                auto page = q(sql, p, "parent-labels");
                if (!page)
                    return fail(page.error());
                if (page->empty())
                    break;
                after = page->integer(page->size() - 1, 0);
                for (int i = 0; i < page->size() && int(out.size()) < count; ++i) {
                    const int64_t item = page->integer(i, 0);
                    if (held.count(item))
                        continue;
                    if (auto st = tryLease(item, false, page->integer(i, 1)); !st)
                        return fail(st.error());
                }
            }
            return {};
        }

        // The job's items in id order, from the worker's mark or the job's (worker "") when that is further.
        auto readMark = [&](const std::string &who) -> Result<int64_t> {
            Params p;
            auto r = q("SELECT annotators, below FROM work_marks WHERE job=" + p.ref(jobId) + " AND worker=" + p.ref(who),
                       p, "read-mark");
            if (!r)
                return fail(r.error());
            return !r->empty() && r->integer(0, 0) == annotators ? r->integer(0, 1) : 0;
        };
        auto mineMark = readMark(worker);
        if (!mineMark)
            return fail(mineMark.error());
        auto jobMark = readMark(std::string());
        if (!jobMark)
            return fail(jobMark.error());
        const int64_t mineBefore = *mineMark, jobBefore = *jobMark;
        const int64_t kind = int64_t(taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text);
        int64_t all = jobBefore;
        {
            // Past the job's mark, the complete items ahead are skipped in one query.
            Params p;
            const std::string k = p.ref(kind), after = p.ref(jobBefore), j = p.ref(jobId);
            const std::string sql =
                "SELECT i.id FROM items i WHERE i.kind=" + k + " AND i.id>" + after + " AND i.flags=0 AND (SELECT "
                "COUNT(*) FROM (SELECT DISTINCT ON (a.author) a.deleted FROM annotations a WHERE a.job=" + j
                + " AND a.item=i.id AND a.source=0 ORDER BY a.author, a.created_us DESC, a.id DESC) x WHERE x.deleted=0) < "
                + p.ref(annotators) + " AND NOT (EXISTS(SELECT 1 FROM annotations c WHERE c.job=" + j
                + " AND c.item=i.id AND c.superseded_us IS NULL AND c.deleted=0 AND c.source<>0) AND NOT EXISTS(SELECT 1 "
                  "FROM annotations h WHERE h.job=" + j + " AND h.item=i.id AND h.source=0 AND h.deleted=0)) "
                  "ORDER BY i.id LIMIT 1";
            auto r = q(sql, p, "first-open-item");
            if (!r)
                return fail(r.error());
            if (!r->empty()) {
                all = std::max(jobBefore, r->integer(0, 0) - 1);
            } else {
                Params m;
                auto last = q("SELECT COALESCE(MAX(id), 0) FROM items WHERE kind=" + m.ref(kind), m, "last-item");
                if (!last)
                    return fail(last.error());
                all = std::max(jobBefore, last->integer(0, 0));
            }
        }
        int64_t mine = std::max(mineBefore, all), after = mine;
        bool answeredSoFar = true, completeSoFar = mine == all;
        while (int(out.size()) < count) {
            Params p;
            auto page = q("SELECT id, flags FROM items WHERE kind=" + p.ref(kind) + " AND id>" + p.ref(after)
                              + " ORDER BY id LIMIT 512",
                          p, "items-page");
            if (!page)
                return fail(page.error());
            if (page->empty())
                break;
            after = page->integer(page->size() - 1, 0);
            for (int i = 0; i < page->size() && int(out.size()) < count; ++i) {
                const int64_t item = page->integer(i, 0);
                Standing st = Standing::Complete; // flagged items: the marks pass them
                if (held.count(item)) {
                    st = Standing::Taken;
                } else if (page->integer(i, 1) == 0) {
                    auto s = tryLease(item, true, 0);
                    if (!s)
                        return fail(s.error());
                    st = *s;
                }
                answeredSoFar = answeredSoFar && (st == Standing::Complete || st == Standing::Answered);
                completeSoFar = completeSoFar && st == Standing::Complete;
                if (answeredSoFar)
                    mine = item;
                if (completeSoFar)
                    all = item;
            }
        }
        auto writeMark = [&](const std::string &who, int64_t below) -> Result<> {
            Params p;
            const std::string sql = "INSERT INTO work_marks(job, worker, annotators, below) VALUES(" + p.ref(jobId) + ","
                                    + p.ref(who) + "," + p.ref(annotators) + "," + p.ref(below)
                                    + ") ON CONFLICT (job, worker) DO UPDATE SET annotators=excluded.annotators, "
                                      "below=excluded.below";
            if (auto r = q(sql, p, "write-mark"); !r)
                return fail(r.error());
            return {};
        };
        if (mine != mineBefore)
            if (auto r = writeMark(worker, mine); !r)
                return r;
        if (all != jobBefore)
            if (auto r = writeMark(std::string(), all); !r)
                return r;
        return {};
    };
    // An item held by another transaction (a hand-out deciding about it, an answer being written) is skipped, not
    // waited for; but that hold lasts only until its commit, so a hand-out that came up short because of one looks
    // again a moment later: otherwise the last items of a job could be reported as needing nobody.
    for (int attempt = 0;; ++attempt) {
        if (auto done = inTransaction(handOut); !done)
            return fail(done.error());
        if (int(out.size()) >= count || !skippedLocked || attempt >= 20)
            return out;
        std::this_thread::sleep_for(std::chrono::milliseconds(5 + 5 * std::min(attempt, 4)));
    }
}

Result<int64_t> PgStore::returnWork(int64_t jobId, const std::string &worker, const std::vector<int64_t> &items)
{
    int64_t returned = 0;
    auto r = inTransaction([&](PgTransaction &) -> Result<> {
        returned = 0;
        if (items.empty()) {
            Params p;
            auto d = q("DELETE FROM leases WHERE job=" + p.ref(jobId) + " AND worker=" + p.ref(worker), p);
            if (!d)
                return fail(d.error());
            returned = d->affected();
            return {};
        }
        for (int64_t item : items) {
            Params p;
            auto d = q("DELETE FROM leases WHERE job=" + p.ref(jobId) + " AND worker=" + p.ref(worker) + " AND item="
                           + p.ref(item),
                       p, "return-lease");
            if (!d)
                return fail(d.error());
            returned += d->affected();
        }
        return {};
    });
    if (!r)
        return fail(r.error());
    return returned;
}

Result<std::vector<Lease>> PgStore::leases(int64_t jobId, const std::string &worker) const
{
    Params p;
    const std::string w = p.ref(worker);
    const std::string sql = "SELECT l.item, l.worker, l.taken_us, l.until_us FROM leases l WHERE l.job=" + p.ref(jobId)
                            + " AND l.until_us>" + p.ref(nowUs()) + " AND (" + w + "='' OR l.worker=" + w + ") AND NOT "
                            + kLeaseAnswered + " ORDER BY l.worker, l.taken_us, l.item";
    auto r = q(sql, p, "leases");
    if (!r)
        return fail(r.error());
    std::vector<Lease> out;
    for (int i = 0; i < r->size(); ++i)
        out.push_back({r->integer(i, 0), std::string(r->text(i, 1)), r->integer(i, 2), r->integer(i, 3)});
    return out;
}

Result<WorkProgress> PgStore::workProgress(int64_t jobId) const
{
    auto job = jobById(jobId);
    if (!job)
        return fail(job.error());
    WorkProgress w;
    const int64_t kind = int64_t(taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text);
    auto one = [&](const std::string &sql, Params &p, int64_t &into) -> Result<> {
        auto r = q(sql, p);
        if (!r)
            return fail(r.error());
        into = r->empty() ? 0 : r->integer(0, 0);
        return {};
    };
    if (job->parentId) {
        Params p;
        if (auto r = one("SELECT COUNT(*) FROM annotations a JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job="
                             + p.ref(job->parentId) + " AND a.superseded_us IS NULL AND a.deleted=0 AND ("
                             + p.ref(job->reviewBelow) + "::double precision<=0 OR a.confidence<"
                             + p.ref(job->reviewBelow) + "::double precision)",
                         p, w.items);
            !r)
            return fail(r.error());
    } else {
        Params p;
        if (auto r = one("SELECT COUNT(*) FROM items WHERE kind=" + p.ref(kind) + " AND flags=0", p, w.items); !r)
            return fail(r.error());
    }
    {
        Params p;
        if (auto r = one("SELECT COUNT(*) FROM annotations a JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job="
                             + p.ref(jobId) + " AND a.superseded_us IS NULL AND a.deleted=0 AND a.source IN (1,3)",
                         p, w.otherwise);
            !r)
            return fail(r.error());
    }
    {
        Params p;
        if (auto r = one("SELECT COUNT(*) FROM leases l WHERE l.job=" + p.ref(jobId) + " AND l.until_us>"
                             + p.ref(nowUs()) + " AND NOT " + kLeaseAnswered,
                         p, w.leased);
            !r)
            return fail(r.error());
    }
    Params p;
    auto perItem = q("SELECT COUNT(*) FILTER (WHERE deleted=0) FROM (SELECT DISTINCT ON (a.item, a.author) a.item, "
                     "a.deleted FROM annotations a JOIN items i ON i.id=a.item AND i.flags=0 WHERE a.job=" + p.ref(jobId)
                     + " AND a.source=0 ORDER BY a.item, a.author, a.created_us DESC, a.id DESC) x GROUP BY item",
                     p);
    if (!perItem)
        return fail(perItem.error());
    const int annotators = std::max(job->annotatorsPerItem, 1);
    for (int i = 0; i < perItem->size(); ++i) {
        const int64_t n = perItem->integer(i, 0);
        w.answers += n;
        if (n > 0)
            ++(n >= annotators ? w.complete : w.partial);
    }
    return w;
}

} // namespace gw::datasets::pg_detail
