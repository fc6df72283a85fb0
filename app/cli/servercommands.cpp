// gw server init|add-user|whoami, gw publish, gw clone: a project on a team server (PostgreSQL). Every other gw command
// takes the server's postgresql:// URL wherever it takes a project file.

#include "app/cli/cli.h"

#include "datasets/pg.h"
#include "datasets/teamserver.h"

#include <QCommandLineParser>

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace gw::cli {

using namespace gw::datasets;
namespace ts = gw::datasets::teamserver;

namespace {

/// A password from GW_PASSWORD, else the first line of standard input (asked for without echo on a terminal): never
/// from the command line, where every user of the machine sees it (ps).
std::string readPassword(const std::string &forWhom)
{
    if (const char *env = std::getenv("GW_PASSWORD"); env && *env)
        return env;
    const bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::fprintf(stderr, "password for %s: ", forWhom.c_str());
        std::fflush(stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputc('\n', stderr);
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

int serverInit(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("URL"),
                   QStringLiteral("Makes the empty PostgreSQL database at URL (postgresql://OWNER@HOST/DB) a team "
                                  "project: the tables, and the roles DB:annotator, DB:reviewer and DB:lead whose "
                                  "rights the server enforces. OWNER owns the database and may create roles."),
                   1, code))
        return code;
    const std::string url = str(p.positionalArguments().at(0));
    if (!pg::isServerUrl(url))
        return usageError(p, "URL is a postgresql:// address (for a project file, gw init)");
    auto store = ProjectStore::open(url, ProjectStore::OpenMode::Create);
    if (!store)
        return report(store.error());
    std::printf("team project created at %s\nadd people with: gw server add-user %s NAME --role annotator|reviewer|lead\n",
                pg::redacted(url).c_str(), pg::redacted(url).c_str());
    return ExitOk;
}

int serverAddUser(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption role(QStringLiteral("role"),
                                  QStringLiteral("annotator (answers items handed to them), reviewer (also reviews and "
                                                 "fixes anyone's labels) or lead (also jobs, classes, imports, "
                                                 "automated labeling, exports)."),
                                  QStringLiteral("role"));
    p.addOptions({role});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("URL NAME --role ROLE"),
                   QStringLiteral("Gives NAME a role in the team project at URL (a new login, or another role for an "
                                  "existing one). The password comes from GW_PASSWORD or standard input, never from "
                                  "the command line; an existing login keeps its password when none is given."),
                   2, code))
        return code;
    const auto r = ts::roleFromName(str(p.value(role)));
    if (!r)
        return usageError(p, "--role is annotator, reviewer or lead");
    const std::string name = str(p.positionalArguments().at(1));
    const std::string password = readPassword(name);
    if (auto added = ts::addUser(str(p.positionalArguments().at(0)), name, *r, password); !added)
        return report(added.error());
    std::printf("%s is a%s %s of %s\n", name.c_str(), *r == ts::Role::Annotator ? "n" : "",
                std::string(ts::roleName(*r)).c_str(), pg::redacted(str(p.positionalArguments().at(0))).c_str());
    return ExitOk;
}

int serverWhoami(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("Who you are in a project and what your role lets you do."), 1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto role = ts::roleOf(**store);
    if (!role)
        return report(role.error());
    std::printf("%s: %s, %s\n", (*store)->path().c_str(), defaultAuthor().c_str(),
                std::string(ts::roleName(*role)).c_str());
    return ExitOk;
}

void printCopy(const char *what, const ts::CopyReport &r, const std::string &to)
{
    std::printf("%s %lld items, %lld labels, %lld jobs to %s\n", what, static_cast<long long>(r.items),
                static_cast<long long>(r.labels), static_cast<long long>(r.jobs), to.c_str());
}

} // namespace

int cmdServer(const QStringList &args)
{
    const QString sub = args.size() > 1 ? args.at(1) : QString();
    const QStringList rest = QStringList{QStringLiteral("gw server ") + sub} + args.mid(2);
    if (sub == QStringLiteral("init"))
        return serverInit(rest);
    if (sub == QStringLiteral("add-user"))
        return serverAddUser(rest);
    if (sub == QStringLiteral("whoami"))
        return serverWhoami(rest);
    std::fprintf(stderr, "usage: gw server <init|add-user|whoami> ... (--help on each for details)\n");
    return sub == QStringLiteral("--help") || sub == QStringLiteral("-h") ? ExitOk : ExitUsage;
}

int cmdPublish(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT.gwproj URL"),
                   QStringLiteral("Uploads a project file to a new team project at URL (an empty database its user "
                                  "owns): everything, with ids and history, all or nothing. Media stay where they are: "
                                  "each person's GW_MEDIA_ROOT, else the project's folder, is where they are found."),
                   2, code))
        return code;
    const std::string url = str(p.positionalArguments().at(1));
    if (!pg::isServerUrl(url))
        return usageError(p, "URL is a postgresql:// address");
    auto r = ts::publish(str(p.positionalArguments().at(0)), url);
    if (!r)
        return report(r.error());
    printCopy("published", *r, pg::redacted(url));
    return ExitOk;
}

int cmdClone(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("URL PROJECT.gwproj"),
                   QStringLiteral("Makes a local project file with everything the team project at URL holds (to "
                                  "work offline, or to keep). An existing file is never replaced."),
                   2, code))
        return code;
    const std::string url = str(p.positionalArguments().at(0));
    if (!pg::isServerUrl(url))
        return usageError(p, "URL is a postgresql:// address");
    auto r = ts::clone(url, str(p.positionalArguments().at(1)));
    if (!r)
        return report(r.error());
    printCopy("cloned", *r, str(p.positionalArguments().at(1)));
    return ExitOk;
}

} // namespace gw::cli
