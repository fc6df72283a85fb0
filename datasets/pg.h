#pragma once

// Thin RAII helpers over libpq for the team-server store (pgstore*.cpp). Every query is parameterised: values
// travel apart from the SQL text (text format; masks as binary bytea), so nothing a user typed is ever parsed as
// SQL. Statements a store runs often are prepared once per connection.

#include "datasets/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace gw::datasets::pg {

/// Whether a project location names a team server rather than a file.
bool isServerUrl(std::string_view location);

/// The location without its password, for messages and window titles.
std::string redacted(std::string_view url);

/// Gives this process the password of a URL without one (from the desktop keyring): connections to it use it.
void rememberPassword(const std::string &url, const std::string &password);

/// Query parameters, numbered in the order they are added: p.ref(x) returns "$n" for the SQL text.
class Params
{
public:
    std::string ref(int64_t v) { return add(std::to_string(v)); }
    std::string ref(int v) { return ref(int64_t(v)); }
    std::string ref(double v);
    std::string ref(std::string_view text) { return add(std::string(text)); }
    std::string ref(const char *text) { return add(std::string(text)); }
    std::string ref(const std::string &text) { return add(text); }
    /// NULL when empty.
    std::string refOrNull(std::string_view text);
    std::string refNull();
    /// Raw bytes as bytea (sent in binary).
    std::string refBytes(std::string_view bytes);

    int size() const { return int(m_values.size()); }
    const char *const *values() const { return m_pointers.data(); }
    const int *lengths() const { return m_lengths.data(); }
    const int *formats() const { return m_formats.data(); }
    /// Fixes the pointers once every value is in.
    void seal();

private:
    std::string add(std::string value, bool binary = false, bool null = false);
    std::vector<std::string> m_values;
    std::vector<bool> m_null;
    std::vector<const char *> m_pointers;
    std::vector<int> m_lengths, m_formats;
};

/// A query's result (text format).
class Rows
{
public:
    Rows() = default;
    explicit Rows(pg_result *r);
    int size() const;
    bool empty() const { return size() == 0; }
    int64_t integer(int row, int col) const;
    double real(int row, int col) const;
    bool isNull(int row, int col) const;
    std::string_view text(int row, int col) const;
    /// A bytea column (hex text format) decoded.
    std::string bytes(int row, int col) const;
    /// Rows changed by INSERT/UPDATE/DELETE.
    int64_t affected() const;

private:
    std::shared_ptr<pg_result> m_r;
};

class Connection
{
public:
    Connection() = default;
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    /// Connects to a postgresql:// URL; the error names the server (never the password).
    Result<> open(const std::string &url);
    bool isOpen() const { return m_conn != nullptr; }
    /// Runs SQL with parameters. With a key (any name: the SQL text itself identifies it) the statement is prepared
    /// once per connection and reused.
    Result<Rows> exec(const std::string &sql, Params &params, const char *key = nullptr);
    Result<Rows> exec(const std::string &sql);
    /// Several statements without parameters (schema scripts).
    Result<> script(const std::string &sql);
    /// Reconnects after the server went away (statements prepared earlier are prepared again on use).
    Result<> reconnect();
    bool broken() const;
    std::string user() const;
    std::string database() const;
    std::string where() const { return m_where; }
    pg_conn *raw() const { return m_conn; }
    /// Whether the last error was a serialization failure or deadlock: the transaction may simply be run again.
    bool lastWasRetryable() const { return m_retryable; }

private:
    Error errorOf(pg_result *r, std::string_view what);
    pg_conn *m_conn = nullptr;
    std::string m_url, m_where;
    std::map<std::string, std::string> m_prepared; ///< SQL text -> server-side statement name
    bool m_retryable = false;
};

/// Quotes an identifier (a role or database name) for SQL text where parameters cannot go (CREATE ROLE).
std::string quoteIdent(pg_conn *conn, std::string_view name);
/// Quotes a literal for SQL text where parameters cannot go (a role's password in CREATE ROLE).
std::string quoteLiteral(pg_conn *conn, std::string_view text);

} // namespace gw::datasets::pg
