#include "datasets/schema.h"

#include "datasets/mask.h"
#include "datasets/sqlite.h"

#include <charconv>
#include <string>

namespace gw::datasets::schema {

namespace {

// Version 1: the core tables. Never edit a released migration; add a new one.
const char *const kV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE import_batches(id INTEGER PRIMARY KEY, description TEXT NOT NULL, created_us INTEGER NOT NULL);
CREATE TABLE items(
  id INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,            -- 0 image, 1 text
  uri TEXT,                         -- images: relative to the project folder, absolute, or a URI
  text TEXT,                        -- texts: inline content
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  flags INTEGER NOT NULL DEFAULT 0, -- 1 missing, 2 corrupt
  split TEXT,
  batch INTEGER REFERENCES import_batches(id),
  extra TEXT                        -- unknown manifest keys, compact JSON object
);
CREATE INDEX items_by_uri ON items(uri);
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,        -- the label attribute name
  task TEXT NOT NULL,
  instructions TEXT NOT NULL DEFAULT '',
  annotators INTEGER NOT NULL DEFAULT 1,
  settings TEXT NOT NULL DEFAULT '{}',
  parent INTEGER REFERENCES jobs(id),
  created_us INTEGER NOT NULL
);
CREATE TABLE classes(
  job INTEGER NOT NULL REFERENCES jobs(id),
  id INTEGER NOT NULL,              -- stable: annotations refer to it
  position INTEGER NOT NULL,        -- the Ground Truth class index
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  shortcut TEXT NOT NULL DEFAULT '',
  short_name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(job, id)
);
CREATE TABLE annotations(
  id INTEGER PRIMARY KEY,
  job INTEGER NOT NULL REFERENCES jobs(id),
  item INTEGER NOT NULL REFERENCES items(id),
  source INTEGER NOT NULL,          -- 0 human, 1 auto, 2 consolidated, 3 imported
  human INTEGER NOT NULL,           -- Ground Truth human-annotated
  author TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,
  mask BLOB,
  confidence REAL,
  time_spent_ms INTEGER NOT NULL DEFAULT 0,
  created_us INTEGER NOT NULL,
  superseded_us INTEGER,            -- NULL: the current version
  deleted INTEGER NOT NULL DEFAULT 0,
  extra TEXT
);
CREATE UNIQUE INDEX annotations_current ON annotations(job, item) WHERE superseded_us IS NULL;
CREATE INDEX annotations_history ON annotations(job, item, id);
CREATE TABLE workers(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE assignments(
  job INTEGER NOT NULL REFERENCES jobs(id),
  item INTEGER NOT NULL REFERENCES items(id),
  worker INTEGER NOT NULL REFERENCES workers(id),
  status TEXT NOT NULL,
  lease_until_us INTEGER,
  PRIMARY KEY(job, item, worker)
);
CREATE TABLE runs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, job INTEGER REFERENCES jobs(id), params TEXT,
  metrics TEXT, status TEXT, started_us INTEGER, finished_us INTEGER);
CREATE TABLE dataset_versions(id INTEGER PRIMARY KEY, name TEXT, content_hash TEXT, settings TEXT, lineage TEXT,
  created_us INTEGER);
)sql";

// Version 2: a change log, so that class renames and removals are recorded rather than silent.
const char *const kV2 = R"sql(
CREATE TABLE changes(id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, author TEXT NOT NULL, what TEXT NOT NULL,
  detail TEXT NOT NULL);
)sql";

// Version 3: the current labels of a job by source and by author, so that the gallery's "auto", "human" and
// "by author" filters walk an index instead of every item when few labels match (1,000,000 items).
const char *const kV3 = R"sql(
CREATE INDEX annotations_current_source ON annotations(job, source, item) WHERE superseded_us IS NULL AND deleted=0;
CREATE INDEX annotations_current_author ON annotations(job, author, item) WHERE superseded_us IS NULL AND deleted=0;
)sql";

// Version 4: what each dataset version holds — its items with their splits and the exact annotation versions
// exported — so that the version can be written again byte for byte after labels have changed.
const char *const kV4 = R"sql(
CREATE TABLE dataset_version_items(version INTEGER NOT NULL REFERENCES dataset_versions(id), item INTEGER NOT NULL,
  split TEXT, annotation INTEGER);
CREATE INDEX dataset_version_items_version ON dataset_version_items(version);
)sql";

// Version 5: training runs are separate processes, possibly on another machine of the team: the process and
// host that runs one (so the app can re-attach to it or notice it died), its run directory, and the run it
// belongs to (the trials of a hyperparameter search).
const char *const kV5 = R"sql(
ALTER TABLE runs ADD COLUMN parent INTEGER;
ALTER TABLE runs ADD COLUMN dir TEXT;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
)sql";

// Version 6: an export and its version record appear together. The record is written first, pending, with the
// outputs it expects (path, device, inode); it is kept once they are in place, and dropped when a crash left
// them missing. The file is marked as a Groundwork project in SQLite's header (application_id), so that
// another program's database is told apart before anything is written to it.
const char *const kV6 = R"sql(
ALTER TABLE dataset_versions ADD COLUMN output TEXT;
ALTER TABLE dataset_versions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
PRAGMA application_id = 1196903217;
)sql";

// Version 7: the classes a segmentation mask's pixels hold, as a JSON array beside the mask (the PNG itself
// cannot be searched), so that filtering by class finds masks as quickly as boxes and agrees with the class
// counts. Current labels get theirs here (gw_mask_classes decodes the PNG, see migrate()), every label written
// later in putAnnotation; superseded versions are left without, as no filter looks at them.
const char *const kV7 = R"sql(
ALTER TABLE annotations ADD COLUMN mask_classes TEXT;
UPDATE annotations SET mask_classes=gw_mask_classes(mask) WHERE mask IS NOT NULL AND superseded_us IS NULL;
)sql";

// Version 8: work handed to people. A lease gives one item of a job to one worker until a time; an item is
// handed out while fewer than the job's annotators per item have answered it or hold a live lease on it. A
// worker's mark is the item id up to which every item of the job is settled for them (answered by enough
// workers, by them, or labelled otherwise), so that handing out work does not walk those items again; it is
// kept with the annotators per item it was found for.
const char *const kV8 = R"sql(
CREATE TABLE leases(
  job INTEGER NOT NULL REFERENCES jobs(id),
  item INTEGER NOT NULL REFERENCES items(id),
  worker TEXT NOT NULL,
  taken_us INTEGER NOT NULL,
  until_us INTEGER NOT NULL,
  PRIMARY KEY(job, item, worker)
);
CREATE INDEX leases_by_worker ON leases(job, worker);
CREATE TABLE work_marks(job INTEGER NOT NULL, worker TEXT NOT NULL, annotators INTEGER NOT NULL,
  below INTEGER NOT NULL, PRIMARY KEY(job, worker));
)sql";

// Version 9: chained jobs. A job's kind says whether it labels the items or works on its parent's labels (review,
// verification, adjustment; jobs.parent names the parent). A program that knows only version 8 would drop the kind
// when it saves such a job, so the version goes up and that program refuses the project instead.
const char *const kV9 = R"sql(
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'labeling';
)sql";

/// gw_mask_classes(mask) for the migrations: mask::classIdsJson, or NULL for a mask that does not decode (a
/// damaged label should not keep the whole project closed).
void maskClassesFunction(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    const auto *bytes = static_cast<const char *>(sqlite3_value_blob(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    auto json = mask::classIdsJson(bytes ? std::string(bytes, size_t(size)) : std::string());
    if (json)
        sqlite3_result_text(ctx, json->data(), int(json->size()), SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

bool hasTable(sqlite3 *db, const char *name)
{
    sql::Statement s(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    s.bind(1, std::string_view(name));
    return s.step();
}

int tableCount(sqlite3 *db)
{
    sql::Statement s(db, "SELECT COUNT(*) FROM sqlite_master");
    return s.step() ? int(s.columnInt(0)) : 0;
}

} // namespace

const std::vector<const char *> &migrations()
{
    static const std::vector<const char *> all = {kV1, kV2, kV3, kV4, kV5, kV6, kV7, kV8, kV9};
    return all;
}

int version(sqlite3 *db)
{
    if (!hasTable(db, "meta"))
        return 0;
    sql::Statement s(db, "SELECT value FROM meta WHERE key='schema_version'");
    if (!s.step())
        return 0;
    const std::string_view text = s.columnText(0);
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && end == text.data() + text.size() && v >= 0 ? v : kUnreadableVersion;
}

Result<> migrate(sqlite3 *db, bool create, int targetVersion)
{
    const int target = targetVersion < 0 ? latestVersion() : targetVersion;
    if (version(db) == kUnreadableVersion)
        return fail(Error::invalid("the schema version stored in the project is not a number: the file is damaged "
                                   "or was changed by hand (meta.schema_version)"));
    // Up to date (the usual case): no write lock, so opening never waits for another writer.
    if (hasTable(db, "meta") && version(db) == target) {
        sql::Statement app(db, "SELECT value FROM meta WHERE key='application'");
        if (app.step() && app.columnText(0) == "groundwork")
            return {};
    }
    if (auto r = sql::exec(db, "BEGIN IMMEDIATE"); !r)
        return r;
    auto rollback = [&](Error e) -> Result<> {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return fail(std::move(e));
    };
    int current = 0;
    if (hasTable(db, "meta")) {
        sql::Statement app(db, "SELECT value FROM meta WHERE key='application'");
        if (!app.step() || app.columnText(0) != "groundwork")
            return rollback(Error::invalid("not a Groundwork project"));
        current = version(db);
    } else if (!create || tableCount(db) != 0) {
        return rollback(Error::invalid("not a Groundwork project"));
    }
    if (current > latestVersion())
        return rollback(Error::invalid("this project was written by a newer Groundwork (schema version "
                                       + std::to_string(current) + "; this program knows up to "
                                       + std::to_string(latestVersion()) + ")"));
    if (sqlite3_create_function_v2(db, "gw_mask_classes", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                   nullptr, maskClassesFunction, nullptr, nullptr, nullptr)
        != SQLITE_OK)
        return rollback(Error::internal(std::string("cannot register gw_mask_classes: ") + sqlite3_errmsg(db)));
    for (int v = current; v < target; ++v) {
        if (auto r = sql::exec(db, migrations()[size_t(v)]); !r)
            return rollback(Error::internal("migration to schema version " + std::to_string(v + 1)
                                            + " failed: " + r.error().message));
    }
    if (current == 0) {
        if (auto r = sql::exec(db, "INSERT INTO meta(key, value) VALUES('application','groundwork')"); !r)
            return rollback(r.error());
    }
    if (current != target) {
        sql::Statement s(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)");
        if (auto r = s.bind(1, std::string_view(std::to_string(target))).exec(); !r)
            return rollback(r.error());
    }
    if (auto r = sql::exec(db, "COMMIT"); !r)
        return rollback(r.error());
    return {};
}

} // namespace gw::datasets::schema
