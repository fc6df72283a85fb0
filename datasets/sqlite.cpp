#include "datasets/sqlite.h"

#include "datasets/fileerrors.h"

#include <cerrno>

namespace gw::datasets::sql {

Error errorFrom(sqlite3 *db, int code, std::string_view what)
{
    const int primary = code & 0xff;
    std::string msg(what);
    // Errors of the disk name the project file (unless the caller did).
    const char *file = db ? sqlite3_db_filename(db, "main") : nullptr;
    const bool diskError = primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN
                           || primary == SQLITE_READONLY || primary == SQLITE_PERM;
    if (diskError && file && *file && msg.find(file) == std::string::npos)
        msg = std::string(file) + ": " + msg;
    msg += ": ";
    // SQLite's own words ("disk I/O error") say little; the system's error says what to do.
    const int sysErr = db ? sqlite3_system_errno(db) : 0;
    if (primary == SQLITE_FULL)
        return Error::io(msg + describeFileError(sysErr ? sysErr : ENOSPC) + " (nothing was written)");
    if ((primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY
         || primary == SQLITE_PERM) && sysErr)
        return Error::io(msg + describeFileError(sysErr) + " (nothing was written)");
    if (primary == SQLITE_READONLY)
        return Error::io(msg + "the project is read-only here: check the file's and its folder's permissions");
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return Error::busy(msg + " (another program is writing this project; try again)");
    if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
        return Error::io(msg);
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
        return Error::invalid(msg);
    if (primary == SQLITE_CONSTRAINT)
        return Error::conflict(msg);
    return Error::internal(msg);
}

Statement::Statement(sqlite3 *db, std::string_view sql) : m_db(db)
{
    m_code = sqlite3_prepare_v3(db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (m_code != SQLITE_OK)
        m_stmt = nullptr;
}

Statement::~Statement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement &Statement::operator=(Statement &&o) noexcept
{
    if (this != &o) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_db = o.m_db;
        m_stmt = o.m_stmt;
        m_code = o.m_code;
        o.m_stmt = nullptr;
    }
    return *this;
}

Statement &Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_code = SQLITE_OK;
    return *this;
}

Statement &Statement::bind(int i, int64_t v)
{
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}

Statement &Statement::bind(int i, double v)
{
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
}

Statement &Statement::bind(int i, std::string_view text)
{
    sqlite3_bind_text(m_stmt, i, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindBlob(int i, std::string_view bytes)
{
    sqlite3_bind_blob(m_stmt, i, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int i)
{
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

Statement &Statement::bindTextOrNull(int i, std::string_view text)
{
    return text.empty() ? bindNull(i) : bind(i, text);
}

bool Statement::step()
{
    if (!m_stmt)
        return false; // keeps the error of the prepare
    m_code = sqlite3_step(m_stmt);
    return m_code == SQLITE_ROW;
}

Result<> Statement::exec()
{
    while (step()) {
    }
    Result<> r = status();
    sqlite3_reset(m_stmt);
    return r;
}

Result<> Statement::status() const
{
    if (m_code == SQLITE_OK || m_code == SQLITE_DONE || m_code == SQLITE_ROW)
        return {};
    return fail(errorFrom(m_db, m_code, "database error"));
}

std::string_view Statement::columnText(int i) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, i));
    return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, i))) : std::string_view();
}

std::string_view Statement::columnBlob(int i) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, i));
    return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, i))) : std::string_view();
}

Result<> exec(sqlite3 *db, const char *sql)
{
    char *msg = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
    if (rc == SQLITE_OK)
        return {};
    Error e = errorFrom(db, rc, "database error");
    sqlite3_free(msg);
    return fail(e);
}

} // namespace gw::datasets::sql
