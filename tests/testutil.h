#pragma once

// Helpers shared by the test executables: temporary projects and files.

#include "datasets/projectstore.h"

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

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

inline std::unique_ptr<datasets::ProjectStore> newProject(const std::string &path)
{
    auto s = datasets::ProjectStore::open(path, datasets::ProjectStore::OpenMode::Create);
    if (!s)
        qFatal("cannot create project %s: %s", path.c_str(), s.error().message.c_str());
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
