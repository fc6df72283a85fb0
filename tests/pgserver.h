#pragma once

// A real PostgreSQL 15 server for tests (issue 17): initdb into a temporary folder and pg_ctl start on loopback,
// a free port and a socket in that folder; stopped and removed when the object goes. PostgreSQL refuses to run
// as root (CI runs as root), so then the server runs as the unprivileged user "nobody".

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <QThread>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gw::test {

class PgServer
{
public:
    static QString binDir() { return QStringLiteral("/usr/lib/postgresql/15/bin"); }
    static bool available() { return QFile::exists(binDir() + QStringLiteral("/initdb")); }

    PgServer()
    {
        if (!m_dir.isValid() || !available()) {
            m_error = QStringLiteral("PostgreSQL 15 is not installed (scripts/setup.sh installs it)");
            return;
        }
        m_port = freePort();
        if (!m_port) {
            m_error = QStringLiteral("no free port on loopback");
            return;
        }
        m_data = m_dir.path() + QStringLiteral("/data");
        if (geteuid() == 0) {
            // The folder and the data directory belong to the user the server runs as.
            QProcess::execute(QStringLiteral("chown"), {QStringLiteral("nobody:nogroup"), m_dir.path()});
            QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                    | QFileDevice::ExeGroup | QFileDevice::ExeOther);
        }
        // The administrator comes in through the socket in the folder; everyone else over TCP with a password.
        if (!run(QStringLiteral("initdb"), {QStringLiteral("-D"), m_data, QStringLiteral("-U"), QStringLiteral("gwadmin"),
                                            QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=scram-sha-256"),
                                            QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--no-instructions")}))
            return;
        // TLS with a throwaway self-signed certificate, so that sslmode=require is tested against the real thing.
        enableTls();
        const QString options = QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off")
                                    .arg(m_port)
                                    .arg(m_dir.path());
        if (!run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_data, QStringLiteral("-o"), options, QStringLiteral("-l"),
                                            m_dir.path() + QStringLiteral("/server.log"), QStringLiteral("-w"),
                                            QStringLiteral("start")}))
            return;
        m_running = true;
    }

    ~PgServer() { stop(); }

    /// Stops the server (fast shutdown: connections are closed, nothing committed is lost).
    void stop()
    {
        if (m_running)
            run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_data, QStringLiteral("-m"), QStringLiteral("fast"),
                                           QStringLiteral("-w"), QStringLiteral("stop")});
        m_running = false;
    }
    /// Starts it again on the same port and data.
    bool restart()
    {
        const QString options = QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off")
                                    .arg(m_port)
                                    .arg(m_dir.path());
        m_running = run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_data, QStringLiteral("-o"), options,
                                                   QStringLiteral("-l"), m_dir.path() + QStringLiteral("/server.log"),
                                                   QStringLiteral("-w"), QStringLiteral("start")});
        return m_running;
    }

    bool running() const { return m_running; }
    QString error() const { return m_error; }
    int port() const { return m_port; }
    /// A libpq connection string for a user of the server's "postgres" database (the socket: no password).
    QString conninfo(const QString &user = QStringLiteral("gwadmin"), const QString &db = QStringLiteral("postgres")) const
    {
        return QStringLiteral("host=%4 port=%1 user=%2 dbname=%3 connect_timeout=10").arg(m_port).arg(user, db, m_dir.path());
    }
    /// A project URL through the socket, as the administrator (no password).
    std::string adminUrl(const std::string &db) const
    {
        return "postgresql://gwadmin@/" + db + "?host=" + m_dir.path().toStdString() + "&port=" + std::to_string(m_port);
    }
    /// A project URL over TCP on loopback, as a person who logs in with a password (PGPASSWORD or the URL).
    std::string tcpUrl(const std::string &user, const std::string &db, const std::string &password = {}) const
    {
        return "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@127.0.0.1:" + std::to_string(m_port)
               + "/" + db + "?connect_timeout=10";
    }

    /// Kills the server and every process of it with SIGKILL, as a crash would (no shutdown, no checkpoint).
    void killHard()
    {
        QFile pidFile(m_data + QStringLiteral("/postmaster.pid"));
        if (!pidFile.open(QIODevice::ReadOnly))
            return;
        const pid_t pid = pid_t(pidFile.readLine().trimmed().toLongLong());
        if (pid <= 0)
            return;
        QList<pid_t> all{pid};
        for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
            if (!entry.at(0).isDigit() || !stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray line = stat.readAll();
            const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
            if (fields.size() > 1 && fields.at(1).toLongLong() == pid)
                all.append(pid_t(entry.toLongLong()));
        }
        for (pid_t p : all)
            ::kill(p, SIGKILL);
        for (int i = 0; i < 500; ++i) { // until every one of them is gone (the shared memory goes with the last)
            bool alive = false;
            for (pid_t p : all)
                alive = alive || ::kill(p, 0) == 0;
            if (!alive)
                break;
            QThread::msleep(10);
        }
        m_running = false;
    }

private:
    /// A self-signed certificate in the data directory and ssl = on (the server reads both at start).
    void enableTls()
    {
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-x509"), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                       QStringLiteral("-keyout"), m_data + QStringLiteral("/server.key"), QStringLiteral("-out"),
                       m_data + QStringLiteral("/server.crt")});
        if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
            return; // no openssl: the server runs without TLS, and the TLS test says so
        QFile::setPermissions(m_data + QStringLiteral("/server.key"), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        if (geteuid() == 0)
            QProcess::execute(QStringLiteral("chown"), {QStringLiteral("nobody:nogroup"), m_data + QStringLiteral("/server.key"),
                                                        m_data + QStringLiteral("/server.crt")});
        QFile conf(m_data + QStringLiteral("/postgresql.conf"));
        if (conf.open(QIODevice::Append))
            conf.write("ssl = on\n");
    }

    /// A port on loopback nobody listens on now (the kernel picks it).
    static int freePort()
    {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return 0;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        int port = 0;
        if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
            && getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
            port = ntohs(addr.sin_port);
        close(fd);
        return port;
    }

    bool run(const QString &tool, const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path()); // the server's user may not enter the test's own folder
        if (geteuid() == 0)
            p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("nobody"),
                                                           QStringLiteral("--"), binDir() + QLatin1Char('/') + tool}
                                                   + args);
        else
            p.start(binDir() + QLatin1Char('/') + tool, args);
        p.setProcessChannelMode(QProcess::MergedChannels);
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            m_error = tool + QStringLiteral(" failed: ") + QString::fromLocal8Bit(p.readAll());
            return false;
        }
        return true;
    }

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/gw-pg-XXXXXX")};
    QString m_data;
    int m_port = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace gw::test
