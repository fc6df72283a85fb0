// Runs as processes: starting `gw run-exec` detached, telling whether a run's process lives, stopping it, and
// noticing runs whose process died.

#include "activelearning/runexec.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QSysInfo>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GW_CLI_BUILD_PATH
#define GW_CLI_BUILD_PATH ""
#endif

namespace gw::activelearning {

using namespace gw::datasets;
using namespace gw::activelearning::detail;

std::string hostName() { return QSysInfo::machineHostName().toStdString(); }

namespace detail {

/// Signals the process group of a script run's command left behind by a run process that died.
void signalOrphanedCommand(const Run &run, int signal)
{
    QFile f(QString::fromStdString(run.dir + "/command.pgid"));
    if (run.host != hostName() || !f.open(QIODevice::ReadOnly))
        return;
    const qint64 pgid = f.readAll().trimmed().toLongLong();
    if (pgid > 1)
        ::kill(-pid_t(pgid), signal);
}


} // namespace detail

std::string gwProgram()
{
    const QString beside = QCoreApplication::instance()
                               ? QCoreApplication::applicationDirPath() + QStringLiteral("/gw")
                               : QString();
    if (!beside.isEmpty() && QFileInfo(beside).isExecutable())
        return beside.toStdString();
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("gw"));
    if (!onPath.isEmpty())
        return onPath.toStdString();
    return GW_CLI_BUILD_PATH;
}

Result<int64_t> launchRun(ProjectStore &store, int64_t runId, const std::string &program)
{
    auto run = store.run(runId);
    if (!run)
        return fail(run.error());
    if (run->status != "queued")
        return fail(Error::invalid("run " + std::to_string(runId) + " has " + run->status + "; only a queued run starts"));
    if (program.empty() || !QFileInfo(QString::fromStdString(program)).isExecutable())
        return fail(Error::notFound("the gw program was not found (" + program + ") to run the training in"));
    // Everything the child needs is prepared before fork: after it only async-signal-safe calls are made.
    const std::string project = QFileInfo(QString::fromStdString(store.path())).absoluteFilePath().toStdString();
    const std::string id = std::to_string(runId);
    const std::string output = run->dir + "/process.txt";
    std::vector<const char *> argv = {program.c_str(), "run-exec", project.c_str(), id.c_str(), nullptr};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return fail(Error::io("cannot start the run: no pipe"));
    const pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return fail(Error::io("cannot start the run: fork failed"));
    }
    if (child == 0) {
        // A new session, then a grandchild that init adopts: the run outlives the app and leaves no zombie.
        setsid();
        const pid_t worker = fork();
        if (worker == 0) {
            const int in = open("/dev/null", O_RDONLY);
            const int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (in >= 0)
                dup2(in, 0);
            if (out >= 0) {
                dup2(out, 1);
                dup2(out, 2);
            }
            execv(argv[0], const_cast<char *const *>(argv.data()));
            _exit(127);
        }
        (void)!write(fds[1], &worker, sizeof worker);
        _exit(worker > 0 ? 0 : 1);
    }
    close(fds[1]);
    pid_t worker = -1;
    const bool got = read(fds[0], &worker, sizeof worker) == ssize_t(sizeof worker);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!got || worker <= 0)
        return fail(Error::io("cannot start the run's process"));
    // The worker records itself when it starts; until then the launcher's record lets refreshRuns judge it.
    auto fresh = store.run(runId);
    if (fresh && fresh->status == "queued") {
        fresh->pid = worker;
        fresh->host = hostName();
        (void)store.updateRun(*fresh);
    }
    return int64_t(worker);
}

bool runProcessAlive(const Run &run)
{
    if (run.pid <= 0 || run.host != hostName())
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(run.pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')');
    if (close < 0 || close + 2 >= s.size() || s.at(close + 2) == 'Z' || s.at(close + 2) == 'X')
        return false;
    // Guard against a recycled process id: the process must be a gw working on this project.
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(run.pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QByteArray args = cmdline.readAll();
    return args.contains("run-exec") || args.contains("train") || args.contains("run-script");
}

Result<> stopRun(ProjectStore &store, int64_t runId)
{
    auto run = store.run(runId);
    if (!run)
        return fail(run.error());
    if (run->status != "running" && run->status != "queued")
        return fail(Error::invalid("run " + std::to_string(runId) + " is not running (" + run->status + ")"));
    // A second request while the first is pending (a training stops at the end of its epoch) kills at once.
    const QString stopFile = QString::fromStdString(run->dir + "/stop");
    const bool again = !run->dir.empty() && QFileInfo::exists(stopFile);
    if (!run->dir.empty()) {
        QFile f(stopFile);
        (void)f.open(QIODevice::WriteOnly);
    }
    if (runProcessAlive(*run)) {
        ::kill(pid_t(run->pid), again ? SIGKILL : SIGTERM); // SIGTERM: it stops its command's tree and records itself
        if (again)
            signalOrphanedCommand(*run, SIGKILL); // refreshRuns records the killed run as failed
    } else {
        signalOrphanedCommand(*run, again ? SIGKILL : SIGTERM);
    }
    return {};
}

Result<int> refreshRuns(ProjectStore &store)
{
    auto runs = store.runs(0);
    if (!runs)
        return fail(runs.error());
    int marked = 0;
    const std::string host = hostName();
    for (Run &r : *runs) {
        if ((r.status != "running" && r.status != "queued") || r.pid <= 0 || r.host != host || runProcessAlive(r))
            continue;
        // Read again: the run may have finished between the listing and now.
        auto fresh = store.run(r.id);
        if (!fresh || (fresh->status != "running" && fresh->status != "queued") || runProcessAlive(*fresh))
            continue;
        json::Value metrics;
        if (!json::parse(fresh->metrics, metrics) || !metrics.isObject())
            metrics = json::Object();
        std::string why = "its process (" + std::to_string(fresh->pid) +
                          ") ended without recording a result: it crashed or was killed";
        if (!fresh->dir.empty()) {
            QFile out(QString::fromStdString(fresh->dir + "/process.txt"));
            if (out.open(QIODevice::ReadOnly)) {
                const QByteArray tail = out.readAll().right(400).trimmed();
                if (!tail.isEmpty())
                    why += "; its last output: " + tail.toStdString();
            }
        }
        metrics.object().set("failure", why);
        signalOrphanedCommand(*fresh, SIGKILL); // a script it left running would go on writing to the run
        fresh->metrics = json::toString(metrics);
        fresh->status = "failed";
        fresh->finishedUs = nowUs();
        if (store.updateRun(*fresh))
            ++marked;
    }
    return marked;
}


} // namespace gw::activelearning
