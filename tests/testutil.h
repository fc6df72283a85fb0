#pragma once

// Helpers shared by the test executables: temporary projects and files.

#include "datasets/pg.h"
#include "datasets/projectstore.h"
#include "pgserver.h"

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace gw::test {

inline std::string path(const QTemporaryDir &dir, const char *name)
{
    return (dir.path() + QLatin1Char('/') + QString::fromUtf8(name)).toStdString();
}

inline void writeFile(const std::string &path, const std::string &content)
{
    std::ofstream f(path, std::ios::binary);
    f << content;
}

inline std::string readFile(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

/// Whether this run puts its projects on a team server (GW_TEST_STORE=postgresql: ctest runs the store suites a
/// second time so, as NAME_server) rather than in project files.
inline bool onServer()
{
    return qgetenv("GW_TEST_STORE") == "postgresql";
}

/// The PostgreSQL server of this test process, started on first use and stopped when the process ends.
inline PgServer &sharedServer()
{
    static PgServer server;
    if (!server.running())
        qFatal("cannot start PostgreSQL for the tests: %s", qPrintable(server.error()));
    return server;
}

/// A new empty database on the shared server; its postgresql:// URL (as its owner, the server's administrator).
inline std::string newServerDatabase()
{
    static int serial = 0;
    PgServer &server = sharedServer();
    const std::string name = "project" + std::to_string(++serial);
    datasets::pg::Connection admin;
    if (auto r = admin.open(server.adminUrl("postgres")); !r)
        qFatal("%s", r.error().message.c_str());
    if (auto r = admin.exec("CREATE DATABASE " + name); !r)
        qFatal("%s", r.error().message.c_str());
    return server.adminUrl(name);
}

/// A new project: the file at path, or with GW_TEST_STORE=postgresql a new database on the test server.
inline std::unique_ptr<datasets::ProjectStore> newProject(const std::string &path)
{
    auto s = datasets::ProjectStore::open(onServer() ? newServerDatabase() : path,
                                          datasets::ProjectStore::OpenMode::Create);
    if (!s)
        qFatal("cannot create project %s: %s", path.c_str(), s.error().message.c_str());
    // On the server, media resolve against the folder the file would have been in (as after gw publish).
    if (onServer())
        if (auto r = (*s)->setSetting("media.root", std::filesystem::path(path).parent_path().string()); !r)
            qFatal("%s", r.error().message.c_str());
    return std::move(*s);
}

/// Processes (of this machine) one of whose arguments is exactly `argument`.
inline int processesWithArgument(const QByteArray &argument)
{
    int n = 0;
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (pid.at(0).isDigit() && f.open(QIODevice::ReadOnly) && f.readAll().split('\0').contains(argument))
            ++n;
    }
    return n;
}

inline QString goldenDir()
{
    return QStringLiteral(GW_TEST_DATA_DIR "/golden");
}

} // namespace gw::test

/// QVERIFY for Result values: prints the error message when it fails.
#define GW_VERIFY_OK(expr)                                                                                        \
    do {                                                                                                          \
        const auto &gwResult_ = (expr);                                                                           \
        QVERIFY2(gwResult_.has_value(), gwResult_.has_value() ? "" : gwResult_.error().message.c_str());        \
    } while (false)
