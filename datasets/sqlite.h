#pragma once

// Thin RAII helpers over the sqlite3 C API, used by the SQLite project store and the benchmarks' floor.

#include "datasets/result.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gw::datasets::sql {

/// A prepared statement; binds are 1-based as in SQLite. Resets itself when re-executed.
class Statement
{
public:
    Statement() = default;
    Statement(sqlite3 *db, std::string_view sql);
    ~Statement();
    Statement(Statement &&o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt) { o.m_stmt = nullptr; }
    Statement &operator=(Statement &&o) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool valid() const { return m_stmt != nullptr; }
    Statement &reset();
    Statement &bind(int i, int64_t v);
    Statement &bind(int i, int v) { return bind(i, int64_t(v)); }
    Statement &bind(int i, double v);
    Statement &bind(int i, std::string_view text); ///< bound as TEXT, copied
    Statement &bindBlob(int i, std::string_view bytes);
    Statement &bindNull(int i);
    /// Binds text or NULL when empty.
    Statement &bindTextOrNull(int i, std::string_view text);

    /// Steps once: true when a row is available. Errors are reported through error().
    bool step();
    /// Steps to completion (for statements without rows); returns SQLite's result.
    Result<> exec();

    int64_t columnInt(int i) const { return sqlite3_column_int64(m_stmt, i); }
    double columnDouble(int i) const { return sqlite3_column_double(m_stmt, i); }
    bool columnIsNull(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }
    std::string_view columnText(int i) const;
    std::string_view columnBlob(int i) const;

    int lastCode() const { return m_code; }
    Result<> status() const; ///< error of the last step, if any

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    int m_code = SQLITE_OK;
};

/// Runs SQL without results (may hold several statements).
Result<> exec(sqlite3 *db, const char *sql);
Error errorFrom(sqlite3 *db, int code, std::string_view what);

} // namespace gw::datasets::sql
