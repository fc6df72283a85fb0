// The SQLite implementation of ProjectStore: one database file per project, WAL mode, every write in a short
// BEGIN IMMEDIATE transaction so that two processes writing at once queue up instead of failing. The class is
// declared in sqlitestore_p.h; jobs live in sqlitejobs.cpp, runs, versions and the change log in sqliterecords.cpp.

#include "datasets/sqlitestore_p.h"

#include "datasets/pg.h"
#include "datasets/processinfo.h"

#include <chrono>

namespace gw::datasets {

int64_t nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

namespace sqlite_detail {

// ---- items ----

Result<> SqliteStore::readItemInto(const Statement &s, Item &it)
{
    it.id = s.columnInt(0);
    it.kind = MediaKind(s.columnInt(1));
    it.uri.assign(s.columnText(2));
    it.text.assign(s.columnText(3));
    it.width = int(s.columnInt(4));
    it.height = int(s.columnInt(5));
    it.flags = int(s.columnInt(6));
    it.split.assign(s.columnText(7));
    it.batch = s.columnInt(8);
    it.extra.assign(s.columnText(9));
    return {};
}

Item SqliteStore::readItem(const Statement &s)
{
    Item it;
    (void)readItemInto(s, it);
    return it;
}

Result<Item> SqliteStore::item(int64_t id) const
{
    return selectOne<Item>("SELECT " GW_ITEM_COLUMNS " FROM items WHERE id=?", id, readItem,
                           "no item with id " + std::to_string(id));
}

Result<std::optional<Item>> SqliteStore::itemByUri(const std::string &uri) const
{
    auto s = prepared("SELECT " GW_ITEM_COLUMNS " FROM items WHERE uri=? ORDER BY id LIMIT 1");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, std::string_view(uri));
    if ((*s)->step())
        return std::optional<Item>(readItem(**s));
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return std::optional<Item>();
}

Result<std::optional<std::string>> SqliteStore::itemUnder(const std::string &uri) const
{
    // Two index look-ups on items_by_uri: the path itself, then the range of paths below it ('0' follows '/').
    std::string base = uri;
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    for (const char *q : {"SELECT uri FROM items WHERE uri=?1 LIMIT 1",
                          "SELECT uri FROM items WHERE uri>?1 || '/' AND uri<?1 || '0' LIMIT 1"}) {
        auto s = prepared(q);
        if (!s)
            return fail(s.error());
        (*s)->bind(1, std::string_view(base));
        if ((*s)->step())
            return std::optional<std::string>(std::string((*s)->columnText(0)));
        if (auto st = (*s)->status(); !st)
            return fail(st.error());
    }
    return std::optional<std::string>();
}

/// FROM and WHERE of an item query: ?1 afterId, ?2 the job, ?3 beforeId, ?4 the author. A filter on the
/// current label joins it (at most one per item and job), so that SQLite walks whichever index is narrower:
/// the items, or the job's current labels by source or author. "Not labeled" stays an anti-join. key is
/// the column to page and order by.
std::string SqliteStore::whereClause(const ItemFilter &f, std::string &key)
{
    const bool annotationFilter = f.jobId && (f.labeled.has_value() || f.classId || f.source || f.author);
    const bool join = annotationFilter && f.labeled.value_or(true);
    key = join ? "a.item" : "items.id";
    std::string cond = "a.job=?2 AND a.superseded_us IS NULL AND a.deleted=0";
    if (f.source)
        cond += " AND a.source=" + std::to_string(int(*f.source));
    if (f.author)
        cond += " AND a.author=?4";
    if (f.classId) {
        // instr() first: the class id's digits are in the payload text, or in a mask's list of classes, whenever
        // the class is, and it costs far less than walking the JSON of every label.
        const std::string c = std::to_string(*f.classId);
        cond += " AND ((instr(a.payload,'" + c + "')>0"
                " AND (EXISTS(SELECT 1 FROM json_each(a.payload,'$.c') WHERE value=" + c
                + ") OR EXISTS(SELECT 1 FROM json_each(a.payload,'$.b') WHERE json_extract(value,'$[0]')=" + c
                + ") OR EXISTS(SELECT 1 FROM json_each(a.payload,'$.s') WHERE json_extract(value,'$[0]')=" + c
                + "))) OR (instr(a.mask_classes,'" + c + "')>0"
                  " AND EXISTS(SELECT 1 FROM json_each(a.mask_classes) WHERE value=" + c + ")))";
    }
    std::string w = join ? " FROM items JOIN annotations a ON a.item=items.id WHERE " + cond + " AND "
                         : std::string(" FROM items WHERE ");
    w += key + " > ?1";
    if (f.beforeId > 0)
        w += " AND " + key + " < ?3";
    if (f.kind)
        w += " AND items.kind=" + std::to_string(int(*f.kind));
    if (f.flaggedOnly)
        w += " AND items.flags<>0";
    if (annotationFilter && !join)
        w += " AND NOT EXISTS(SELECT 1 FROM annotations a WHERE a.item=items.id AND " + cond + ")";
    return w;
}

void SqliteStore::bindFilter(Statement &s, const ItemFilter &f)
{
    s.bind(1, f.afterId);
    if (f.jobId)
        s.bind(2, f.jobId);
    if (f.beforeId > 0)
        s.bind(3, f.beforeId);
    if (f.author)
        s.bind(4, std::string_view(*f.author));
}

Result<int64_t> SqliteStore::countItems(const ItemFilter &f) const
{
    // Progress counts ("labeled in job J") come straight from the current-annotation index.
    const bool onlyLabeledInJob = f.jobId && f.labeled == true && !f.classId && !f.source && !f.author
                                  && !f.kind && !f.flaggedOnly && f.afterId == 0 && f.beforeId == 0;
    if (onlyLabeledInJob) {
        auto s = prepared("SELECT COUNT(*) FROM annotations WHERE job=? AND superseded_us IS NULL AND deleted=0");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, f.jobId);
        if (!(*s)->step())
            return fail((*s)->status().error());
        return (*s)->columnInt(0);
    }
    // "Unlabeled" as all minus labeled: two index walks instead of probing every item.
    if (f.jobId && f.labeled == false && !f.classId && !f.source && !f.author) {
        ItemFilter all = f;
        all.labeled.reset();
        ItemFilter labeled = f;
        labeled.labeled = true;
        auto n = countItems(all);
        if (!n)
            return n;
        auto l = countItems(labeled);
        if (!l)
            return l;
        return *n - *l;
    }
    std::string key;
    std::string q = "SELECT COUNT(*)" + whereClause(f, key);
    Statement s(m_db, q);
    if (!s.valid())
        return fail(sql::errorFrom(m_db, sqlite3_errcode(m_db), "cannot count items"));
    bindFilter(s, f);
    if (!s.step())
        return fail(s.status().error());
    return s.columnInt(0);
}

Result<std::unique_ptr<Cursor<Item>>> SqliteStore::itemCursor(const ItemFilter &f) const
{
    // Qualified: a label filter joins annotations, which have an extra column too.
    static constexpr const char *kColumns = "items.id, items.kind, items.uri, items.text, items.width, "
                                            "items.height, items.flags, items.split, items.batch, items.extra";
    std::string key;
    std::string q = std::string("SELECT ") + kColumns + whereClause(f, key) + " ORDER BY " + key
                    + (f.descending ? " DESC" : "");
    if (f.limit >= 0)
        q += " LIMIT " + std::to_string(f.limit);
    Statement s(m_db, q);
    if (!s.valid())
        return fail(sql::errorFrom(m_db, sqlite3_errcode(m_db), "cannot list items"));
    bindFilter(s, f);
    return std::unique_ptr<Cursor<Item>>(new StatementCursor<Item>(std::move(s), readItemInto));
}

Result<> SqliteStore::setItemFlags(int64_t id, int flags)
{
    auto s = prepared("UPDATE items SET flags=? WHERE id=?");
    if (!s)
        return fail(s.error());
    if (auto r = (*s)->bind(1, int64_t(flags)).bind(2, id).exec(); !r || flags != ItemOk)
        return r;
    // An item back in the dataset may need answers again: hand-outs walk from the start once more (takeWork).
    auto marks = prepared("DELETE FROM work_marks");
    if (!marks)
        return fail(marks.error());
    return (*marks)->exec();
}

Result<int64_t> SqliteStore::newImportBatch(const std::string &description)
{
    auto s = prepared("INSERT INTO import_batches(description, created_us) VALUES(?,?)");
    if (!s)
        return fail(s.error());
    if (auto r = (*s)->bind(1, std::string_view(description)).bind(2, nowUs()).exec(); !r)
        return fail(r.error());
    return sqlite3_last_insert_rowid(m_db);
}

// ---- a project on a network file system ----

namespace {

std::string thisComputer()
{
    if (const char *forced = std::getenv("GW_TEST_HOSTNAME"); forced && *forced) // tests: two computers in one
        return forced;
    return hostName();
}

} // namespace

Result<> SqliteStore::claimComputer(bool ownTransaction)
{
    if (ownTransaction)
        if (auto r = sql::exec(m_db, "BEGIN IMMEDIATE"); !r)
            return fail(Error{r.error().code, m_path + ": " + r.error().message});
    auto done = [&](Result<> r) -> Result<> {
        if (ownTransaction)
            sqlite3_exec(m_db, r ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
        return r;
    };
    const std::string me = thisComputer();
    const int64_t now = nowUs();
    bool claimed = false; // a claim is there (this computer's, or one that ran out)
    {
        Statement s(m_db, "SELECT value FROM meta WHERE key='opened_on'");
        if (s.step()) {
            claimed = true;
            const std::string value(s.columnText(0));
            const size_t tab = value.find('\t');
            const std::string host = value.substr(0, tab);
            const int64_t at = tab == std::string::npos ? 0 : std::atoll(value.c_str() + tab + 1);
            if (host != me && now - at < kClaimUs) {
                const int64_t ago = std::max<int64_t>(0, (now - at) / 1'000'000);
                return done(fail(Error::conflict(
                    m_path + ": the project is on a network file system (" + m_network + ") and is in use on " + host
                    + " (last written " + std::to_string(ago) + " s ago). A project on a network share is safe from "
                    "one computer at a time: SQLite keeps its write-ahead index in memory that other computers do "
                    "not see, so two computers writing at once would corrupt it. Close it on " + host + ", or wait "
                    "until it has not been written there for " + std::to_string(kClaimUs / 60'000'000) + " minutes. To "
                    "label from several computers, give each annotator a work package (gw package; File › Merge Work "
                    "Package… brings the answers back).")));
            }
        }
    }
    if (!ownTransaction && now - m_claimUs < kRenewUs && claimed)
        return {}; // still ours, and recent
    Statement w(m_db, "INSERT OR REPLACE INTO meta(key, value) VALUES('opened_on', ?)");
    const std::string value = me + "\t" + std::to_string(now);
    if (auto r = w.bind(1, std::string_view(value)).exec(); !r)
        return done(fail(Error{r.error().code, m_path + ": " + r.error().message}));
    m_claimUs = now;
    return done({});
}

void SqliteStore::releaseComputer()
{
    if (m_claimUs == 0)
        return;
    // Only this computer's claim, and only when no other process of it wrote since (it renews with its time).
    Statement s(m_db, "DELETE FROM meta WHERE key='opened_on' AND value=?");
    const std::string value = thisComputer() + "\t" + std::to_string(m_claimUs);
    (void)s.bind(1, std::string_view(value)).exec();
}

// ---- annotations ----

Result<> SqliteStore::readAnnotationInto(const Statement &s, Annotation &a)
{
    a.id = s.columnInt(0);
    a.jobId = s.columnInt(1);
    a.itemId = s.columnInt(2);
    a.provenance.source = Source(s.columnInt(3));
    a.provenance.humanAnnotated = s.columnInt(4) != 0;
    a.provenance.author.assign(s.columnText(5));
    if (auto r = decodePayloadInto(s.columnText(6), s.columnBlob(7), a.payload); !r)
        return r;
    a.provenance.confidence.reset();
    if (!s.columnIsNull(8))
        a.provenance.confidence = s.columnDouble(8);
    a.provenance.timeSpentMs = s.columnInt(9);
    a.provenance.createdUs = s.columnInt(10);
    a.extra.assign(s.columnText(11));
    return {};
}

Result<Annotation> SqliteStore::readAnnotation(const Statement &s)
{
    Annotation a;
    if (auto r = readAnnotationInto(s, a); !r)
        return fail(r.error());
    return a;
}

Result<std::optional<Annotation>> SqliteStore::currentAnnotation(int64_t jobId, int64_t itemId) const
{
    auto s = prepared("SELECT " GW_ANNOTATION_COLUMNS
                      " FROM annotations WHERE job=? AND item=? AND superseded_us IS NULL AND deleted=0");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, jobId).bind(2, itemId);
    if (!(*s)->step()) {
        if (auto st = (*s)->status(); !st)
            return fail(st.error());
        return std::optional<Annotation>();
    }
    auto a = readAnnotation(**s);
    if (!a)
        return fail(a.error());
    return std::optional<Annotation>(std::move(*a));
}

Result<std::vector<std::string>> SqliteStore::authors(int64_t jobId) const
{
    // A skip scan over annotations_current_author: the next name after the last one, until there is none,
    // so a million labels by five people cost five probes.
    auto s = prepared("SELECT author FROM annotations WHERE job=? AND author>? AND superseded_us IS NULL AND deleted=0 "
                      "ORDER BY author LIMIT 1");
    if (!s)
        return fail(s.error());
    std::vector<std::string> out;
    std::string last;
    for (bool first = true;; first = false) {
        (*s)->reset();
        (*s)->bind(1, jobId);
        if (first)
            (*s)->bind(2, std::string_view(""));
        else
            (*s)->bind(2, std::string_view(last));
        if (!(*s)->step()) {
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
            break;
        }
        last = (*s)->columnText(0);
        out.push_back(last);
    }
    return out;
}

auto SqliteStore::history(int64_t jobId, int64_t itemId) const -> Result<std::vector<HistoryEntry>>
{
    auto s = prepared("SELECT " GW_ANNOTATION_COLUMNS " FROM annotations WHERE job=? AND item=? ORDER BY id");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, jobId).bind(2, itemId);
    std::vector<HistoryEntry> out;
    while ((*s)->step()) {
        auto a = readAnnotation(**s);
        if (!a)
            return fail(a.error());
        out.push_back({std::move(*a), (*s)->columnInt(12) != 0, (*s)->columnInt(13)});
    }
    if (auto st = (*s)->status(); !st)
        return fail(st.error());
    return out;
}

Result<std::unique_ptr<Cursor<Annotation>>> SqliteStore::annotationCursor(int64_t jobId) const
{
    // Its own statement: callers may query the store while they walk it.
    Statement s(m_db, "SELECT " GW_ANNOTATION_COLUMNS
                      " FROM annotations WHERE job=? AND superseded_us IS NULL AND deleted=0 ORDER BY item");
    if (!s.valid())
        return fail(sql::errorFrom(m_db, sqlite3_errcode(m_db), "cannot list annotations"));
    s.bind(1, jobId);
    return std::unique_ptr<Cursor<Annotation>>(new StatementCursor<Annotation>(std::move(s), readAnnotationInto));
}

Result<> SqliteStore::forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const
{
    Statement s(m_db, "SELECT " GW_ANNOTATION_COLUMNS
                      " FROM annotations WHERE job=? AND deleted=0 AND human=1 AND source<>?"
                      " ORDER BY item, id");
    s.bind(1, jobId).bind(2, int64_t(Source::Auto));
    return forEachAnnotationRow(s, fn);
}

Result<> SqliteStore::forEachAnnotationRow(Statement &s, const std::function<bool(const Annotation &)> &fn)
{
    Annotation a;
    while (s.step()) {
        if (auto r = readAnnotationInto(s, a); !r)
            return r;
        if (!fn(a))
            return {};
    }
    return s.status();
}

Result<> SqliteStore::forEachAnswer(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const
{
    // Each worker's latest by the time it was given (an answer merged from a package may be older than one given
    // here since); with MAX(created_us) in a group, SQLite takes the id from the row that has it.
    Statement s(m_db, "SELECT " GW_ANNOTATION_COLUMNS " FROM annotations WHERE id IN (SELECT id FROM (SELECT id, deleted, "
                      "MAX(created_us) FROM annotations WHERE job=?1 AND source=0 GROUP BY item, author) WHERE deleted=0) "
                      "ORDER BY item, id");
    s.bind(1, jobId);
    return forEachAnnotationRow(s, fn);
}

Result<ProjectSummary> SqliteStore::summary() const
{
    ProjectSummary sum;
    {
        auto s = prepared("SELECT COUNT(*), COALESCE(SUM(kind=0),0), COALESCE(SUM(kind=1),0), "
                          "COALESCE(SUM(flags<>0),0) FROM items");
        if (!s)
            return fail(s.error());
        if (!(*s)->step())
            return fail((*s)->status().error());
        sum.items = (*s)->columnInt(0);
        sum.images = (*s)->columnInt(1);
        sum.texts = (*s)->columnInt(2);
        sum.flagged = (*s)->columnInt(3);
    }
    auto js = jobs();
    if (!js)
        return fail(js.error());
    for (const Job &j : *js) {
        ProjectSummary::JobCount jc;
        jc.job = j.name;
        jc.type = std::string(taskInfo(j.type).id);
        auto s = prepared("SELECT source, COUNT(*) FROM annotations WHERE job=? AND superseded_us IS NULL "
                          "AND deleted=0 GROUP BY source ORDER BY source");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, j.id);
        while ((*s)->step()) {
            jc.bySource.emplace_back(std::string(sourceName(Source((*s)->columnInt(0)))), (*s)->columnInt(1));
            jc.labeled += (*s)->columnInt(1);
        }
        std::map<int, int64_t> perClass;
        auto c = prepared(
            "SELECT cls, COUNT(DISTINCT item) FROM ("
            " SELECT a.item AS item, e.value AS cls FROM annotations a, json_each(a.payload,'$.c') e"
            "  WHERE a.job=?1 AND a.superseded_us IS NULL AND a.deleted=0"
            " UNION ALL SELECT a.item, json_extract(e.value,'$[0]') FROM annotations a, json_each(a.payload,'$.b') e"
            "  WHERE a.job=?1 AND a.superseded_us IS NULL AND a.deleted=0"
            " UNION ALL SELECT a.item, json_extract(e.value,'$[0]') FROM annotations a, json_each(a.payload,'$.s') e"
            "  WHERE a.job=?1 AND a.superseded_us IS NULL AND a.deleted=0"
            " UNION ALL SELECT a.item, e.value FROM annotations a, json_each(a.mask_classes) e"
            "  WHERE a.job=?1 AND a.superseded_us IS NULL AND a.deleted=0"
            ") GROUP BY cls");
        if (!c)
            return fail(c.error());
        (*c)->bind(1, j.id);
        while ((*c)->step())
            perClass[int((*c)->columnInt(0))] = (*c)->columnInt(1);
        for (const LabelClass &cls : j.classes)
            jc.byClass.emplace_back(cls.name, perClass.count(cls.id) ? perClass[cls.id] : 0);
        sum.jobs.push_back(std::move(jc));
    }
    return sum;
}

// ---- transactions ----

SqliteTransaction::~SqliteTransaction()
{
    if (m_open)
        sqlite3_exec(m_store.m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<> SqliteTransaction::addItem(Item &item)
{
    Statement &s = m_store.stmt(
        "INSERT INTO items(kind, uri, text, width, height, flags, split, batch, extra) VALUES(?,?,?,?,?,?,?,?,?)");
    s.bind(1, int64_t(item.kind)).bindTextOrNull(2, item.uri).bindTextOrNull(3, item.text);
    s.bind(4, int64_t(item.width)).bind(5, int64_t(item.height)).bind(6, int64_t(item.flags));
    s.bindTextOrNull(7, item.split);
    if (item.batch)
        s.bind(8, item.batch);
    s.bindTextOrNull(9, item.extra);
    if (auto r = s.exec(); !r)
        return r;
    item.id = sqlite3_last_insert_rowid(m_store.m_db);
    return {};
}

Result<> SqliteTransaction::insertVersion(Annotation &a, int64_t createdUs, const std::string &maskClasses,
                                          int64_t supersededUs)
{
    Statement &s = m_store.stmt("INSERT INTO annotations(job, item, source, human, author, payload, mask, confidence, "
                                "time_spent_ms, created_us, extra, mask_classes, superseded_us) "
                                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const Provenance &p = a.provenance;
    s.bind(1, a.jobId).bind(2, a.itemId).bind(3, int64_t(p.source)).bind(4, int64_t(p.humanAnnotated ? 1 : 0));
    s.bind(5, std::string_view(p.author)).bind(6, std::string_view(encodePayload(a.payload)));
    if (a.payload.mask.empty())
        s.bindNull(7);
    else
        s.bindBlob(7, a.payload.mask);
    if (p.confidence)
        s.bind(8, *p.confidence);
    s.bind(9, p.timeSpentMs).bind(10, createdUs).bindTextOrNull(11, a.extra).bindTextOrNull(12, maskClasses);
    if (supersededUs)
        s.bind(13, supersededUs);
    if (auto r = s.exec(); !r)
        return r;
    a.id = sqlite3_last_insert_rowid(m_store.m_db);
    return {};
}

Result<> SqliteTransaction::putAnnotation(Annotation &a)
{
    const Provenance &p = a.provenance;
    // The classes a mask or its objects hold go beside it: class filters search that list rather than decode
    // every mask.
    std::string maskClasses;
    if (!a.payload.mask.empty() || !a.payload.instances.empty()) {
        auto ids = storedClassList(a.payload);
        if (!ids)
            return fail(Error::invalid("the mask of item " + std::to_string(a.itemId) + ": " + ids.error().message));
        maskClasses = std::move(*ids);
    }
    // Superseded now; created when the label says (an imported or restored label keeps its own time).
    const int64_t supersededAt = nowUs();
    const int64_t now = p.createdUs ? p.createdUs : supersededAt;
    Statement &u = m_store.stmt("UPDATE annotations SET superseded_us=? WHERE job=? AND item=? AND superseded_us IS NULL");
    if (auto r = u.bind(1, supersededAt).bind(2, a.jobId).bind(3, a.itemId).exec(); !r)
        return r;
    if (auto r = insertVersion(a, now, maskClasses, 0); !r)
        return r;
    a.id = sqlite3_last_insert_rowid(m_store.m_db);
    a.provenance.createdUs = now;
    return {};
}

Result<> SqliteTransaction::addAnswer(Annotation &a)
{
    Statement &c = m_store.stmt("SELECT created_us FROM annotations WHERE job=? AND item=? AND superseded_us IS NULL");
    c.bind(1, a.jobId).bind(2, a.itemId);
    const bool newer = c.step() && c.columnInt(0) > a.provenance.createdUs && a.provenance.createdUs != 0;
    c.reset();
    if (!newer)
        return putAnnotation(a);
    // Into the history, behind the newer current label.
    if (auto r = insertVersion(a, a.provenance.createdUs, std::string(), nowUs()); !r)
        return r;
    a.id = sqlite3_last_insert_rowid(m_store.m_db);
    return {};
}

Result<> SqliteTransaction::clearAnnotation(int64_t jobId, int64_t itemId, const Provenance &who)
{
    const int64_t now = nowUs();
    Statement &u = m_store.stmt(
        "UPDATE annotations SET superseded_us=? WHERE job=? AND item=? AND superseded_us IS NULL AND deleted=0");
    if (auto r = u.bind(1, now).bind(2, jobId).bind(3, itemId).exec(); !r)
        return r;
    if (sqlite3_changes(m_store.m_db) == 0)
        return {};
    // A deletion is a version of its own, so history shows who removed the label and when.
    Statement &s = m_store.stmt("INSERT INTO annotations(job, item, source, human, author, payload, created_us, deleted) "
                                "VALUES(?,?,?,?,?,'{}',?,1)");
    if (auto r = s.bind(1, jobId).bind(2, itemId).bind(3, int64_t(who.source)).bind(4, int64_t(who.humanAnnotated))
                     .bind(5, std::string_view(who.author)).bind(6, now).exec();
        !r)
        return r;
    // An answer taken back or a label removed may make the item need answers again: hand-outs of the job walk
    // from its start once more (takeWork's marks).
    Statement &m = m_store.stmt("DELETE FROM work_marks WHERE job=?");
    return m.bind(1, jobId).exec();
}

Result<> SqliteTransaction::withdrawAnswer(int64_t jobId, int64_t itemId, const Provenance &who)
{
    Statement &c = m_store.stmt("SELECT source, author FROM annotations WHERE job=? AND item=? AND superseded_us IS NULL "
                                "AND deleted=0");
    c.bind(1, jobId).bind(2, itemId);
    const bool theirs = c.step() && c.columnInt(0) == int64_t(Source::Human) && c.columnText(1) == who.author;
    if (auto st = c.status(); !st)
        return fail(st.error());
    c.reset();
    if (theirs)
        return clearAnnotation(jobId, itemId, who);
    const int64_t now = nowUs();
    Statement &s = m_store.stmt("INSERT INTO annotations(job, item, source, human, author, payload, created_us, "
                                "superseded_us, deleted) VALUES(?,?,0,1,?,'{}',?,?,1)");
    if (auto r = s.bind(1, jobId).bind(2, itemId).bind(3, std::string_view(who.author)).bind(4, now).bind(5, now).exec(); !r)
        return r;
    Statement &m = m_store.stmt("DELETE FROM work_marks WHERE job=?");
    return m.bind(1, jobId).exec();
}

Result<int> SqliteTransaction::sendBack(int64_t jobId, int64_t itemId, const Provenance &reviewer,
                                        const std::string &extra)
{
    Statement &c = m_store.stmt("SELECT 1 FROM annotations WHERE job=? AND item=? AND superseded_us IS NULL AND deleted=0");
    const bool labelled = c.bind(1, jobId).bind(2, itemId).step();
    if (auto st = c.status(); !st)
        return fail(st.error());
    c.reset();
    if (!labelled)
        return 0;
    std::vector<std::string> workers;
    {
        Statement &a = m_store.stmt("SELECT author FROM (SELECT author, deleted, MAX(created_us) FROM annotations "
                                    "WHERE job=?1 AND item=?2 AND source=0 GROUP BY author) WHERE deleted=0 ORDER BY author");
        a.bind(1, jobId).bind(2, itemId);
        while (a.step())
            workers.emplace_back(a.columnText(0));
        if (auto st = a.status(); !st)
            return fail(st.error());
        a.reset();
    }
    const int64_t now = nowUs();
    auto retract = [&](const std::string &author) -> Result<> {
        Statement &u = m_store.stmt("UPDATE annotations SET superseded_us=? WHERE job=? AND item=? AND superseded_us IS NULL");
        if (auto r = u.bind(1, now).bind(2, jobId).bind(3, itemId).exec(); !r)
            return r;
        Statement &s = m_store.stmt("INSERT INTO annotations(job, item, source, human, author, payload, created_us, "
                                    "deleted, extra) VALUES(?,?,0,1,?,'{}',?,1,?)");
        s.bind(1, jobId).bind(2, itemId).bind(3, std::string_view(author)).bind(4, now);
        return s.bindTextOrNull(5, extra).exec();
    };
    if (workers.empty())
        workers.push_back(reviewer.author);
    for (const std::string &w : workers)
        if (auto r = retract(w); !r)
            return fail(r.error());
    Statement &m = m_store.stmt("DELETE FROM work_marks WHERE job=?");
    if (auto r = m.bind(1, jobId).exec(); !r)
        return fail(r.error());
    return int(workers.size());
}

Result<> SqliteTransaction::setSplit(int64_t itemId, const std::string &split)
{
    Statement &u = m_store.stmt("UPDATE items SET split=? WHERE id=?");
    u.bindTextOrNull(1, split);
    if (auto r = u.bind(2, itemId).exec(); !r)
        return r;
    if (sqlite3_changes(m_store.m_db) == 0)
        return fail(Error::notFound("no item " + std::to_string(itemId)));
    return {};
}

Result<> SqliteTransaction::saveJob(Job &job)
{
    return m_store.writeJob(job);
}

Result<> SqliteTransaction::commit()
{
    if (auto r = sql::exec(m_store.m_db, "COMMIT"); !r)
        return r; // still open: the destructor rolls back
    m_open = false;
    return {};
}

} // namespace sqlite_detail

Result<std::unique_ptr<ProjectStore>> ProjectStore::open(const std::string &path, OpenMode mode)
{
    if (pg::isServerUrl(path))
        return openServerProject(path, mode);
    auto store = std::make_unique<sqlite_detail::SqliteStore>();
    if (auto r = store->openFile(path, mode); !r)
        return fail(r.error());
    return std::unique_ptr<ProjectStore>(std::move(store));
}

} // namespace gw::datasets
