#pragma once

// Running the real gw program from a test: exit code, stdout and stderr.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

namespace gw::test {

struct CliRun
{
    int code = -1;
    QString out, err;
};

inline CliRun runGw(const QStringList &args, const QString &cwd = {},
             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    p.start(QStringLiteral(GW_BINARY_DIR "/app/gw"), args);
    p.waitForFinished(120000);
    CliRun r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace gw::test

#define GW_RUN_OK(run)                                                                                            \
    do {                                                                                                          \
        const gw::test::CliRun &r_ = (run);                                                                       \
        QVERIFY2(r_.code == 0, qPrintable(r_.err));                                                               \
    } while (false)
