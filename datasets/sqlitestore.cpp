// The SQLite implementation of ProjectStore: one database file per project, WAL mode, every write in a short
// BEGIN IMMEDIATE transaction so that two processes writing at once queue up instead of failing.

#include "datasets/projectstore.h"

#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/payload.h"
#include "datasets/schema.h"
#include "datasets/sqlite.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <utility>

namespace gw::datasets {

int64_t nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

namespace fs = std::filesystem;
using sql::Statement;

constexpr int kBusyTimeoutMs = 60000;

Job readJobRow(const Statement &s)
{
    Job j;
    j.id = s.columnInt(0);
    j.name = std::string(s.columnText(1));
    j.type = taskFromId(s.columnText(2)).value_or(TaskType::ImageClassification);
    j.instructions = std::string(s.columnText(3));
    j.annotatorsPerItem = int(s.columnInt(4));
    json::Value settings;
    if (json::parse(s.columnText(5), settings))
        if (const json::Value *o = settings.find("allowOverlap"))
            j.allowOverlap = o->toBool();
    j.createdUs = s.columnInt(6);
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
    Result<> clearAnnotation(int64_t jobId, int64_t itemId, const Provenance &who) override;
    Result<> setSplit(int64_t itemId, const std::string &split) override;
    Result<> saveJob(Job &job) override;
    Result<> commit() override;

    bool m_open = true;

private:
    SqliteStore &m_store;
};

class SqliteStore final : public ProjectStore
{
public:
    ~SqliteStore() override
    {
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
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
                          | (mode == OpenMode::Create ? SQLITE_OPEN_CREATE : 0);
        int rc = sqlite3_open_v2(m_path.c_str(), &m_db, flags, nullptr);
        if (rc != SQLITE_OK)
            return fail(sql::errorFrom(m_db, rc, m_path + ": cannot open project"));
        sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
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

    std::string path() const override { return m_path; }
    std::string projectDir() const override { return m_dir; }
    int schemaVersion() const override { return m_version; }

    Result<std::unique_ptr<WriteTransaction>> begin() override
    {
        if (auto r = sql::exec(m_db, "BEGIN IMMEDIATE"); !r)
            return fail(r.error());
        return std::make_unique<SqliteTransaction>(*this);
    }

    // ---- items ----

    static Result<> readItemInto(const Statement &s, Item &it)
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

    static Item readItem(const Statement &s)
    {
        Item it;
        (void)readItemInto(s, it);
        return it;
    }

#define GW_ITEM_COLUMNS "items.id, kind, uri, text, width, height, flags, split, batch, extra"

    Result<Item> item(int64_t id) const override
    {
        auto s = prepared("SELECT " GW_ITEM_COLUMNS " FROM items WHERE id=?");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, id);
        if (!(*s)->step()) {
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
            return fail(Error::notFound("no item with id " + std::to_string(id)));
        }
        return readItem(**s);
    }

    Result<std::optional<Item>> itemByUri(const std::string &uri) const override
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

    /// FROM and WHERE of an item query: ?1 afterId, ?2 the job, ?3 beforeId, ?4 the author. A filter on the
    /// current label joins it (at most one per item and job), so that SQLite walks whichever index is narrower:
    /// the items, or the job's current labels by source or author. "Not labeled" stays an anti-join. key is
    /// the column to page and order by.
    static std::string whereClause(const ItemFilter &f, std::string &key)
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
            // instr() first: the class id's digits are in the payload text whenever the class is, and it costs
            // far less than walking the JSON of every label.
            const std::string c = std::to_string(*f.classId);
            cond += " AND instr(a.payload,'" + c + "')>0"
                    " AND (EXISTS(SELECT 1 FROM json_each(a.payload,'$.c') WHERE value=" + c
                    + ") OR EXISTS(SELECT 1 FROM json_each(a.payload,'$.b') WHERE json_extract(value,'$[0]')=" + c
                    + ") OR EXISTS(SELECT 1 FROM json_each(a.payload,'$.s') WHERE json_extract(value,'$[0]')=" + c
                    + "))";
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

    static void bindFilter(Statement &s, const ItemFilter &f)
    {
        s.bind(1, f.afterId);
        if (f.jobId)
            s.bind(2, f.jobId);
        if (f.beforeId > 0)
            s.bind(3, f.beforeId);
        if (f.author)
            s.bind(4, std::string_view(*f.author));
    }

    Result<int64_t> countItems(const ItemFilter &f) const override
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

    Result<std::unique_ptr<Cursor<Item>>> itemCursor(const ItemFilter &f) const override
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

    Result<> forEachItem(const ItemFilter &f, const std::function<bool(const Item &)> &fn) const override
    {
        auto c = itemCursor(f);
        if (!c)
            return fail(c.error());
        Item it;
        while (true) {
            auto more = (*c)->next(it);
            if (!more)
                return fail(more.error());
            if (!*more || !fn(it))
                return {};
        }
    }

    Result<> setItemFlags(int64_t id, int flags) override
    {
        auto s = prepared("UPDATE items SET flags=? WHERE id=?");
        if (!s)
            return fail(s.error());
        return (*s)->bind(1, int64_t(flags)).bind(2, id).exec();
    }

    Result<int64_t> newImportBatch(const std::string &description) override
    {
        auto s = prepared("INSERT INTO import_batches(description, created_us) VALUES(?,?)");
        if (!s)
            return fail(s.error());
        if (auto r = (*s)->bind(1, std::string_view(description)).bind(2, nowUs()).exec(); !r)
            return fail(r.error());
        return sqlite3_last_insert_rowid(m_db);
    }

    // ---- jobs ----

    Result<std::vector<LabelClass>> classesOf(int64_t jobId) const
    {
        auto s = prepared("SELECT id, name, color, shortcut, short_name FROM classes WHERE job=? ORDER BY position");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, jobId);
        std::vector<LabelClass> out;
        while ((*s)->step())
            out.push_back({int((*s)->columnInt(0)), std::string((*s)->columnText(1)), std::string((*s)->columnText(2)),
                           std::string((*s)->columnText(3)), std::string((*s)->columnText(4))});
        if (auto st = (*s)->status(); !st)
            return fail(st.error());
        return out;
    }

#define GW_JOB_COLUMNS "id, name, task, instructions, annotators, settings, created_us"

    Result<std::vector<Job>> jobs() const override
    {
        std::vector<Job> out;
        {
            auto s = prepared("SELECT " GW_JOB_COLUMNS " FROM jobs ORDER BY id");
            if (!s)
                return fail(s.error());
            while ((*s)->step())
                out.push_back(readJobRow(**s));
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
        }
        for (Job &j : out) {
            auto c = classesOf(j.id);
            if (!c)
                return fail(c.error());
            j.classes = std::move(*c);
        }
        return out;
    }

    Result<Job> job(const std::string &name) const override
    {
        Job j;
        {
            auto s = prepared("SELECT " GW_JOB_COLUMNS " FROM jobs WHERE name=?");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, std::string_view(name));
            if (!(*s)->step()) {
                if (auto st = (*s)->status(); !st)
                    return fail(st.error());
                return fail(Error::notFound("no job named '" + name + "' in this project"));
            }
            j = readJobRow(**s);
        }
        auto c = classesOf(j.id);
        if (!c)
            return fail(c.error());
        j.classes = std::move(*c);
        return j;
    }

    Result<> writeJob(Job &j)
    {
        json::Object settings;
        settings.set("allowOverlap", j.allowOverlap);
        const std::string settingsText = json::toString(json::Value(std::move(settings)));
        if (j.id == 0) {
            if (!j.createdUs)
                j.createdUs = nowUs();
            auto s = prepared("INSERT INTO jobs(name, task, instructions, annotators, settings, created_us) "
                              "VALUES(?,?,?,?,?,?)");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, std::string_view(j.name)).bind(2, taskInfo(j.type).id).bind(3, std::string_view(j.instructions));
            (*s)->bind(4, int64_t(j.annotatorsPerItem)).bind(5, std::string_view(settingsText)).bind(6, j.createdUs);
            if (auto r = (*s)->exec(); !r) {
                if (r.error().code == Error::Code::Conflict)
                    return fail(Error::conflict("a job named '" + j.name + "' already exists"));
                return r;
            }
            j.id = sqlite3_last_insert_rowid(m_db);
        } else {
            auto s = prepared("UPDATE jobs SET instructions=?, annotators=?, settings=? WHERE id=?");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, std::string_view(j.instructions)).bind(2, int64_t(j.annotatorsPerItem));
            if (auto r = (*s)->bind(3, std::string_view(settingsText)).bind(4, j.id).exec(); !r)
                return r;
        }
        if (auto r = prepared("DELETE FROM classes WHERE job=?"); !r)
            return fail(r.error());
        else if (auto e = (*r)->bind(1, j.id).exec(); !e)
            return e;
        auto ins = prepared("INSERT INTO classes(job, id, position, name, color, shortcut, short_name) VALUES(?,?,?,?,?,?,?)");
        if (!ins)
            return fail(ins.error());
        for (size_t i = 0; i < j.classes.size(); ++i) {
            const LabelClass &c = j.classes[i];
            Statement &s = **ins;
            s.reset();
            s.bind(1, j.id).bind(2, int64_t(c.id)).bind(3, int64_t(i)).bind(4, std::string_view(c.name));
            s.bind(5, std::string_view(c.color)).bind(6, std::string_view(c.shortcut)).bind(7, std::string_view(c.shortName));
            if (auto r = s.exec(); !r)
                return r;
        }
        return {};
    }

    /// Runs fn inside one write transaction.
    Result<> inTransaction(const std::function<Result<>(SqliteTransaction &)> &fn)
    {
        auto t = begin();
        if (!t)
            return fail(t.error());
        auto &tx = static_cast<SqliteTransaction &>(**t);
        if (auto r = fn(tx); !r)
            return r;
        return tx.commit();
    }

    Result<Job> createJob(Job j) override
    {
        j.id = 0;
        if (auto r = inTransaction([&](SqliteTransaction &tx) { return tx.saveJob(j); }); !r)
            return fail(r.error());
        return j;
    }

    Result<> renameClass(int64_t jobId, int classId, const std::string &newName) override
    {
        return inTransaction([&](SqliteTransaction &) -> Result<> {
            auto s = prepared("SELECT name FROM classes WHERE job=? AND id=?");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, jobId).bind(2, int64_t(classId));
            if (!(*s)->step())
                return fail(Error::notFound("no class with id " + std::to_string(classId)));
            const std::string oldName((*s)->columnText(0));
            auto dup = prepared("SELECT 1 FROM classes WHERE job=? AND name=? AND id<>?");
            if (!dup)
                return fail(dup.error());
            (*dup)->bind(1, jobId).bind(2, std::string_view(newName)).bind(3, int64_t(classId));
            if ((*dup)->step())
                return fail(Error::conflict("the job already has a class named '" + newName + "'"));
            auto u = prepared("UPDATE classes SET name=? WHERE job=? AND id=?");
            if (!u)
                return fail(u.error());
            if (auto r = (*u)->bind(1, std::string_view(newName)).bind(2, jobId).bind(3, int64_t(classId)).exec(); !r)
                return r;
            return insertChange("", "rename-class", "job " + std::to_string(jobId) + ": '" + oldName + "' -> '" + newName + "'");
        });
    }

    Result<> setClassShortcut(int64_t jobId, int classId, const std::string &key) override
    {
        return inTransaction([&](SqliteTransaction &) -> Result<> {
            if (!key.empty()) {
                auto dup = prepared("SELECT name FROM classes WHERE job=? AND shortcut=? AND id<>?");
                if (!dup)
                    return fail(dup.error());
                (*dup)->bind(1, jobId).bind(2, std::string_view(key)).bind(3, int64_t(classId));
                if ((*dup)->step())
                    return fail(Error::conflict("'" + key + "' is already the key of class '"
                                                + std::string((*dup)->columnText(0)) + "'"));
            }
            auto u = prepared("UPDATE classes SET shortcut=? WHERE job=? AND id=?");
            if (!u)
                return fail(u.error());
            if (auto r = (*u)->bind(1, std::string_view(key)).bind(2, jobId).bind(3, int64_t(classId)).exec(); !r)
                return r;
            if (sqlite3_changes(m_db) == 0)
                return fail(Error::notFound("no class with id " + std::to_string(classId)));
            return {};
        });
    }

    Result<LabelClass> addClass(int64_t jobId, LabelClass cls) override
    {
        Result<> r = inTransaction([&](SqliteTransaction &tx) -> Result<> {
            auto j = jobById(jobId);
            if (!j)
                return fail(j.error());
            if (j->classByName(cls.name))
                return fail(Error::conflict("the job already has a class named '" + cls.name + "'"));
            cls.id = j->nextClassId();
            if (cls.color.empty())
                cls.color = defaultClassColor(int(j->classes.size()));
            j->classes.push_back(cls);
            return tx.saveJob(*j);
        });
        if (!r)
            return fail(r.error());
        return cls;
    }

    Result<Job> jobById(int64_t id) const
    {
        auto s = prepared("SELECT name FROM jobs WHERE id=?");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, id);
        if (!(*s)->step())
            return fail(Error::notFound("no job with id " + std::to_string(id)));
        return job(std::string((*s)->columnText(0)));
    }

    Result<int64_t> removeClass(int64_t jobId, int classId, std::optional<int> reassignTo,
                                const std::string &author) override
    {
        int64_t touched = 0;
        Result<> r = inTransaction([&](SqliteTransaction &tx) -> Result<> {
            auto j = jobById(jobId);
            if (!j)
                return fail(j.error());
            const LabelClass *cls = j->classById(classId);
            if (!cls)
                return fail(Error::notFound("no class with id " + std::to_string(classId)));
            const std::string removedName = cls->name;
            if (reassignTo && (!j->classById(*reassignTo) || *reassignTo == classId))
                return fail(Error::invalid("cannot reassign to that class"));
            std::vector<Annotation> changed;
            auto each = forEachAnnotation(jobId, [&](const Annotation &a) {
                Annotation b = a;
                if (remapPayload(j->type, b.payload, classId, reassignTo))
                    changed.push_back(std::move(b));
                return true;
            });
            if (!each)
                return each;
            for (Annotation &a : changed) {
                a.provenance.author = author;
                a.provenance.createdUs = nowUs();
                const bool empty = a.payload.classes.empty() && a.payload.boxes.empty() && a.payload.spans.empty()
                                   && a.payload.mask.empty() && a.payload.maskUri.empty();
                auto res = empty && j->type != TaskType::BoundingBox
                               ? tx.clearAnnotation(jobId, a.itemId, a.provenance)
                               : tx.putAnnotation(a);
                if (!res)
                    return res;
            }
            touched = int64_t(changed.size());
            std::erase_if(j->classes, [&](const LabelClass &c) { return c.id == classId; });
            if (auto s = tx.saveJob(*j); !s)
                return s;
            std::string detail = "job '" + j->name + "': removed class '" + removedName + "', "
                                 + std::to_string(touched) + " annotations ";
            detail += reassignTo ? "reassigned to '" + j->classById(*reassignTo)->name + "'" : std::string("dropped it");
            return insertChange(author, "remove-class", detail);
        });
        if (!r)
            return fail(r.error());
        return touched;
    }

    /// Applies a class removal to one payload; true when it changed.
    static bool remapPayload(TaskType type, Payload &p, int classId, std::optional<int> to)
    {
        bool changed = false;
        auto fix = [&](int &id) {
            if (id == classId) {
                changed = true;
                if (to)
                    id = *to;
                return !to; // drop
            }
            return false;
        };
        for (size_t i = 0; i < p.classes.size();) {
            if (fix(p.classes[i])) {
                p.classes.erase(p.classes.begin() + long(i));
                p.classConfidence.erase(p.classConfidence.begin() + long(i));
            } else {
                ++i;
            }
        }
        // A reassignment may make a multi-label set hold a class twice.
        for (size_t i = 0; i < p.classes.size(); ++i)
            for (size_t k = i + 1; k < p.classes.size();)
                if (p.classes[k] == p.classes[i]) {
                    p.classes.erase(p.classes.begin() + long(k));
                    p.classConfidence.erase(p.classConfidence.begin() + long(k));
                } else {
                    ++k;
                }
        std::erase_if(p.boxes, [&](Box &b) { return fix(b.classId); });
        std::erase_if(p.spans, [&](Span &s) { return fix(s.classId); });
        if (type == TaskType::SemanticSegmentation && !p.mask.empty()) {
            auto m = mask::remapClass(p.mask, classId, to);
            if (m && *m != p.mask) {
                p.mask = std::move(*m);
                changed = true;
            }
        }
        return changed;
    }

    // ---- annotations ----

#define GW_ANNOTATION_COLUMNS \
    "id, job, item, source, human, author, payload, mask, confidence, time_spent_ms, created_us, extra, deleted, superseded_us"

    static Result<> readAnnotationInto(const Statement &s, Annotation &a)
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

    static Result<Annotation> readAnnotation(const Statement &s)
    {
        Annotation a;
        if (auto r = readAnnotationInto(s, a); !r)
            return fail(r.error());
        return a;
    }

    Result<std::optional<Annotation>> currentAnnotation(int64_t jobId, int64_t itemId) const override
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

    Result<std::vector<HistoryEntry>> history(int64_t jobId, int64_t itemId) const override
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

    Result<std::unique_ptr<Cursor<Annotation>>> annotationCursor(int64_t jobId) const override
    {
        // Its own statement: callers may query the store while they walk it.
        Statement s(m_db, "SELECT " GW_ANNOTATION_COLUMNS
                          " FROM annotations WHERE job=? AND superseded_us IS NULL AND deleted=0 ORDER BY item");
        if (!s.valid())
            return fail(sql::errorFrom(m_db, sqlite3_errcode(m_db), "cannot list annotations"));
        s.bind(1, jobId);
        return std::unique_ptr<Cursor<Annotation>>(new StatementCursor<Annotation>(std::move(s), readAnnotationInto));
    }

    Result<> forEachAnnotation(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override
    {
        auto c = annotationCursor(jobId);
        if (!c)
            return fail(c.error());
        Annotation a;
        while (true) {
            auto more = (*c)->next(a);
            if (!more)
                return fail(more.error());
            if (!*more || !fn(a))
                return {};
        }
    }

    Result<> forEachHumanVersion(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override
    {
        Statement s(m_db, "SELECT " GW_ANNOTATION_COLUMNS
                          " FROM annotations WHERE job=? AND deleted=0 AND human=1 AND source<>?"
                          " ORDER BY item, id");
        s.bind(1, jobId).bind(2, int64_t(Source::Auto));
        Annotation a;
        while (s.step()) {
            if (auto r = readAnnotationInto(s, a); !r)
                return r;
            if (!fn(a))
                return {};
        }
        return s.status();
    }

    Result<ProjectSummary> summary() const override
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
                ") GROUP BY cls");
            if (!c)
                return fail(c.error());
            (*c)->bind(1, j.id);
            while ((*c)->step())
                perClass[int((*c)->columnInt(0))] = (*c)->columnInt(1);
            if (j.type == TaskType::SemanticSegmentation) {
                auto e = forEachAnnotation(j.id, [&](const Annotation &a) {
                    if (auto ids = mask::classIds(a.payload.mask))
                        for (int id : *ids)
                            ++perClass[id];
                    return true;
                });
                if (!e)
                    return fail(e.error());
            }
            for (const LabelClass &cls : j.classes)
                jc.byClass.emplace_back(cls.name, perClass.count(cls.id) ? perClass[cls.id] : 0);
            sum.jobs.push_back(std::move(jc));
        }
        return sum;
    }

    Result<> putAssignments(int64_t jobId, const std::string &worker, const std::vector<Assignment> &items) override
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

    Result<std::vector<Assignment>> assignments(int64_t jobId, const std::string &worker) const override
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

    Result<Annotation> annotationById(int64_t id) const override
    {
        auto s = prepared("SELECT " GW_ANNOTATION_COLUMNS " FROM annotations WHERE id=?");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, id);
        if (!(*s)->step()) {
            if (auto st = (*s)->status(); !st)
                return fail(st.error());
            return fail(Error::notFound("no annotation " + std::to_string(id)));
        }
        return readAnnotation(**s);
    }

    Result<int64_t> addDatasetVersion(DatasetVersion &v, const std::vector<VersionEntry> &entries) override
    {
        auto r = inTransaction([&](SqliteTransaction &) -> Result<> {
            auto s = prepared("INSERT INTO dataset_versions(name, content_hash, settings, lineage, created_us) "
                              "VALUES(?,?,?,?,?)");
            if (!s)
                return fail(s.error());
            v.createdUs = v.createdUs ? v.createdUs : nowUs();
            (*s)->bind(1, std::string_view(v.name)).bind(2, std::string_view(v.contentHash));
            (*s)->bind(3, std::string_view(v.settings)).bind(4, std::string_view(v.lineage)).bind(5, v.createdUs);
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

    Result<std::vector<DatasetVersion>> datasetVersions() const override
    {
        auto s = prepared("SELECT v.id, COALESCE(v.name,''), COALESCE(v.content_hash,''), COALESCE(v.settings,''), "
                          "COALESCE(v.lineage,''), COALESCE(v.created_us,0), "
                          "(SELECT COUNT(DISTINCT item) FROM dataset_version_items i WHERE i.version=v.id) "
                          "FROM dataset_versions v ORDER BY v.id");
        if (!s)
            return fail(s.error());
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
            out.push_back(std::move(v));
        }
        if (auto st = (*s)->status(); !st)
            return fail(st.error());
        return out;
    }

    Result<std::vector<VersionEntry>> datasetVersionEntries(int64_t versionId) const override
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

    Result<int64_t> addRun(const Run &run) override
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

    Result<> updateRun(const Run &run) override
    {
        return inTransaction([&](SqliteTransaction &) -> Result<> {
            auto s = prepared("UPDATE runs SET params=?, metrics=?, status=?, finished_us=?, dir=?, pid=?, host=?, "
                              "job=NULLIF(?, 0) WHERE id=?");
            if (!s)
                return fail(s.error());
            (*s)->bind(1, std::string_view(run.params)).bind(2, std::string_view(run.metrics));
            (*s)->bind(3, std::string_view(run.status)).bind(4, run.finishedUs);
            (*s)->bind(5, std::string_view(run.dir)).bind(6, run.pid).bind(7, std::string_view(run.host));
            (*s)->bind(8, run.jobId).bind(9, run.id);
            return (*s)->exec();
        });
    }

    Result<std::vector<Run>> runs(int64_t jobId) const override { return selectRuns(kRunsOfJob, jobId); }

    Result<Run> run(int64_t id) const override
    {
        auto found = selectRuns(kRunById, id);
        if (!found)
            return fail(found.error());
        if (found->empty())
            return fail(Error::notFound("run " + std::to_string(id) + " does not exist (gw runs lists them)"));
        return found->front();
    }

    Result<std::string> setting(const std::string &key) const override
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

    Result<> setSetting(const std::string &key, const std::string &value) override
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

#define GW_RUN_COLUMNS                                                                                               \
    "SELECT id, kind, COALESCE(job,0), COALESCE(params,''), COALESCE(metrics,''), COALESCE(status,''), "              \
    "COALESCE(started_us,0), COALESCE(finished_us,0), COALESCE(parent,0), COALESCE(dir,''), COALESCE(pid,0), "       \
    "COALESCE(host,'') FROM runs "
    static constexpr const char *kRunsOfJob = GW_RUN_COLUMNS "WHERE ?1=0 OR job=?1 ORDER BY id";
    static constexpr const char *kRunById = GW_RUN_COLUMNS "WHERE id=?1";
#undef GW_RUN_COLUMNS

    /// The runs a cached statement (kRunsOfJob, kRunById) selects.
    Result<std::vector<Run>> selectRuns(const char *query, int64_t arg) const
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

    Result<std::vector<Change>> changes() const override
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

    Result<> insertChange(const std::string &author, const std::string &what, const std::string &detail)
    {
        auto s = prepared("INSERT INTO changes(at_us, author, what, detail) VALUES(?,?,?,?)");
        if (!s)
            return fail(s.error());
        return (*s)->bind(1, nowUs()).bind(2, std::string_view(author)).bind(3, std::string_view(what))
            .bind(4, std::string_view(detail)).exec();
    }

    Result<> logChange(const std::string &author, const std::string &what, const std::string &detail) override
    {
        return inTransaction([&](SqliteTransaction &) { return insertChange(author, what, detail); });
    }

    sqlite3 *m_db = nullptr;

private:
    std::string m_path, m_dir;
    int m_version = 0;
    std::map<const char *, Statement> m_cache;
};

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

Result<> SqliteTransaction::putAnnotation(Annotation &a)
{
    const Provenance &p = a.provenance;
    // Superseded now; created when the label says (an imported or restored label keeps its own time).
    const int64_t supersededAt = nowUs();
    const int64_t now = p.createdUs ? p.createdUs : supersededAt;
    Statement &u = m_store.stmt("UPDATE annotations SET superseded_us=? WHERE job=? AND item=? AND superseded_us IS NULL");
    if (auto r = u.bind(1, supersededAt).bind(2, a.jobId).bind(3, a.itemId).exec(); !r)
        return r;
    Statement &s = m_store.stmt("INSERT INTO annotations(job, item, source, human, author, payload, mask, confidence, "
                                "time_spent_ms, created_us, extra) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, a.jobId).bind(2, a.itemId).bind(3, int64_t(p.source)).bind(4, int64_t(p.humanAnnotated ? 1 : 0));
    s.bind(5, std::string_view(p.author)).bind(6, std::string_view(encodePayload(a.payload)));
    if (a.payload.mask.empty())
        s.bindNull(7);
    else
        s.bindBlob(7, a.payload.mask);
    if (p.confidence)
        s.bind(8, *p.confidence);
    s.bind(9, p.timeSpentMs).bind(10, now).bindTextOrNull(11, a.extra);
    if (auto r = s.exec(); !r)
        return r;
    a.id = sqlite3_last_insert_rowid(m_store.m_db);
    a.provenance.createdUs = now;
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
    return s.bind(1, jobId).bind(2, itemId).bind(3, int64_t(who.source)).bind(4, int64_t(who.humanAnnotated))
        .bind(5, std::string_view(who.author)).bind(6, now).exec();
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

} // namespace

Result<std::unique_ptr<ProjectStore>> ProjectStore::open(const std::string &path, OpenMode mode)
{
    auto store = std::make_unique<SqliteStore>();
    if (auto r = store->openFile(path, mode); !r)
        return fail(r.error());
    return std::unique_ptr<ProjectStore>(std::move(store));
}

} // namespace gw::datasets
