// PgStore: the team project's schema — the project file's tables in PostgreSQL's types, the triggers that keep the
// class table and announce changes, and the three roles with their GRANTs and row-level security policies.

#include "datasets/pgstore_p.h"

#include "datasets/schema.h"

#include <libpq-fe.h>

namespace gw::datasets::pg_detail {

namespace {

// The project file's tables, in PostgreSQL's types. Texts that are compared in ranges or ordered (paths, names) use
// the "C" collation, so that they sort byte-wise as in the file.
const char *const kTables = R"sql(
CREATE TABLE meta(key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
CREATE TABLE import_batches(id bigserial PRIMARY KEY, description text NOT NULL, created_us bigint NOT NULL);
CREATE TABLE items(
  id bigserial PRIMARY KEY,
  kind int NOT NULL,
  uri text COLLATE "C",
  text text,
  width int NOT NULL DEFAULT 0,
  height int NOT NULL DEFAULT 0,
  flags int NOT NULL DEFAULT 0,
  split text,
  batch bigint REFERENCES import_batches(id),
  extra text
);
CREATE INDEX items_by_uri ON items(uri);
CREATE INDEX items_by_kind ON items(kind, id);
CREATE TABLE jobs(
  id bigserial PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE,
  task text NOT NULL,
  instructions text NOT NULL DEFAULT '',
  annotators int NOT NULL DEFAULT 1,
  settings text NOT NULL DEFAULT '{}',
  parent bigint REFERENCES jobs(id),
  created_us bigint NOT NULL,
  kind text NOT NULL DEFAULT 'labeling'
);
CREATE TABLE classes(
  job bigint NOT NULL REFERENCES jobs(id),
  id int NOT NULL,
  position int NOT NULL,
  name text NOT NULL,
  color text NOT NULL,
  shortcut text NOT NULL DEFAULT '',
  short_name text NOT NULL DEFAULT '',
  PRIMARY KEY(job, id)
);
CREATE TABLE annotations(
  id bigserial PRIMARY KEY,
  job bigint NOT NULL REFERENCES jobs(id),
  item bigint NOT NULL REFERENCES items(id),
  source int NOT NULL,
  human int NOT NULL,
  author text COLLATE "C" NOT NULL DEFAULT '',
  payload text NOT NULL,
  mask bytea,
  confidence double precision,
  time_spent_ms bigint NOT NULL DEFAULT 0,
  created_us bigint NOT NULL,
  superseded_us bigint,
  deleted int NOT NULL DEFAULT 0,
  extra text,
  mask_classes text
);
CREATE UNIQUE INDEX annotations_current ON annotations(job, item) WHERE superseded_us IS NULL;
CREATE INDEX annotations_history ON annotations(job, item, id);
CREATE INDEX annotations_current_source ON annotations(job, source, item) WHERE superseded_us IS NULL AND deleted=0;
CREATE INDEX annotations_current_author ON annotations(job, author, item) WHERE superseded_us IS NULL AND deleted=0;
CREATE INDEX annotations_answers ON annotations(job, item, author, created_us) WHERE source=0;
CREATE TABLE workers(id bigserial PRIMARY KEY, name text COLLATE "C" NOT NULL UNIQUE);
CREATE TABLE assignments(
  job bigint NOT NULL REFERENCES jobs(id),
  item bigint NOT NULL REFERENCES items(id),
  worker bigint NOT NULL REFERENCES workers(id),
  status text NOT NULL,
  lease_until_us bigint,
  seq bigserial,
  PRIMARY KEY(job, item, worker)
);
CREATE TABLE runs(id bigserial PRIMARY KEY, kind text NOT NULL, job bigint REFERENCES jobs(id), params text,
  metrics text, status text, started_us bigint, finished_us bigint, parent bigint, dir text, pid bigint, host text);
CREATE TABLE dataset_versions(id bigserial PRIMARY KEY, name text, content_hash text, settings text, lineage text,
  created_us bigint, output text, pending int NOT NULL DEFAULT 0);
CREATE TABLE dataset_version_items(seq bigserial PRIMARY KEY, version bigint NOT NULL REFERENCES dataset_versions(id),
  item bigint NOT NULL, split text, annotation bigint);
CREATE INDEX dataset_version_items_version ON dataset_version_items(version, seq);
CREATE TABLE changes(id bigserial PRIMARY KEY, at_us bigint NOT NULL, author text NOT NULL, what text NOT NULL,
  detail text NOT NULL);
CREATE TABLE leases(
  job bigint NOT NULL REFERENCES jobs(id),
  item bigint NOT NULL REFERENCES items(id),
  worker text COLLATE "C" NOT NULL,
  taken_us bigint NOT NULL,
  until_us bigint NOT NULL,
  PRIMARY KEY(job, item, worker)
);
CREATE INDEX leases_by_worker ON leases(job, worker);
CREATE TABLE work_marks(job bigint NOT NULL, worker text COLLATE "C" NOT NULL, annotators int NOT NULL,
  below bigint NOT NULL, PRIMARY KEY(job, worker));

-- Whether the connected person may write the label of (j, i) as an annotator: they hold a lease on the item, or
-- answered it before (and come back to change their answer). It reads the tables as their owner, so that the
-- policies below can use it without recursing into themselves.
CREATE FUNCTION gw_holds(j bigint, i bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp AS $$
  SELECT EXISTS(SELECT 1 FROM leases WHERE job=j AND item=i AND worker=session_user)
      OR EXISTS(SELECT 1 FROM annotations WHERE job=j AND item=i AND author=session_user AND source=0)
$$;
REVOKE ALL ON FUNCTION gw_holds(bigint, bigint) FROM PUBLIC;

-- The classes of each current label, one row per class, kept by a trigger: the class filter walks
-- label_classes(job, class, item) in item order, so a class on one label in 100,000 is found as quickly as a
-- common one (asking each label's JSON walked every label: 95-300 ms at 1,000,000 items).
CREATE TABLE label_classes(annotation bigint NOT NULL, job bigint NOT NULL, class int NOT NULL, item bigint NOT NULL);
CREATE INDEX label_classes_by_class ON label_classes(job, class, item);
CREATE INDEX label_classes_by_annotation ON label_classes(annotation);
CREATE FUNCTION gw_classes_of(payload text, mask_classes text) RETURNS SETOF int LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT x FROM (
    SELECT (e #>> '{}')::int AS x FROM jsonb_array_elements(payload::jsonb->'c') e
    UNION ALL SELECT (e->>0)::int FROM jsonb_array_elements(payload::jsonb->'b') e
    UNION ALL SELECT (e->>0)::int FROM jsonb_array_elements(payload::jsonb->'s') e
    UNION ALL SELECT e::int FROM jsonb_array_elements_text(COALESCE(mask_classes, '[]')::jsonb) e) y
$$;
CREATE FUNCTION gw_track_classes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.superseded_us IS NULL AND NEW.deleted = 0 THEN
      INSERT INTO label_classes(annotation, job, class, item)
        SELECT NEW.id, NEW.job, c, NEW.item FROM gw_classes_of(NEW.payload, NEW.mask_classes) c;
    END IF;
  ELSIF NEW.superseded_us IS NOT NULL AND OLD.superseded_us IS NULL THEN
    DELETE FROM label_classes WHERE annotation = OLD.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER track_classes AFTER INSERT OR UPDATE OF superseded_us ON annotations FOR EACH ROW
  EXECUTE FUNCTION gw_track_classes();

-- Live updates: every committed change is announced on the channel gw_changes (datasets/changefeed.h), so that
-- every app sees others' labels, class changes, new items and finished rounds without polling. Notifications are
-- sent at commit; identical ones of one transaction are sent once.
CREATE FUNCTION gw_notify_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gw_changes', 'label ' || NEW.job || ' ' || NEW.item || ' ' || NEW.author);
  RETURN NULL;
END $$;
CREATE TRIGGER notify_label AFTER INSERT ON annotations FOR EACH ROW EXECUTE FUNCTION gw_notify_label();
CREATE FUNCTION gw_notify_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gw_changes', 'run ' || NEW.id || ' ' || COALESCE(NEW.job, 0) || ' ' || COALESCE(NEW.status, ''));
  RETURN NULL;
END $$;
CREATE TRIGGER notify_run AFTER INSERT OR UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION gw_notify_run();
CREATE FUNCTION gw_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gw_changes', TG_ARGV[0]);
  RETURN NULL;
END $$;
CREATE TRIGGER notify_jobs AFTER INSERT OR UPDATE OR DELETE ON jobs FOR EACH STATEMENT
  EXECUTE FUNCTION gw_notify_statement('jobs');
CREATE TRIGGER notify_classes AFTER INSERT OR UPDATE OR DELETE ON classes FOR EACH STATEMENT
  EXECUTE FUNCTION gw_notify_statement('jobs');
CREATE TRIGGER notify_items AFTER INSERT OR UPDATE OR DELETE ON items FOR EACH STATEMENT
  EXECUTE FUNCTION gw_notify_statement('items');
CREATE TRIGGER notify_settings AFTER INSERT OR UPDATE OR DELETE ON meta FOR EACH STATEMENT
  EXECUTE FUNCTION gw_notify_statement('settings');
)sql";

/// The rights of the three roles (A annotator, R reviewer, L lead). A reviewer is an annotator who may also write
/// any person's label (a fix, a rejection in each worker's name); a lead changes everything else. {A} {R} {L} stand
/// for the quoted role names.
const char *const kRights = R"sql(
GRANT {A} TO {R};
GRANT {R} TO {L};
GRANT USAGE ON SCHEMA public TO {A};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {A};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {A};
GRANT EXECUTE ON FUNCTION gw_holds(bigint, bigint) TO {A};
GRANT INSERT, UPDATE (superseded_us) ON annotations TO {A};
GRANT UPDATE (flags) ON items TO {A};
GRANT INSERT, UPDATE, DELETE ON leases, work_marks TO {A};
GRANT ALL ON ALL TABLES IN SCHEMA public TO {L};
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {L};

ALTER TABLE annotations ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON annotations FOR SELECT TO {A} USING (true);
CREATE POLICY own_answers ON annotations FOR INSERT TO {A}
  WITH CHECK (author = current_user AND source = 0 AND human = 1 AND gw_holds(job, item));
CREATE POLICY supersede_held ON annotations FOR UPDATE TO {A} USING (gw_holds(job, item)) WITH CHECK (true);
CREATE POLICY reviewers_write ON annotations FOR INSERT TO {R} WITH CHECK (source = 0 AND human = 1);
CREATE POLICY reviewers_supersede ON annotations FOR UPDATE TO {R} USING (true) WITH CHECK (true);
CREATE POLICY leads ON annotations FOR ALL TO {L} USING (true) WITH CHECK (true);

ALTER TABLE leases ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON leases FOR SELECT TO {A} USING (true);
CREATE POLICY own_insert ON leases FOR INSERT TO {A} WITH CHECK (worker = current_user);
CREATE POLICY own_update ON leases FOR UPDATE TO {A} USING (worker = current_user) WITH CHECK (worker = current_user);
CREATE POLICY own_delete ON leases FOR DELETE TO {A} USING (worker = current_user);
CREATE POLICY leads ON leases FOR ALL TO {L} USING (true) WITH CHECK (true);

ALTER TABLE work_marks ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON work_marks FOR SELECT TO {A} USING (true);
CREATE POLICY everyone_resets ON work_marks FOR DELETE TO {A} USING (true);
CREATE POLICY own_insert ON work_marks FOR INSERT TO {A} WITH CHECK (worker IN (current_user, ''));
CREATE POLICY own_update ON work_marks FOR UPDATE TO {A} USING (worker IN (current_user, ''))
  WITH CHECK (worker IN (current_user, ''));
CREATE POLICY leads ON work_marks FOR ALL TO {L} USING (true) WITH CHECK (true);
)sql";

std::string replaceAll(std::string s, const std::string &from, const std::string &to)
{
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

Result<> PgStore::createSchema()
{
    const std::string db = m_db.database();
    const std::string a = pg::quoteIdent(m_db.raw(), db + ":annotator");
    const std::string r = pg::quoteIdent(m_db.raw(), db + ":reviewer");
    const std::string l = pg::quoteIdent(m_db.raw(), db + ":lead");
    if (auto b = m_db.script("BEGIN"); !b)
        return b;
    auto rollback = [&](Error e) -> Result<> {
        (void)m_db.script("ROLLBACK");
        return fail(std::move(e));
    };
    if (auto t = m_db.script(kTables); !t)
        return rollback(t.error());
    // The roles belong to the server, not the database: they may be there from a project of the same name before.
    for (const std::string &role : {db + ":annotator", db + ":reviewer", db + ":lead"}) {
        Params p;
        auto exists = m_db.exec("SELECT 1 FROM pg_roles WHERE rolname=" + p.ref(role), p);
        if (!exists)
            return rollback(exists.error());
        if (exists->empty())
            if (auto c = m_db.script("CREATE ROLE " + pg::quoteIdent(m_db.raw(), role) + " NOLOGIN"); !c)
                return rollback(Error{c.error().code, c.error().message
                                                          + " (gw server init needs a user who may create roles: "
                                                            "the database's owner with CREATEROLE)"});
    }
    std::string rights = replaceAll(replaceAll(replaceAll(kRights, "{A}", a), "{R}", r), "{L}", l);
    rights += "REVOKE ALL ON DATABASE " + pg::quoteIdent(m_db.raw(), db) + " FROM PUBLIC;\n";
    rights += "GRANT CONNECT, TEMPORARY ON DATABASE " + pg::quoteIdent(m_db.raw(), db) + " TO " + a + ";\n";
    if (auto g = m_db.script(rights); !g)
        return rollback(g.error());
    Params p;
    const std::string sql = "INSERT INTO meta(key, value) VALUES('application','groundwork'), ('schema_version', "
                            + p.ref(std::to_string(schema::latestVersion())) + ")";
    if (auto m = m_db.exec(sql, p); !m)
        return rollback(m.error());
    if (m_fill)
        if (auto f = m_fill(m_db); !f)
            return rollback(f.error());
    if (auto c = m_db.script("COMMIT"); !c)
        return rollback(c.error());
    return {};
}

} // namespace gw::datasets::pg_detail
