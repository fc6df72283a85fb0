#include "datasets/pg.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace gw::datasets::pg {

bool isServerUrl(std::string_view location)
{
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redacted(std::string_view url)
{
    // postgresql://user:secret@host/db -> postgresql://user@host/db
    std::string out(url);
    const size_t scheme = out.find("://");
    if (scheme == std::string::npos)
        return out;
    const size_t at = out.find('@', scheme + 3);
    const size_t slash = out.find('/', scheme + 3);
    if (at == std::string::npos || (slash != std::string::npos && slash < at))
        return out;
    const size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at)
        out.erase(colon, at - colon);
    return out;
}

// ---- parameters ----

std::string Params::add(std::string value, bool binary, bool null)
{
    m_values.push_back(std::move(value));
    m_null.push_back(null);
    m_formats.push_back(binary ? 1 : 0);
    return "$" + std::to_string(m_values.size());
}

std::string Params::ref(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return add(std::string(buf, end));
}

std::string Params::refOrNull(std::string_view text)
{
    return text.empty() ? refNull() : add(std::string(text));
}

std::string Params::refNull()
{
    return add(std::string(), false, true);
}

std::string Params::refBytes(std::string_view bytes)
{
    return add(std::string(bytes), true);
}

void Params::seal()
{
    m_pointers.resize(m_values.size());
    m_lengths.resize(m_values.size());
    for (size_t i = 0; i < m_values.size(); ++i) {
        m_pointers[i] = m_null[i] ? nullptr : m_values[i].data();
        m_lengths[i] = int(m_values[i].size());
    }
}

// ---- rows ----

Rows::Rows(pg_result *r) : m_r(r, PQclear) {}

int Rows::size() const
{
    return m_r ? PQntuples(m_r.get()) : 0;
}

int64_t Rows::integer(int row, int col) const
{
    const char *v = PQgetvalue(m_r.get(), row, col);
    if (!v || !*v)
        return 0;
    if (v[0] == 't' && v[1] == 0) // booleans
        return 1;
    if (v[0] == 'f' && v[1] == 0)
        return 0;
    return std::strtoll(v, nullptr, 10);
}

double Rows::real(int row, int col) const
{
    const char *v = PQgetvalue(m_r.get(), row, col);
    return v && *v ? std::strtod(v, nullptr) : 0.0;
}

bool Rows::isNull(int row, int col) const
{
    return PQgetisnull(m_r.get(), row, col) != 0;
}

std::string_view Rows::text(int row, int col) const
{
    return std::string_view(PQgetvalue(m_r.get(), row, col), size_t(PQgetlength(m_r.get(), row, col)));
}

std::string Rows::bytes(int row, int col) const
{
    const std::string_view hex = text(row, col);
    if (!hex.starts_with("\\x"))
        return {};
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return 0;
    };
    std::string out;
    out.resize((hex.size() - 2) / 2);
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = char(nibble(hex[2 + 2 * i]) << 4 | nibble(hex[3 + 2 * i]));
    return out;
}

int64_t Rows::affected() const
{
    const char *n = m_r ? PQcmdTuples(m_r.get()) : nullptr;
    return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

// ---- connection ----

Connection::~Connection()
{
    if (m_conn)
        PQfinish(m_conn);
}

namespace {

/// The server part of a URL for messages: user@host:port/db.
std::string describe(pg_conn *c)
{
    std::string host = PQhost(c) ? PQhost(c) : "";
    if (host.starts_with("/"))
        host = "localhost";
    return std::string(PQuser(c) ? PQuser(c) : "") + "@" + host + ":" + (PQport(c) ? PQport(c) : "") + "/"
           + (PQdb(c) ? PQdb(c) : "");
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

/// Passwords given in a URL (File › Connect to a Team Server…), kept in this process's memory only, by the URL
/// without them: the store names itself by that URL (path()), and whatever opens the project again by it — a
/// background task, a reconnect — logs in without the password being written anywhere or shown.
std::mutex passwordsMutex;
std::map<std::string, std::string> &passwords()
{
    static std::map<std::string, std::string> p;
    return p;
}

/// PQconnectdb, with the password this process was given for the same URL when the URL has none (and PGPASSWORD or
/// ~/.pgpass do not give one either: libpq looks there first).
pg_conn *connectRemembering(const std::string &url)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(url.c_str(), &error);
    if (!options) {
        PQfreemem(error);
        return PQconnectdb(url.c_str()); // reports the parse error itself
    }
    std::vector<const char *> keys, values;
    std::string password;
    bool hasPassword = false;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        if (std::string_view(o->keyword) == "password")
            hasPassword = true;
        keys.push_back(o->keyword);
        values.push_back(o->val);
    }
    const std::string key = redacted(url);
    {
        std::lock_guard lock(passwordsMutex);
        if (hasPassword) {
            for (size_t i = 0; i < keys.size(); ++i)
                if (std::string_view(keys[i]) == "password")
                    passwords()[key] = values[i];
        } else if (auto it = passwords().find(key); it != passwords().end()) {
            password = it->second;
            keys.push_back("password");
            values.push_back(password.c_str());
        }
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    pg_conn *c = PQconnectdbParams(keys.data(), values.data(), 0);
    PQconninfoFree(options);
    return c;
}

} // namespace

void rememberPassword(const std::string &url, const std::string &password)
{
    std::lock_guard lock(passwordsMutex);
    passwords()[redacted(url)] = password;
}

Result<> Connection::open(const std::string &url)
{
    if (m_conn)
        PQfinish(m_conn);
    m_prepared.clear();
    m_url = url;
    m_conn = connectRemembering(url);
    if (!m_conn)
        return fail(Error::internal("out of memory connecting to the team server"));
    m_where = describe(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) {
        std::string message = trimmed(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        const std::string where = redacted(url);
        if (message.find("does not exist") != std::string::npos && message.find("database") != std::string::npos)
            return fail(Error::notFound(where + ": " + message));
        if (message.find("password") != std::string::npos || message.find("authentication") != std::string::npos)
            return fail(Error::invalid(where + ": the team server refused the login (" + message
                                       + "). Set the password in PGPASSWORD or ~/.pgpass, or ask the team lead."));
        return fail(Error::io(where + ": cannot reach the team server: " + message));
    }
    PQsetClientEncoding(m_conn, "UTF8");
    // Quiet NOTICEs ("relation already exists, skipping") would otherwise go to stderr.
    PQsetNoticeProcessor(m_conn, [](void *, const char *) {}, nullptr);
    return {};
}

Result<> Connection::reconnect()
{
    return open(m_url);
}

bool Connection::broken() const
{
    return !m_conn || PQstatus(m_conn) != CONNECTION_OK;
}

std::string Connection::user() const
{
    return m_conn && PQuser(m_conn) ? PQuser(m_conn) : "";
}

std::string Connection::database() const
{
    return m_conn && PQdb(m_conn) ? PQdb(m_conn) : "";
}

Error Connection::errorOf(pg_result *r, std::string_view what)
{
    const char *stateField = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = stateField ? stateField : "";
    std::string message = trimmed(r ? PQresultErrorMessage(r) : "");
    if (message.empty())
        message = trimmed(m_conn ? PQerrorMessage(m_conn) : "no connection");
    if (message.starts_with("ERROR:  "))
        message.erase(0, 8);
    m_retryable = state == "40001" || state == "40P01";
    std::string prefix = m_where + ": ";
    if (!what.empty())
        prefix += std::string(what) + ": ";
    if (state == "42501")
        return Error::invalid(prefix + "the team server refuses this to " + user() + " (" + message
                              + "); the team lead gives roles with gw server add-user");
    if (state == "23505")
        return Error::conflict(prefix + message);
    if (m_retryable || state == "55P03")
        return Error::busy(prefix + message);
    if (broken() || state.starts_with("08") || state.starts_with("57P"))
        return Error::io(prefix + "the connection to the team server was lost (" + message + ")");
    if (state.starts_with("22") || state.starts_with("23"))
        return Error::invalid(prefix + message);
    return Error::internal(prefix + message);
}

Result<Rows> Connection::exec(const std::string &sql, Params &params, const char *key)
{
    if (!m_conn)
        return fail(Error::io(m_where + ": not connected to the team server"));
    params.seal();
    pg_result *r = nullptr;
    if (key) {
        auto it = m_prepared.find(sql);
        if (it == m_prepared.end()) {
            const std::string name = "s" + std::to_string(m_prepared.size());
            pg_result *p = PQprepare(m_conn, name.c_str(), sql.c_str(), params.size(), nullptr);
            if (PQresultStatus(p) != PGRES_COMMAND_OK) {
                Error e = errorOf(p, {});
                PQclear(p);
                return fail(std::move(e));
            }
            PQclear(p);
            it = m_prepared.emplace(sql, name).first;
        }
        r = PQexecPrepared(m_conn, it->second.c_str(), params.size(), params.values(), params.lengths(),
                           params.formats(), 0);
    } else {
        r = PQexecParams(m_conn, sql.c_str(), params.size(), nullptr, params.values(), params.lengths(),
                         params.formats(), 0);
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        Error e = errorOf(r, {});
        PQclear(r);
        return fail(std::move(e));
    }
    m_retryable = false;
    return Rows(r);
}

Result<Rows> Connection::exec(const std::string &sql)
{
    Params none;
    return exec(sql, none);
}

Result<> Connection::script(const std::string &sql)
{
    if (!m_conn)
        return fail(Error::io(m_where + ": not connected to the team server"));
    pg_result *r = PQexec(m_conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        Error e = errorOf(r, {});
        PQclear(r);
        return fail(std::move(e));
    }
    PQclear(r);
    return {};
}

std::string quoteIdent(pg_conn *conn, std::string_view name)
{
    char *q = PQescapeIdentifier(conn, name.data(), name.size());
    std::string out = q ? q : "\"\"";
    PQfreemem(q);
    return out;
}

std::string quoteLiteral(pg_conn *conn, std::string_view text)
{
    char *q = PQescapeLiteral(conn, text.data(), text.size());
    std::string out = q ? q : "''";
    PQfreemem(q);
    return out;
}

} // namespace gw::datasets::pg
