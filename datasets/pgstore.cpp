// The PostgreSQL implementation of ProjectStore: a project on a team server that several annotators use at once.
// The tables mirror the project file's (schema.cpp, version 9); the roles annotator, reviewer and lead are
// PostgreSQL roles whose rights the server enforces itself with GRANTs and row-level security, so that a program
// connected as an annotator cannot do more than an annotator may, whatever it sends. Every query is parameterised.

#include "datasets/pgstore_p.h"

#include "datasets/mask.h"
#include "datasets/payload.h"
#include "datasets/schema.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <map>

namespace gw::datasets::pg_detail {

namespace {

#define GW_PG_ITEM_COLUMNS "items.id, items.kind, items.uri, items.text, items.width, items.height, items.flags, " \
                           "items.split, items.batch, items.extra"
#define GW_PG_ANNOTATION_COLUMNS                                                                                      \
    "id, job, item, source, human, author, payload, mask, confidence, time_spent_ms, created_us, extra, deleted, "     \
    "superseded_us"

constexpr int kPage = 2000;

/// Walks pages that a function fetches (each page after the last row of the one before), without holding a result
/// or a transaction open between them: callers query the store while they walk. Pages start small and grow (64,
/// 256, 1024, then kPage rows), so that a list's first screen does not wait for thousands of rows.
template<typename T>
class PagedCursor final : public Cursor<T>
{
public:
    using Fetch = std::function<Result<std::vector<T>>(const T *last, int64_t rows)>;
    explicit PagedCursor(Fetch fetch) : m_fetch(std::move(fetch)) {}
    Result<bool> next(T &out) override
    {
        if (m_at >= m_page.size()) {
            if (m_done)
                return false;
            auto page = m_fetch(m_hasLast ? &m_last : nullptr, m_rows);
            if (!page)
                return fail(page.error());
            m_page = std::move(*page);
            m_at = 0;
            m_done = int64_t(m_page.size()) < m_rows;
            m_rows = std::min<int64_t>(m_rows * 4, kPage);
            if (m_page.empty())
                return false;
        }
        out = std::move(m_page[m_at++]);
        if (m_at == m_page.size()) { // the key of the next page
            m_last = out;
            m_hasLast = true;
        }
        return true;
    }

private:
    Fetch m_fetch;
    std::vector<T> m_page;
    T m_last{};
    size_t m_at = 0;
    int64_t m_rows = 64;
    bool m_done = false, m_hasLast = false;
};

} // namespace

PgStore::~PgStore() = default;

// ---- opening ----

Result<> PgStore::openUrl(const std::string &url, OpenMode mode)
{
    m_location = pg::redacted(url);
    if (auto r = m_db.open(url); !r)
        return r;
    auto app = q("SELECT value FROM meta WHERE key='application'");
    const bool isProject = app && !app->empty() && app->text(0, 0) == "groundwork";
    if (mode == OpenMode::Create) {
        if (isProject)
            return fail(Error::conflict(m_location + ": this database holds a Groundwork project already"));
        auto tables = q("SELECT COUNT(*) FROM pg_tables WHERE schemaname='public'");
        if (!tables)
            return fail(tables.error());
        if (tables->integer(0, 0) != 0)
            return fail(Error::invalid(m_location + ": the database has tables of its own; a team project needs an "
                                                    "empty database (createdb NAME)"));
        if (auto r = createSchema(); !r)
            return r;
    } else if (!isProject) {
        if (!app && app.error().code == Error::Code::Io)
            return fail(app.error());
        return fail(Error::invalid(m_location + ": not a Groundwork project (the database has no Groundwork tables; "
                                                "gw server init makes one)"));
    }
    auto version = q("SELECT value FROM meta WHERE key='schema_version'");
    if (!version)
        return fail(version.error());
    m_version = version->empty() ? 0 : std::atoi(std::string(version->text(0, 0)).c_str());
    if (m_version > schema::latestVersion())
        return fail(Error::invalid(m_location + ": this project was written by a newer Groundwork (schema version "
                                   + std::to_string(m_version) + "; this program knows up to "
                                   + std::to_string(schema::latestVersion()) + ")"));
    if (m_version < schema::latestVersion())
        return fail(Error::invalid(m_location + ": the team server holds schema version " + std::to_string(m_version)
                                   + "; this program needs " + std::to_string(schema::latestVersion())
                                   + " (the team lead upgrades it)"));
    // Media paths are resolved per person: the shared media may be mounted at another place on each computer.
    if (const char *root = std::getenv("GW_MEDIA_ROOT"); root && *root) {
        m_mediaRoot = root;
    } else if (auto stored = setting("media.root"); stored && !stored->empty()
                                                    && std::filesystem::is_directory(*stored)) {
        m_mediaRoot = *stored;
    } else {
        std::error_code ec;
        m_mediaRoot = std::filesystem::current_path(ec).string();
    }
    return {};
}

Result<Rows> PgStore::q(const std::string &sql, Params &p, const char *key) const
{
    if (m_db.broken() && !m_inTransaction) // the server went away earlier: try again now
        (void)m_db.reconnect();
    auto r = m_db.exec(sql, p, key);
    if (!r && r.error().code == Error::Code::Io && !m_inTransaction && m_db.broken()) {
        // The server restarted or the network blinked between two queries: nothing was half-done, so run it again.
        if (m_db.reconnect())
            r = m_db.exec(sql, p, key);
    }
    return r;
}

Result<Rows> PgStore::q(const std::string &sql, const char *key) const
{
    Params none;
    return q(sql, none, key);
}

Result<std::unique_ptr<WriteTransaction>> PgStore::begin()
{
    if (m_inTransaction)
        return fail(Error::internal(m_location + ": a write transaction is open already"));
    if (auto r = q("BEGIN", "begin"); !r)
        return fail(r.error());
    m_inTransaction = true;
    return std::make_unique<PgTransaction>(*this);
}

Result<> PgStore::inTransaction(const std::function<Result<>(PgTransaction &)> &fn)
{
    for (int attempt = 0;; ++attempt) {
        auto t = begin();
        if (!t)
            return fail(t.error());
        auto &tx = static_cast<PgTransaction &>(**t);
        Result<> r = fn(tx);
        if (r)
            r = tx.commit();
        if (r || r.error().code != Error::Code::Busy || attempt >= 5)
            return r;
        // A deadlock's victim: everything it did was rolled back, so it runs again.
    }
}

Result<> PgStore::runInTransaction(const std::function<Result<>(WriteTransaction &)> &fn)
{
    return inTransaction([&](PgTransaction &tx) { return fn(tx); });
}

Result<> PgStore::resetMarks(int64_t jobId)
{
    Params p;
    if (auto r = q("SELECT pg_advisory_xact_lock(" + p.ref(kMarksLock) + ")", p, "marks-lock"); !r)
        return fail(r.error());
    Params d;
    if (auto r = q("DELETE FROM work_marks WHERE job=" + d.ref(jobId), d, "marks-reset"); !r)
        return fail(r.error());
    return {};
}

// ---- items ----

void PgStore::readItemInto(const Rows &r, int row, Item &it)
{
    it.id = r.integer(row, 0);
    it.kind = MediaKind(r.integer(row, 1));
    it.uri.assign(r.text(row, 2));
    it.text.assign(r.text(row, 3));
    it.width = int(r.integer(row, 4));
    it.height = int(r.integer(row, 5));
    it.flags = int(r.integer(row, 6));
    it.split.assign(r.text(row, 7));
    it.batch = r.integer(row, 8);
    it.extra.assign(r.text(row, 9));
}

Result<Item> PgStore::item(int64_t id) const
{
    Params p;
    auto r = q("SELECT " GW_PG_ITEM_COLUMNS " FROM items WHERE id=" + p.ref(id), p, "item");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return fail(Error::notFound("no item with id " + std::to_string(id)));
    Item it;
    readItemInto(*r, 0, it);
    return it;
}

Result<std::optional<Item>> PgStore::itemByUri(const std::string &uri) const
{
    Params p;
    auto r = q("SELECT " GW_PG_ITEM_COLUMNS " FROM items WHERE uri=" + p.ref(uri) + " ORDER BY id LIMIT 1", p,
               "item-by-uri");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return std::optional<Item>();
    Item it;
    readItemInto(*r, 0, it);
    return std::optional<Item>(std::move(it));
}

Result<std::optional<std::string>> PgStore::itemUnder(const std::string &uri) const
{
    std::string base = uri;
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    Params p;
    const std::string b = p.ref(base);
    auto r = q("SELECT uri FROM items WHERE uri=" + b + " OR (uri>" + b + "||'/' AND uri<" + b + "||'0') LIMIT 1", p,
               "item-under");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return std::optional<std::string>();
    return std::optional<std::string>(std::string(r->text(0, 0)));
}

namespace {

/// FROM and WHERE of an item query, as the file store's (SqliteStore::whereClause): a filter on the current label
/// joins it, "not labeled" is an anti-join; key is the column to page and order by.
std::string whereClause(const ItemFilter &f, Params &p, std::string &key)
{
    const bool annotationFilter = f.jobId && (f.labeled.has_value() || f.classId || f.source || f.author);
    const bool join = annotationFilter && f.labeled.value_or(true);
    // A class: the job's labels of that class in item order (label_classes), the label itself joined for the rest.
    const bool byClass = join && f.classId;
    key = byClass ? "lc.item" : join ? "a.item" : "items.id";
    std::string cond;
    if (annotationFilter) {
        const std::string job = p.ref(f.jobId);
        cond = "a.job=" + job + " AND a.superseded_us IS NULL AND a.deleted=0";
        if (f.source)
            cond += " AND a.source=" + std::to_string(int(*f.source));
        if (f.author)
            cond += " AND a.author=" + p.ref(*f.author);
        if (f.classId && !byClass)
            cond += " AND EXISTS(SELECT 1 FROM label_classes lc WHERE lc.job=a.job AND lc.item=a.item AND lc.class="
                    + std::to_string(*f.classId) + ")";
        if (byClass)
            cond = "lc.job=" + job + " AND lc.class=" + std::to_string(*f.classId) + " AND " + cond;
    }
    std::string w = byClass ? " FROM label_classes lc JOIN items ON items.id=lc.item JOIN annotations a ON "
                              "a.item=lc.item AND a.job=lc.job WHERE " + cond + " AND "
                    : join  ? " FROM items JOIN annotations a ON a.item=items.id WHERE " + cond + " AND "
                            : std::string(" FROM items WHERE ");
    w += key + " > " + p.ref(f.afterId);
    if (f.beforeId > 0)
        w += " AND " + key + " < " + p.ref(f.beforeId);
    if (f.kind)
        w += " AND items.kind=" + std::to_string(int(*f.kind));
    if (f.flaggedOnly)
        w += " AND items.flags<>0";
    if (annotationFilter && !join)
        w += " AND NOT EXISTS(SELECT 1 FROM annotations a WHERE a.item=items.id AND " + cond + ")";
    return w;
}

} // namespace

Result<int64_t> PgStore::countItems(const ItemFilter &f) const
{
    const bool onlyLabeledInJob = f.jobId && f.labeled == true && !f.classId && !f.source && !f.author && !f.kind
                                  && !f.flaggedOnly && f.afterId == 0 && f.beforeId == 0;
    if (onlyLabeledInJob) {
        Params p;
        auto r = q("SELECT COUNT(*) FROM annotations WHERE job=" + p.ref(f.jobId)
                       + " AND superseded_us IS NULL AND deleted=0",
                   p, "count-labeled");
        if (!r)
            return fail(r.error());
        return r->integer(0, 0);
    }
    Params p;
    std::string key;
    const std::string sql = "SELECT COUNT(*)" + whereClause(f, p, key);
    auto r = q(sql, p);
    if (!r)
        return fail(r.error());
    return r->integer(0, 0);
}

Result<std::vector<Item>> PgStore::itemPage(const ItemFilter &f) const
{
    Params p;
    std::string key;
    std::string sql = "SELECT " GW_PG_ITEM_COLUMNS + whereClause(f, p, key) + " ORDER BY " + key
                      + (f.descending ? " DESC" : "") + " LIMIT " + std::to_string(f.limit);
    auto r = q(sql, p);
    if (!r)
        return fail(r.error());
    std::vector<Item> out(size_t(r->size()));
    for (int i = 0; i < r->size(); ++i)
        readItemInto(*r, i, out[size_t(i)]);
    return out;
}

Result<std::unique_ptr<Cursor<Item>>> PgStore::itemCursor(const ItemFilter &filter) const
{
    // Keyset paging by id (pages growing to kPage items), so that a walk over a million items neither loads them at once
    // nor keeps a transaction open on the server.
    auto remaining = std::make_shared<int64_t>(filter.limit);
    auto fetch = [this, filter, remaining](const Item *last, int64_t rows) -> Result<std::vector<Item>> {
        ItemFilter f = filter;
        if (last) {
            if (f.descending)
                f.beforeId = last->id;
            else
                f.afterId = last->id;
        }
        f.limit = *remaining >= 0 ? std::min<int64_t>(*remaining, rows) : rows;
        if (f.limit == 0)
            return std::vector<Item>();
        auto page = itemPage(f);
        if (page && *remaining >= 0)
            *remaining -= int64_t(page->size());
        return page;
    };
    return std::unique_ptr<Cursor<Item>>(new PagedCursor<Item>(fetch));
}

Result<> PgStore::setItemFlags(int64_t id, int flags)
{
    if (flags == ItemOk)
        return inTransaction([&](PgTransaction &) -> Result<> {
            Params p;
            if (auto r = q("UPDATE items SET flags=" + p.ref(flags) + " WHERE id=" + p.ref(id), p, "set-flags"); !r)
                return fail(r.error());
            // An item back in the dataset may need answers again: hand-outs walk from the start once more.
            Params l;
            if (auto r = q("SELECT pg_advisory_xact_lock(" + l.ref(kMarksLock) + ")", l, "marks-lock"); !r)
                return fail(r.error());
            if (auto r = q("DELETE FROM work_marks", "marks-clear"); !r)
                return fail(r.error());
            return {};
        });
    Params p;
    if (auto r = q("UPDATE items SET flags=" + p.ref(flags) + " WHERE id=" + p.ref(id), p, "set-flags"); !r)
        return fail(r.error());
    return {};
}

Result<int64_t> PgStore::newImportBatch(const std::string &description)
{
    Params p;
    auto r = q("INSERT INTO import_batches(description, created_us) VALUES(" + p.ref(description) + ", "
                   + p.ref(nowUs()) + ") RETURNING id",
               p);
    if (!r)
        return fail(r.error());
    return r->integer(0, 0);
}

// ---- annotations ----

Result<> PgStore::readAnnotationInto(const Rows &r, int row, Annotation &a)
{
    a.id = r.integer(row, 0);
    a.jobId = r.integer(row, 1);
    a.itemId = r.integer(row, 2);
    a.provenance.source = Source(r.integer(row, 3));
    a.provenance.humanAnnotated = r.integer(row, 4) != 0;
    a.provenance.author.assign(r.text(row, 5));
    const std::string mask = r.isNull(row, 7) ? std::string() : r.bytes(row, 7);
    if (auto d = decodePayloadInto(r.text(row, 6), mask, a.payload); !d)
        return d;
    a.provenance.confidence.reset();
    if (!r.isNull(row, 8))
        a.provenance.confidence = r.real(row, 8);
    a.provenance.timeSpentMs = r.integer(row, 9);
    a.provenance.createdUs = r.integer(row, 10);
    a.extra.assign(r.text(row, 11));
    return {};
}

Result<std::vector<Annotation>> PgStore::annotationRows(const std::string &sql, Params &p) const
{
    auto r = q(sql, p);
    if (!r)
        return fail(r.error());
    std::vector<Annotation> out(size_t(r->size()));
    for (int i = 0; i < r->size(); ++i)
        if (auto d = readAnnotationInto(*r, i, out[size_t(i)]); !d)
            return fail(d.error());
    return out;
}

Result<std::optional<Annotation>> PgStore::currentAnnotation(int64_t jobId, int64_t itemId) const
{
    Params p;
    auto r = q("SELECT " GW_PG_ANNOTATION_COLUMNS " FROM annotations WHERE job=" + p.ref(jobId) + " AND item="
                   + p.ref(itemId) + " AND superseded_us IS NULL AND deleted=0",
               p, "current");
    if (!r)
        return fail(r.error());
    if (r->empty())
        return std::optional<Annotation>();
    Annotation a;
    if (auto d = readAnnotationInto(*r, 0, a); !d)
        return fail(d.error());
    return std::optional<Annotation>(std::move(a));
}

auto PgStore::history(int64_t jobId, int64_t itemId) const -> Result<std::vector<HistoryEntry>>
{
    Params p;
    auto r = q("SELECT " GW_PG_ANNOTATION_COLUMNS " FROM annotations WHERE job=" + p.ref(jobId) + " AND item="
                   + p.ref(itemId) + " ORDER BY id",
               p, "history");
    if (!r)
        return fail(r.error());
    std::vector<HistoryEntry> out(size_t(r->size()));
    for (int i = 0; i < r->size(); ++i) {
        if (auto d = readAnnotationInto(*r, i, out[size_t(i)].annotation); !d)
            return fail(d.error());
        out[size_t(i)].deleted = r->integer(i, 12) != 0;
        out[size_t(i)].supersededUs = r->integer(i, 13);
    }
    return out;
}

Result<std::vector<std::string>> PgStore::authors(int64_t jobId) const
{
    // A skip scan over annotations_current_author, one probe per name.
    std::vector<std::string> out;
    std::string last;
    while (true) {
        Params p;
        auto r = q("SELECT author FROM annotations WHERE job=" + p.ref(jobId) + " AND author>" + p.ref(last)
                       + " AND superseded_us IS NULL AND deleted=0 ORDER BY author LIMIT 1",
                   p, "authors");
        if (!r)
            return fail(r.error());
        if (r->empty())
            break;
        last = std::string(r->text(0, 0));
        out.push_back(last);
    }
    return out;
}

Result<std::vector<Annotation>> PgStore::annotationPage(int64_t jobId, int64_t afterItem) const
{
    Params p;
    const std::string sql = "SELECT " GW_PG_ANNOTATION_COLUMNS " FROM annotations WHERE job=" + p.ref(jobId)
                            + " AND superseded_us IS NULL AND deleted=0 AND item>" + p.ref(afterItem)
                            + " ORDER BY item LIMIT " + std::to_string(kPage);
    return annotationRows(sql, p);
}

Result<std::unique_ptr<Cursor<Annotation>>> PgStore::annotationCursor(int64_t jobId) const
{
    auto fetch = [this, jobId](const Annotation *last, int64_t) { return annotationPage(jobId, last ? last->itemId : 0); };
    return std::unique_ptr<Cursor<Annotation>>(new PagedCursor<Annotation>(fetch));
}

/// Walks the rows `select` gives for a range of items (?1 the job, ?2 < item <= ?3), a few thousand items at a time.
Result<> PgStore::walkAnswers(int64_t jobId, const std::string &select,
                              const std::function<bool(const Annotation &)> &fn) const
{
    int64_t after = 0;
    while (true) {
        Params b;
        auto bound = q("SELECT MAX(item) FROM (SELECT item FROM annotations WHERE job=" + b.ref(jobId)
                           + " AND item>" + b.ref(after) + " ORDER BY item LIMIT "
                           + std::to_string(kPage) + ") x",
                       b, "answers-bound");
        if (!bound)
            return fail(bound.error());
        if (bound->isNull(0, 0))
            return {};
        const int64_t upTo = bound->integer(0, 0);
        Params p;
        p.ref(jobId);
        p.ref(after);
        p.ref(upTo);
        auto rows = annotationRows(select, p);
        if (!rows)
            return fail(rows.error());
        for (const Annotation &a : *rows)
            if (!fn(a))
                return {};
        after = upTo;
    }
}

Result<> PgStore::forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const
{
    return walkAnswers(jobId,
                       "SELECT " GW_PG_ANNOTATION_COLUMNS " FROM annotations WHERE job=$1 AND item>$2 AND item<=$3 "
                       "AND deleted=0 AND human=1 AND source<>" + std::to_string(int(Source::Auto)) + " ORDER BY item, id",
                       fn);
}

Result<> PgStore::forEachAnswer(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const
{
    // Each worker's latest version by the time it was given (then by id), unless it is a deletion.
    return walkAnswers(jobId,
                       "SELECT " GW_PG_ANNOTATION_COLUMNS " FROM (SELECT DISTINCT ON (item, author) * FROM annotations "
                       "WHERE job=$1 AND item>$2 AND item<=$3 AND source=0 ORDER BY item, author, created_us DESC, id DESC) x "
                       "WHERE deleted=0 ORDER BY item, id",
                       fn);
}

Result<ProjectSummary> PgStore::summary() const
{
    ProjectSummary sum;
    auto s = q("SELECT COUNT(*), COUNT(*) FILTER (WHERE kind=0), COUNT(*) FILTER (WHERE kind=1), "
               "COUNT(*) FILTER (WHERE flags<>0) FROM items",
               "summary-items");
    if (!s)
        return fail(s.error());
    sum.items = s->integer(0, 0);
    sum.images = s->integer(0, 1);
    sum.texts = s->integer(0, 2);
    sum.flagged = s->integer(0, 3);
    auto js = jobs();
    if (!js)
        return fail(js.error());
    for (const Job &j : *js) {
        ProjectSummary::JobCount jc;
        jc.job = j.name;
        jc.type = std::string(taskInfo(j.type).id);
        Params p;
        auto bySource = q("SELECT source, COUNT(*) FROM annotations WHERE job=" + p.ref(j.id)
                              + " AND superseded_us IS NULL AND deleted=0 GROUP BY source ORDER BY source",
                          p, "summary-sources");
        if (!bySource)
            return fail(bySource.error());
        for (int i = 0; i < bySource->size(); ++i) {
            jc.bySource.emplace_back(std::string(sourceName(Source(bySource->integer(i, 0)))), bySource->integer(i, 1));
            jc.labeled += bySource->integer(i, 1);
        }
        Params c;
        auto perClass = q("SELECT class, COUNT(DISTINCT item) FROM label_classes WHERE job=" + c.ref(j.id)
                              + " GROUP BY class",
                          c, "summary-classes");
        if (!perClass)
            return fail(perClass.error());
        std::map<int, int64_t> counts;
        for (int i = 0; i < perClass->size(); ++i)
            counts[int(perClass->integer(i, 0))] = perClass->integer(i, 1);
        for (const LabelClass &cls : j.classes)
            jc.byClass.emplace_back(cls.name, counts.count(cls.id) ? counts[cls.id] : 0);
        sum.jobs.push_back(std::move(jc));
    }
    return sum;
}

// ---- transactions ----

PgTransaction::~PgTransaction()
{
    if (m_open) {
        (void)m_store.m_db.exec("ROLLBACK");
        m_store.m_inTransaction = false;
    }
}

Result<> PgTransaction::addItem(Item &item)
{
    Params p;
    const std::string sql = "INSERT INTO items(kind, uri, text, width, height, flags, split, batch, extra) VALUES("
                            + p.ref(int(item.kind)) + "," + p.refOrNull(item.uri) + "," + p.refOrNull(item.text) + ","
                            + p.ref(item.width) + "," + p.ref(item.height) + "," + p.ref(item.flags) + ","
                            + p.refOrNull(item.split) + ","
                            + (item.batch ? p.ref(item.batch) : p.refNull()) + "::bigint," + p.refOrNull(item.extra)
                            + ") RETURNING id";
    auto r = m_store.q(sql, p, "add-item");
    if (!r)
        return fail(r.error());
    item.id = r->integer(0, 0);
    return {};
}

Result<> PgTransaction::lockLabel(int64_t jobId, int64_t itemId)
{
    // A row lock on the item (kept in the row itself, so an import of a million labels in one transaction holds a
    // million of them without filling the server's lock table, as advisory locks did). NO KEY UPDATE: label inserts'
    // foreign-key checks on the item do not wait for it.
    (void)jobId;
    Params p;
    if (auto r = m_store.q("SELECT 1 FROM items WHERE id=" + p.ref(itemId) + " FOR NO KEY UPDATE", p, "label-lock"); !r)
        return fail(r.error());
    return {};
}

Result<> PgTransaction::insertVersion(Annotation &a, int64_t createdUs, const std::string &maskClasses,
                                      int64_t supersededUs)
{
    const Provenance &pv = a.provenance;
    Params p;
    const std::string sql =
        "INSERT INTO annotations(job, item, source, human, author, payload, mask, confidence, time_spent_ms, created_us, "
        "extra, mask_classes, superseded_us) VALUES(" + p.ref(a.jobId) + "," + p.ref(a.itemId) + ","
        + p.ref(int(pv.source)) + "," + p.ref(pv.humanAnnotated ? 1 : 0) + "," + p.ref(pv.author) + ","
        + p.ref(encodePayload(a.payload)) + "," + (a.payload.mask.empty() ? p.refNull() : p.refBytes(a.payload.mask))
        + "::bytea," + (pv.confidence ? p.ref(*pv.confidence) : p.refNull()) + "::double precision,"
        + p.ref(pv.timeSpentMs) + "," + p.ref(createdUs) + "," + p.refOrNull(a.extra) + "," + p.refOrNull(maskClasses)
        + "," + (supersededUs ? p.ref(supersededUs) : p.refNull()) + "::bigint) RETURNING id";
    auto r = m_store.q(sql, p, "insert-version");
    if (!r)
        return fail(r.error());
    a.id = r->integer(0, 0);
    return {};
}

Result<> PgTransaction::putAnnotation(Annotation &a)
{
    std::string maskClasses;
    if (!a.payload.mask.empty() || !a.payload.instances.empty()) {
        auto ids = storedClassList(a.payload);
        if (!ids)
            return fail(Error::invalid("the mask of item " + std::to_string(a.itemId) + ": " + ids.error().message));
        maskClasses = std::move(*ids);
    }
    if (auto r = lockLabel(a.jobId, a.itemId); !r)
        return r;
    const int64_t supersededAt = nowUs();
    const int64_t now = a.provenance.createdUs ? a.provenance.createdUs : supersededAt;
    Params p;
    if (auto r = m_store.q("UPDATE annotations SET superseded_us=" + p.ref(supersededAt) + " WHERE job=" + p.ref(a.jobId)
                               + " AND item=" + p.ref(a.itemId) + " AND superseded_us IS NULL",
                           p, "supersede");
        !r)
        return fail(r.error());
    if (auto r = insertVersion(a, now, maskClasses, 0); !r)
        return r;
    a.provenance.createdUs = now;
    return {};
}

Result<> PgTransaction::addAnswer(Annotation &a)
{
    if (auto r = lockLabel(a.jobId, a.itemId); !r)
        return r;
    Params p;
    auto c = m_store.q("SELECT created_us FROM annotations WHERE job=" + p.ref(a.jobId) + " AND item=" + p.ref(a.itemId)
                           + " AND superseded_us IS NULL",
                       p, "current-created");
    if (!c)
        return fail(c.error());
    const bool newer = !c->empty() && c->integer(0, 0) > a.provenance.createdUs && a.provenance.createdUs != 0;
    if (!newer)
        return putAnnotation(a);
    return insertVersion(a, a.provenance.createdUs, std::string(), nowUs());
}

Result<> PgTransaction::insertDeletion(int64_t jobId, int64_t itemId, const Provenance &who, int64_t now,
                                       bool superseded, const std::string &extra)
{
    Params p;
    const std::string sql = "INSERT INTO annotations(job, item, source, human, author, payload, created_us, "
                            "superseded_us, deleted, extra) VALUES(" + p.ref(jobId) + "," + p.ref(itemId) + ","
                            + p.ref(int(who.source)) + "," + p.ref(who.humanAnnotated ? 1 : 0) + "," + p.ref(who.author)
                            + ",'{}'," + p.ref(now) + "," + (superseded ? p.ref(now) : p.refNull()) + "::bigint,1,"
                            + p.refOrNull(extra) + ")";
    if (auto r = m_store.q(sql, p, "insert-deletion"); !r)
        return fail(r.error());
    return {};
}

Result<> PgTransaction::clearAnnotation(int64_t jobId, int64_t itemId, const Provenance &who)
{
    if (auto r = lockLabel(jobId, itemId); !r)
        return r;
    const int64_t now = nowUs();
    Params p;
    auto u = m_store.q("UPDATE annotations SET superseded_us=" + p.ref(now) + " WHERE job=" + p.ref(jobId) + " AND item="
                           + p.ref(itemId) + " AND superseded_us IS NULL AND deleted=0",
                       p, "supersede-live");
    if (!u)
        return fail(u.error());
    if (u->affected() == 0)
        return {};
    if (auto r = insertDeletion(jobId, itemId, who, now, false); !r)
        return r;
    return m_store.resetMarks(jobId);
}

Result<> PgTransaction::withdrawAnswer(int64_t jobId, int64_t itemId, const Provenance &who)
{
    if (auto r = lockLabel(jobId, itemId); !r)
        return r;
    Params p;
    auto c = m_store.q("SELECT source, author FROM annotations WHERE job=" + p.ref(jobId) + " AND item=" + p.ref(itemId)
                           + " AND superseded_us IS NULL AND deleted=0",
                       p, "current-source");
    if (!c)
        return fail(c.error());
    const bool theirs = !c->empty() && c->integer(0, 0) == int64_t(Source::Human) && c->text(0, 1) == who.author;
    if (theirs)
        return clearAnnotation(jobId, itemId, who);
    Provenance answer = who;
    answer.source = Source::Human;
    answer.humanAnnotated = true;
    if (auto r = insertDeletion(jobId, itemId, answer, nowUs(), true); !r)
        return r;
    return m_store.resetMarks(jobId);
}

Result<int> PgTransaction::sendBack(int64_t jobId, int64_t itemId, const Provenance &reviewer, const std::string &extra)
{
    if (auto r = lockLabel(jobId, itemId); !r)
        return fail(r.error());
    Params c;
    auto labelled = m_store.q("SELECT 1 FROM annotations WHERE job=" + c.ref(jobId) + " AND item=" + c.ref(itemId)
                                  + " AND superseded_us IS NULL AND deleted=0",
                              c, "is-labelled");
    if (!labelled)
        return fail(labelled.error());
    if (labelled->empty())
        return 0;
    Params a;
    auto answerers = m_store.q("SELECT author FROM (SELECT DISTINCT ON (author) author, deleted FROM annotations WHERE job="
                                   + a.ref(jobId) + " AND item=" + a.ref(itemId)
                                   + " AND source=0 ORDER BY author, created_us DESC, id DESC) x WHERE deleted=0 "
                                     "ORDER BY author",
                               a, "answerers-sorted");
    if (!answerers)
        return fail(answerers.error());
    std::vector<std::string> workers;
    for (int i = 0; i < answerers->size(); ++i)
        workers.emplace_back(answerers->text(i, 0));
    if (workers.empty())
        workers.push_back(reviewer.author);
    const int64_t now = nowUs();
    for (const std::string &w : workers) {
        Params u;
        if (auto r = m_store.q("UPDATE annotations SET superseded_us=" + u.ref(now) + " WHERE job=" + u.ref(jobId)
                                   + " AND item=" + u.ref(itemId) + " AND superseded_us IS NULL",
                               u, "supersede");
            !r)
            return fail(r.error());
        Provenance who;
        who.source = Source::Human;
        who.humanAnnotated = true;
        who.author = w;
        if (auto r = insertDeletion(jobId, itemId, who, now, false, extra); !r)
            return fail(r.error());
    }
    if (auto r = m_store.resetMarks(jobId); !r)
        return fail(r.error());
    return int(workers.size());
}

Result<> PgTransaction::setSplit(int64_t itemId, const std::string &split)
{
    Params p;
    auto r = m_store.q("UPDATE items SET split=" + p.refOrNull(split) + " WHERE id=" + p.ref(itemId), p, "set-split");
    if (!r)
        return fail(r.error());
    if (r->affected() == 0)
        return fail(Error::notFound("no item " + std::to_string(itemId)));
    return {};
}

Result<> PgTransaction::saveJob(Job &job)
{
    return m_store.writeJob(job);
}

Result<> PgTransaction::commit()
{
    auto r = m_store.m_db.exec("COMMIT");
    m_open = false; // a failed COMMIT ends the transaction too (PostgreSQL rolls it back)
    m_store.m_inTransaction = false;
    if (!r)
        return fail(r.error());
    return {};
}

} // namespace gw::datasets::pg_detail

namespace gw::datasets {

Result<std::unique_ptr<ProjectStore>> openServerProject(const std::string &url, ProjectStore::OpenMode mode)
{
    auto store = std::make_unique<pg_detail::PgStore>();
    if (auto r = store->openUrl(url, mode); !r)
        return fail(r.error());
    return std::unique_ptr<ProjectStore>(std::move(store));
}

} // namespace gw::datasets
