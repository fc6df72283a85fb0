// SqliteStore: jobs and their classes (adding, renaming, re-keying and removing classes with the labels that
// use them).

#include "datasets/sqlitestore_p.h"


namespace gw::datasets::sqlite_detail {

// ---- jobs ----
Result<std::vector<LabelClass>> SqliteStore::classesOf(int64_t jobId) const
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

Result<std::vector<Job>> SqliteStore::jobs() const
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

Result<Job> SqliteStore::job(const std::string &name) const
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

Result<> SqliteStore::writeJob(Job &j)
{
    if (auto r = checkJob(j); !r)
        return r;
    const std::string settingsText = CommonStore::settingsText(j);
    if (j.id == 0) {
        if (!j.createdUs)
            j.createdUs = nowUs();
        auto s = prepared("INSERT INTO jobs(name, task, instructions, annotators, settings, created_us, parent, kind) "
                          "VALUES(?,?,?,?,?,?,?,?)");
        if (!s)
            return fail(s.error());
        (*s)->bind(1, std::string_view(j.name)).bind(2, taskInfo(j.type).id).bind(3, std::string_view(j.instructions));
        (*s)->bind(4, int64_t(j.annotatorsPerItem)).bind(5, std::string_view(settingsText)).bind(6, j.createdUs);
        if (j.parentId)
            (*s)->bind(7, j.parentId);
        (*s)->bind(8, jobKindName(j.kind));
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

Result<> SqliteStore::runInTransaction(const std::function<Result<>(WriteTransaction &)> &fn)
{
    return inTransaction([&](SqliteTransaction &tx) { return fn(tx); });
}

/// Runs fn inside one write transaction.
Result<> SqliteStore::inTransaction(const std::function<Result<>(SqliteTransaction &)> &fn)
{
    auto t = begin();
    if (!t)
        return fail(t.error());
    auto &tx = static_cast<SqliteTransaction &>(**t);
    if (auto r = fn(tx); !r)
        return r;
    return tx.commit();
}

Result<Job> SqliteStore::jobById(int64_t id) const
{
    auto s = prepared("SELECT name FROM jobs WHERE id=?");
    if (!s)
        return fail(s.error());
    (*s)->bind(1, id);
    if (!(*s)->step())
        return fail(Error::notFound("no job with id " + std::to_string(id)));
    return job(std::string((*s)->columnText(0)));
}

} // namespace gw::datasets::sqlite_detail
