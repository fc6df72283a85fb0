// Team projects: people and roles on the server, and copying a project between a file and a server table by table
// (ids, history and records as they are).

#include "datasets/teamserver.h"

#include "datasets/output.h"
#include "datasets/pgstore_p.h"
#include "datasets/sqlite.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace gw::datasets::teamserver {

namespace fs = std::filesystem;

std::optional<Role> roleFromName(std::string_view name)
{
    if (name == "annotator")
        return Role::Annotator;
    if (name == "reviewer")
        return Role::Reviewer;
    if (name == "lead")
        return Role::Lead;
    return std::nullopt;
}

std::string_view roleName(Role role)
{
    switch (role) {
    case Role::Annotator: return "annotator";
    case Role::Reviewer: return "reviewer";
    case Role::Lead: return "lead";
    }
    return "annotator";
}

namespace {

/// A login name as PostgreSQL and the labels' authors both take it: letters, digits, '_', '.', '-'.
std::string nameProblem(std::string_view name)
{
    if (name.empty() || name.size() > 63)
        return "a person's name has 1 to 63 characters";
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
            return "'" + std::string(name) + "': a person's name holds letters, digits, '_', '.' and '-' only";
    return {};
}

Result<> requireProject(pg::Connection &c)
{
    auto app = c.exec("SELECT value FROM meta WHERE key='application'");
    if (!app || app->empty() || app->text(0, 0) != "groundwork")
        return fail(Error::invalid(c.where() + ": not a Groundwork project (gw server init makes one)"));
    return {};
}

} // namespace

Result<> addUser(const std::string &url, const std::string &name, Role role, const std::string &password)
{
    if (const std::string problem = nameProblem(name); !problem.empty())
        return fail(Error::invalid(problem));
    pg::Connection c;
    if (auto r = c.open(url); !r)
        return r;
    if (auto r = requireProject(c); !r)
        return r;
    const std::string db = c.database();
    pg::Params p;
    auto exists = c.exec("SELECT 1 FROM pg_roles WHERE rolname=" + p.ref(name), p);
    if (!exists)
        return fail(exists.error());
    std::string verifier;
    if (!password.empty()) {
        char *v = PQencryptPasswordConn(c.raw(), password.c_str(), name.c_str(), "scram-sha-256");
        if (!v)
            return fail(Error::internal(c.where() + ": cannot work out the password's verifier: "
                                        + std::string(PQerrorMessage(c.raw()))));
        verifier = v;
        PQfreemem(v);
    }
    const std::string who = pg::quoteIdent(c.raw(), name);
    std::string sql = "BEGIN;\n";
    if (exists->empty()) {
        if (verifier.empty())
            return fail(Error::invalid("a new person needs a password (from standard input or GW_PASSWORD)"));
        sql += "CREATE ROLE " + who + " LOGIN PASSWORD " + pg::quoteLiteral(c.raw(), verifier) + ";\n";
    } else if (!verifier.empty()) {
        sql += "ALTER ROLE " + who + " LOGIN PASSWORD " + pg::quoteLiteral(c.raw(), verifier) + ";\n";
    }
    for (Role r : {Role::Annotator, Role::Reviewer, Role::Lead})
        sql += "REVOKE " + pg::quoteIdent(c.raw(), db + ":" + std::string(roleName(r))) + " FROM " + who + ";\n";
    sql += "GRANT " + pg::quoteIdent(c.raw(), db + ":" + std::string(roleName(role))) + " TO " + who + ";\nCOMMIT;";
    if (auto r = c.script(sql); !r) {
        (void)c.script("ROLLBACK");
        return fail(Error{r.error().code, r.error().message + " (gw server add-user needs the project's owner, who may "
                                                              "create roles)"});
    }
    return {};
}

Result<Role> roleOf(const ProjectStore &store)
{
    const auto *server = dynamic_cast<const pg_detail::PgStore *>(&store);
    if (!server)
        return Role::Lead;
    const std::string db = server->m_db.database();
    pg::Params p;
    const std::string sql = "SELECT r.rolsuper OR d.datdba = r.oid OR pg_has_role(current_user, " + p.ref(db + ":lead")
                            + ", 'MEMBER'), pg_has_role(current_user, " + p.ref(db + ":reviewer")
                            + ", 'MEMBER') FROM pg_roles r, pg_database d WHERE r.rolname=current_user AND "
                              "d.datname=current_database()";
    auto r = server->q(sql, p);
    if (!r)
        return fail(r.error());
    if (r->empty())
        return Role::Annotator;
    if (r->integer(0, 0))
        return Role::Lead;
    return r->integer(0, 1) ? Role::Reviewer : Role::Annotator;
}

std::string userOf(const ProjectStore &store)
{
    const auto *server = dynamic_cast<const pg_detail::PgStore *>(&store);
    return server ? server->m_db.user() : std::string();
}

std::string localSidecar(const std::string &location, const std::string &suffix, bool cache)
{
    if (!pg::isServerUrl(location))
        return {};
    const std::string address = pg::redacted(location);
    std::string name;
    for (char c : address.substr(address.find("://") + 3))
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
    name = name.substr(0, 80);
    uint64_t hash = 1469598103934665603ull; // FNV-1a: two addresses that read alike above stay apart
    for (unsigned char c : address)
        hash = (hash ^ c) * 1099511628211ull;
    char tail[24];
    std::snprintf(tail, sizeof tail, "-%08llx", static_cast<unsigned long long>(hash & 0xffffffffull));
    const char *xdg = std::getenv(cache ? "XDG_CACHE_HOME" : "XDG_DATA_HOME");
    const char *home = std::getenv("HOME");
    std::string base = xdg && *xdg ? std::string(xdg)
                                   : std::string(home && *home ? home : "/tmp") + (cache ? "/.cache" : "/.local/share");
    return base + "/groundwork/team/" + name + tail + suffix;
}

// ---- copying a project table by table ----

namespace {

struct Table
{
    const char *name;
    const char *columns;
    const char *order; ///< the order rows are copied in ("@" stands for the insertion order: rowid / seq)
    bool serial;       ///< an id column drawn from a sequence on the server
};

const Table kCopied[] = {
    {"meta", "key, value", "key", false},
    {"import_batches", "id, description, created_us", "id", true},
    {"items", "id, kind, uri, text, width, height, flags, split, batch, extra", "id", true},
    {"jobs", "id, name, task, instructions, annotators, settings, parent, created_us, kind", "id", true},
    {"classes", "job, id, position, name, color, shortcut, short_name", "job, position", false},
    {"annotations", "id, job, item, source, human, author, payload, mask, confidence, time_spent_ms, created_us, "
                    "superseded_us, deleted, extra, mask_classes", "id", true},
    {"workers", "id, name", "id", true},
    {"assignments", "job, item, worker, status, lease_until_us", "@", false},
    {"runs", "id, kind, job, params, metrics, status, started_us, finished_us, parent, dir, pid, host", "id", true},
    {"dataset_versions", "id, name, content_hash, settings, lineage, created_us, output, pending", "id", true},
    {"dataset_version_items", "version, item, split, annotation", "@", false},
    {"changes", "id, at_us, author, what, detail", "id", true},
    {"leases", "job, item, worker, taken_us, until_us", "job, item, worker", false},
    {"work_marks", "job, worker, annotators, below", "job, worker", false},
};
constexpr const char *kBlobColumn = "mask"; ///< annotations.mask (the only binary column)

/// meta rows that belong to one copy, not to the project: its format and the computer that has it open.
constexpr const char *kOwnMeta = "key NOT IN ('application', 'schema_version', 'opened_on')";

std::vector<std::string> columnsOf(const Table &t)
{
    std::vector<std::string> out;
    std::string_view all = t.columns;
    while (!all.empty()) {
        const size_t comma = all.find(',');
        std::string_view c = all.substr(0, comma);
        while (!c.empty() && c.front() == ' ')
            c.remove_prefix(1);
        out.emplace_back(c);
        all = comma == std::string_view::npos ? std::string_view() : all.substr(comma + 1);
    }
    return out;
}

/// One value of a row being copied.
struct Value
{
    enum Kind { Null, Text, Blob } kind = Null;
    std::string data;
};

std::string selectOf(const Table &t, const char *insertionOrder, bool file)
{
    std::string order = std::string_view(t.order) == "@" ? insertionOrder : t.order;
    std::string columns = t.columns;
    // SQLite writes a REAL as text with 15 digits; 17 carry every double across exactly.
    if (const size_t at = columns.find("confidence"); file && at != std::string::npos)
        columns.replace(at, 10, "printf('%.17g', confidence)");
    std::string sql = "SELECT " + columns + " FROM " + t.name;
    if (std::string_view(t.name) == "meta")
        sql += std::string(" WHERE ") + kOwnMeta;
    return sql + " ORDER BY " + order;
}

/// The rows of a project file's table, in copy order.
Result<std::vector<std::vector<Value>>> readFileTable(sqlite3 *db, const Table &t)
{
    const auto cols = columnsOf(t);
    sql::Statement s(db, selectOf(t, "rowid", true));
    if (!s.valid())
        return fail(sql::errorFrom(db, sqlite3_errcode(db), std::string("cannot read table ") + t.name));
    std::vector<std::vector<Value>> rows;
    while (s.step()) {
        std::vector<Value> row(cols.size());
        for (size_t i = 0; i < cols.size(); ++i) {
            if (s.columnIsNull(int(i)))
                continue;
            if (cols[i] == kBlobColumn)
                row[i] = {Value::Blob, std::string(s.columnBlob(int(i)))};
            else
                row[i] = {Value::Text, std::string(s.columnText(int(i)))};
        }
        rows.push_back(std::move(row));
    }
    if (auto st = s.status(); !st)
        return fail(st.error());
    return rows;
}

/// Inserts rows into a server table, a few hundred a statement.
Result<> insertServerRows(pg::Connection &c, const Table &t, const std::vector<std::vector<Value>> &rows)
{
    const auto cols = columnsOf(t);
    const std::string columns = t.columns;
    const size_t perStatement = std::max<size_t>(1, 20000 / cols.size());
    for (size_t at = 0; at < rows.size();) {
        pg::Params p;
        std::string values;
        for (size_t n = 0; at < rows.size() && n < perStatement; ++at, ++n) {
            values += n ? ",(" : "(";
            for (size_t i = 0; i < cols.size(); ++i) {
                const Value &v = rows[at][i];
                values += i ? "," : "";
                values += v.kind == Value::Null ? p.refNull() : v.kind == Value::Blob ? p.refBytes(v.data) : p.ref(v.data);
            }
            values += ")";
        }
        if (auto r = c.exec(std::string("INSERT INTO ") + t.name + "(" + columns + ") VALUES " + values, p); !r)
            return fail(Error{r.error().code, std::string("copying table ") + t.name + ": " + r.error().message});
    }
    if (t.serial) {
        const std::string sql = std::string("SELECT setval(pg_get_serial_sequence('") + t.name + "', 'id'), "
                                "GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM " + t.name;
        if (auto r = c.exec(sql); !r)
            return fail(r.error());
    }
    return {};
}

/// The rows of a server table, in copy order.
Result<std::vector<std::vector<Value>>> readServerTable(pg::Connection &c, const Table &t)
{
    const auto cols = columnsOf(t);
    auto r = c.exec(selectOf(t, "seq", false));
    if (!r)
        return fail(r.error());
    std::vector<std::vector<Value>> rows(size_t(r->size()));
    for (int row = 0; row < r->size(); ++row) {
        rows[size_t(row)].resize(cols.size());
        for (size_t i = 0; i < cols.size(); ++i) {
            if (r->isNull(row, int(i)))
                continue;
            if (cols[i] == kBlobColumn)
                rows[size_t(row)][i] = {Value::Blob, r->bytes(row, int(i))};
            else
                rows[size_t(row)][i] = {Value::Text, std::string(r->text(row, int(i)))};
        }
    }
    return rows;
}

Result<> insertFileRows(sqlite3 *db, const Table &t, const std::vector<std::vector<Value>> &rows)
{
    const auto cols = columnsOf(t);
    std::string sqlText = std::string("INSERT INTO ") + t.name + "(" + t.columns + ") VALUES(";
    for (size_t i = 0; i < cols.size(); ++i)
        sqlText += i ? ",?" : "?";
    sql::Statement s(db, sqlText + ")");
    if (!s.valid())
        return fail(sql::errorFrom(db, sqlite3_errcode(db), std::string("cannot write table ") + t.name));
    for (const auto &row : rows) {
        s.reset();
        for (size_t i = 0; i < cols.size(); ++i) {
            const Value &v = row[i];
            if (v.kind == Value::Null)
                s.bindNull(int(i) + 1);
            else if (v.kind == Value::Blob)
                s.bindBlob(int(i) + 1, v.data);
            else
                s.bind(int(i) + 1, std::string_view(v.data));
        }
        if (auto r = s.exec(); !r)
            return fail(Error{r.error().code, std::string("copying table ") + t.name + ": " + r.error().message});
    }
    return {};
}

CopyReport countsOf(const ProjectStore &store)
{
    CopyReport report;
    if (auto sum = store.summary()) {
        report.items = sum->items;
        report.jobs = int64_t(sum->jobs.size());
        for (const auto &j : sum->jobs)
            report.labels += j.labeled;
    }
    return report;
}

} // namespace

Result<CopyReport> publish(const std::string &projectFile, const std::string &url)
{
    // Opened as a project first: checked, and brought to the current schema.
    auto local = ProjectStore::open(projectFile, ProjectStore::OpenMode::OpenExisting);
    if (!local)
        return fail(local.error());
    sqlite3 *raw = nullptr;
    if (sqlite3_open_v2((*local)->path().c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(raw);
        return fail(Error::io(projectFile + ": cannot read the project"));
    }
    const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> closer(raw, sqlite3_close_v2);
    sqlite3_busy_timeout(raw, 60000);
    // One read transaction: the copy is of one moment of the project, whoever writes to it meanwhile.
    if (auto r = sql::exec(raw, "BEGIN"); !r)
        return fail(r.error());
    const std::string mediaRoot = (*local)->projectDir();
    auto fill = [&](pg::Connection &c) -> Result<> {
        // Nobody listens to a project that is not there yet: a million labels need not be announced one by one.
        for (const char *table : {"annotations", "runs", "jobs", "classes", "items", "meta"})
            if (auto r = c.script(std::string("ALTER TABLE ") + table + " DISABLE TRIGGER USER"); !r)
                return r;
        for (const Table &t : kCopied) {
            auto rows = readFileTable(raw, t);
            if (!rows)
                return fail(Error{rows.error().code, projectFile + ": " + rows.error().message});
            if (auto r = insertServerRows(c, t, *rows); !r)
                return r;
        }
        for (const char *table : {"annotations", "runs", "jobs", "classes", "items", "meta"})
            if (auto r = c.script(std::string("ALTER TABLE ") + table + " ENABLE TRIGGER USER"); !r)
                return r;
        // The classes of the current labels, which the trigger would have recorded one by one.
        if (auto r = c.script("INSERT INTO label_classes(annotation, job, class, item) SELECT a.id, a.job, x, a.item "
                              "FROM annotations a, gw_classes_of(a.payload, a.mask_classes) x "
                              "WHERE a.superseded_us IS NULL AND a.deleted = 0");
            !r)
            return r;
        // The planner's statistics of the copied rows, as autovacuum would gather them a while later.
        if (auto r = c.script("ANALYZE items, annotations, label_classes"); !r)
            return r;
        pg::Params p;
        if (auto r = c.exec("INSERT INTO meta(key, value) VALUES('setting:media.root', " + p.ref(mediaRoot)
                                + ") ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                            p);
            !r)
            return fail(r.error());
        return {};
    };
    auto server = std::make_unique<pg_detail::PgStore>();
    server->m_fill = fill;
    if (auto r = server->openUrl(url, ProjectStore::OpenMode::Create); !r)
        return fail(r.error());
    sql::exec(raw, "COMMIT");
    return countsOf(*server);
}

Result<CopyReport> clone(const std::string &url, const std::string &projectFile)
{
    auto server = ProjectStore::open(url, ProjectStore::OpenMode::OpenExisting);
    if (!server)
        return fail(server.error());
    auto &store = static_cast<pg_detail::PgStore &>(**server);
    OutputRules rules;
    rules.description = "clone of " + store.path();
    OutputSet outputs(rules);
    auto staged = outputs.addFile(projectFile);
    if (!staged)
        return fail(staged.error());
    {
        // A standard empty project first, then the rows on a connection of its own.
        auto empty = ProjectStore::open(*staged, ProjectStore::OpenMode::Create);
        if (!empty)
            return fail(empty.error());
    }
    sqlite3 *raw = nullptr;
    if (sqlite3_open_v2(staged->c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(raw);
        return fail(Error::io(projectFile + ": cannot write the copy"));
    }
    {
        const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> closer(raw, sqlite3_close_v2);
        if (auto r = sql::exec(raw, "PRAGMA foreign_keys=ON; BEGIN IMMEDIATE"); !r)
            return fail(r.error());
        // One snapshot of the server: a repeatable-read transaction.
        if (auto r = store.m_db.script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r)
            return fail(r.error());
        for (const Table &t : kCopied) {
            auto rows = readServerTable(store.m_db, t);
            if (!rows) {
                (void)store.m_db.script("ROLLBACK");
                return fail(rows.error());
            }
            if (auto r = insertFileRows(raw, t, *rows); !r) {
                (void)store.m_db.script("ROLLBACK");
                return fail(Error{r.error().code, projectFile + ": " + r.error().message});
            }
        }
        (void)store.m_db.script("COMMIT");
        // The media root the server knows is the publisher's; the copy resolves media against its own folder.
        if (auto r = sql::exec(raw, "DELETE FROM meta WHERE key='setting:media.root'; COMMIT"); !r)
            return fail(Error{r.error().code, projectFile + ": " + r.error().message});
    }
    if (auto r = outputs.commit(); !r)
        return fail(r.error());
    auto copy = ProjectStore::open(OutputSet::finalPath(projectFile), ProjectStore::OpenMode::OpenExisting);
    if (!copy)
        return fail(copy.error());
    return countsOf(**copy);
}

} // namespace gw::datasets::teamserver
