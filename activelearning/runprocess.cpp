// Runs as processes: starting `gw run-exec` detached, telling whether a run's process lives, stopping it, and
// noticing runs whose process died.

#include "activelearning/runexec.h"

#include "datasets/pg.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QSysInfo>

#include <fcntl.h>
#include <poll.h>
#include <cerrno>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GW_CLI_BUILD_PATH
#define GW_CLI_BUILD_PATH ""
#endif

namespace gw::activelearning {

using namespace gw::datasets;
using namespace gw::activelearning::detail;


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
    // A team project by its address (the child logs in with PGPASSWORD or ~/.pgpass), a file by its absolute path.
    const std::string project = pg::isServerUrl(store.path())
                                    ? store.path()
                                    : QFileInfo(QString::fromStdString(store.path())).absoluteFilePath().toStdString();
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
        // _Fork runs no atfork handlers (libraries' locks in a multithreaded app), so only async-signal-safe
        // code runs until exec.
        setsid();
        const pid_t worker = _Fork();
        if (worker == 0) {
            const int in = open("/dev/null", O_RDONLY);
            const int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (in >= 0) {
                dup2(in, 0);
                if (in > 2)
                    close(in);
            }
            if (out >= 0) {
                dup2(out, 1);
                dup2(out, 2);
                if (out > 2)
                    close(out);
            }
            close_range(3, ~0U, 0); // nothing of the app's (sockets, the project's database) leaks into the run
            execv(argv[0], const_cast<char *const *>(argv.data()));
            _exit(127);
        }
        ssize_t written;
        do
            written = write(fds[1], &worker, sizeof worker);
        while (written < 0 && errno == EINTR);
        _exit(worker > 0 ? 0 : 1);
    }
    close(fds[1]);
    pid_t worker = -1;
    pollfd ready{fds[0], POLLIN, 0};
    int polled;
    do
        polled = poll(&ready, 1, 10000); // the intermediate child only forks and writes: never this long
    while (polled < 0 && errno == EINTR);
    ssize_t got = -1;
    if (polled > 0)
        do
            got = read(fds[0], &worker, sizeof worker);
        while (got < 0 && errno == EINTR);
    close(fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (got != ssize_t(sizeof worker) || worker <= 0)
        return fail(Error::io("cannot start the run's process"));
    // The worker records itself when it starts; until then the launcher's record lets refreshRuns judge it
    // (only if the worker has not recorded itself already).
    auto fresh = store.run(runId);
    if (fresh && fresh->status == "queued" && fresh->pid == 0) {
        fresh->pid = worker;
        fresh->host = hostName();
        (void)store.updateRunIf(*fresh, "queued", "queued", 0);
    }
    return int64_t(worker);
}

bool runProcessAlive(const Run &run)
{
    if (run.pid <= 0 || run.host != hostName())
        return false;
    const int64_t started = processStartTicks(run.pid);
    if (started < 0)
        return false; // gone, or a zombie
    // Guard against a recycled process id: the process that recorded itself started at that very tick; before it
    // did, the launcher's record must be a `gw run-exec PROJECT <this run>`.
    if (!run.dir.empty()) {
        QFile record(QString::fromStdString(run.dir + "/process.start"));
        if (record.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> fields = record.readAll().trimmed().split(' ');
            if (fields.size() == 2 && fields[0].toLongLong() == run.pid)
                return fields[1].toLongLong() == started;
        }
    }
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(run.pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> args = cmdline.readAll().split('\0');
    return args.size() >= 4 && args[1] == "run-exec" && args[3] == QByteArray::number(qint64(run.id));
}

Result<> stopRun(ProjectStore &store, int64_t runId)
{
    auto run = store.run(runId);
    if (!run)
        return fail(run.error());
    if (run->status != "running" && run->status != "queued")
        return fail(Error::invalid("run " + std::to_string(runId) + " is not running (" + run->status + ")"));
    if (run->status == "queued" && run->pid == 0) {
        // Not started: it never will be.
        Run stopped = *run;
        stopped.status = "stopped";
        stopped.finishedUs = nowUs();
        if (auto u = store.updateRunIf(stopped, "queued", "queued", 0); !u)
            return fail(u.error());
        else if (*u)
            return {};
        run = store.run(runId); // it started meanwhile
        if (!run)
            return fail(run.error());
    }
    // A trial of a search runs inside the search's process: its stop file ends that trial, the search goes on.
    if (run->parent) {
        QFile f(QString::fromStdString(run->dir + "/stop"));
        (void)f.open(QIODevice::WriteOnly);
        return {};
    }
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
        // Read again: the run may have finished between the listing and now; the update below only applies
        // while it is still unfinished with that process.
        auto fresh = store.run(r.id);
        if (!fresh || (fresh->status != "running" && fresh->status != "queued") || runProcessAlive(*fresh))
            continue;
        const int64_t pid = fresh->pid;
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
        fresh->metrics = json::toString(metrics);
        fresh->status = "failed";
        fresh->finishedUs = nowUs();
        auto updated = store.updateRunIf(*fresh, "running", "queued", pid);
        if (updated && *updated) {
            signalOrphanedCommand(*fresh, SIGKILL); // a script it left running would go on writing to the run
            ++marked;
        }
    }
    return marked;
}


} // namespace gw::activelearning
