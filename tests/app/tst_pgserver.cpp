// The team server's ground (issue 17): a real PostgreSQL 15 started for the tests on loopback (as "nobody" when
// the tests run as root), and the server itself — not the app — refusing what a role may not do: an annotator
// reads, writes only answers in their own name and changes nothing else. Committed rows survive a restart.

#include "pgserver.h"

#include <QTest>

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace {

struct Connection
{
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn{nullptr, &PQfinish};

    explicit Connection(const QString &conninfo) : conn(PQconnectdb(conninfo.toUtf8().constData()), &PQfinish) {}
    bool ok() const { return conn && PQstatus(conn.get()) == CONNECTION_OK; }
    QString error() const { return QString::fromUtf8(PQerrorMessage(conn.get())); }

    /// Runs a statement with text parameters; the SQLSTATE of its error, "" when it succeeded.
    std::string exec(const char *sql, std::initializer_list<const char *> params = {})
    {
        std::vector<const char *> values(params);
        std::unique_ptr<PGresult, decltype(&PQclear)> r(
            PQexecParams(conn.get(), sql, int(values.size()), nullptr, values.data(), nullptr, nullptr, 0), &PQclear);
        const ExecStatusType st = PQresultStatus(r.get());
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            m_rows = PQntuples(r.get());
            return {};
        }
        const char *state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        return state ? state : "?";
    }
    int rows() const { return m_rows; }

private:
    int m_rows = 0;
};

constexpr const char *kDenied = "42501"; // insufficient_privilege: also a row-level security refusal

} // namespace

class TestPgServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theServerRefusesWhatAnAnnotatorMayNotDo()
    {
        gw::test::PgServer server;
        QVERIFY2(server.running(), qPrintable(server.error()));
        Connection admin(server.conninfo());
        QVERIFY2(admin.ok(), qPrintable(admin.error()));
        QCOMPARE(admin.exec("CREATE TABLE classes(id int PRIMARY KEY, name text NOT NULL)"), std::string());
        QCOMPARE(admin.exec("INSERT INTO classes VALUES (0, 'cat'), (1, 'dog')"), std::string());
        QCOMPARE(admin.exec("CREATE TABLE answers(item int NOT NULL, worker text NOT NULL DEFAULT current_user, "
                            "class int NOT NULL)"),
                 std::string());
        QCOMPARE(admin.exec("ALTER TABLE answers ENABLE ROW LEVEL SECURITY"), std::string());
        QCOMPARE(admin.exec("CREATE POLICY own_answers ON answers FOR INSERT WITH CHECK (worker = current_user)"),
                 std::string());
        QCOMPARE(admin.exec("CREATE POLICY read_answers ON answers FOR SELECT USING (true)"), std::string());
        QCOMPARE(admin.exec("CREATE ROLE alice LOGIN"), std::string());
        QCOMPARE(admin.exec("GRANT SELECT ON classes TO alice"), std::string());
        QCOMPARE(admin.exec("GRANT SELECT, INSERT ON answers TO alice"), std::string());

        Connection alice(server.conninfo(QStringLiteral("alice")));
        QVERIFY2(alice.ok(), qPrintable(alice.error()));
        QCOMPARE(alice.exec("SELECT name FROM classes"), std::string());
        QCOMPARE(alice.rows(), 2);
        QCOMPARE(alice.exec("INSERT INTO answers(item, class) VALUES ($1, $2)", {"7", "1"}), std::string());
        // In someone else's name, or anything but answering: the server says no.
        QCOMPARE(alice.exec("INSERT INTO answers(item, worker, class) VALUES (8, 'bob', 0)"), std::string(kDenied));
        QCOMPARE(alice.exec("UPDATE answers SET class = 0"), std::string(kDenied));
        QCOMPARE(alice.exec("DELETE FROM answers"), std::string(kDenied));
        QCOMPARE(alice.exec("UPDATE classes SET name = 'lion' WHERE id = 0"), std::string(kDenied));
        QCOMPARE(alice.exec("CREATE TABLE mine(x int)"), std::string(kDenied));

        // A restart loses nothing committed.
        server.stop();
        QVERIFY(!Connection(server.conninfo()).ok());
        QVERIFY2(server.restart(), qPrintable(server.error()));
        Connection again(server.conninfo());
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QCOMPARE(again.exec("SELECT 1 FROM answers WHERE item = 7 AND worker = 'alice' AND class = 1"), std::string());
        QCOMPARE(again.rows(), 1);
    }
};

QTEST_GUILESS_MAIN(TestPgServer)
#include "tst_pgserver.moc"
