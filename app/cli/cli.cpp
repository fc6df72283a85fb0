#include "app/cli/cli.h"

#include "datasets/teamserver.h"

#include "labeling/labelingsession.h"

#include <QElapsedTimer>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace gw::cli {

int exitCodeFor(const Error &e)
{
    switch (e.code) {
    case Error::Code::Invalid: return ExitInvalid;
    case Error::Code::NotFound: return ExitNotFound;
    case Error::Code::Conflict:
    case Error::Code::Busy: return ExitConflict;
    case Error::Code::Cancelled: return ExitCancelled;
    case Error::Code::Io:
    case Error::Code::Internal: return ExitError;
    }
    return ExitError;
}

int report(const Error &e)
{
    std::fprintf(stderr, "gw: %s\n", e.message.c_str());
    return exitCodeFor(e);
}

namespace {

QString g_program = QStringLiteral("gw"); ///< "gw <command>", for help texts

/// Qt's help text with the command's name in the usage line (Qt puts the executable's path there) and without
/// the placeholder that carries the usage words.
QString helpOf(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    const QString usage = QStringLiteral("Usage: ");
    if (text.startsWith(usage)) {
        const qsizetype options = text.indexOf(QStringLiteral(" [options]"));
        if (options > 0)
            text.replace(usage.size(), options - usage.size(), g_program);
    }
    const qsizetype arguments = text.lastIndexOf(QStringLiteral("\nArguments:\n  args"));
    if (arguments >= 0)
        text.truncate(arguments + 1);
    return text;
}

} // namespace

int usageError(const QCommandLineParser &parser, const std::string &message)
{
    std::fprintf(stderr, "gw: %s\n\n%s", message.c_str(), helpOf(parser).toLocal8Bit().constData());
    return ExitUsage;
}

bool parseArgs(QCommandLineParser &parser, const QStringList &args, const QString &usage,
               const QString &description, int positionalCount, int &exitCode)
{
    if (!args.isEmpty())
        g_program = args.first();
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    parser.addPositionalArgument(QStringLiteral("args"), QString(), usage);
    if (!parser.parse(args)) {
        exitCode = usageError(parser, str(parser.errorText()));
        return false;
    }
    if (parser.isSet(help)) {
        std::fputs(helpOf(parser).toLocal8Bit().constData(), stdout);
        exitCode = ExitOk;
        return false;
    }
    if (positionalCount >= 0 && parser.positionalArguments().size() < positionalCount) {
        exitCode = usageError(parser, "missing arguments");
        return false;
    }
    return true;
}

std::string str(const QString &s)
{
    return s.toStdString();
}

QString qstr(const std::string &s)
{
    return QString::fromStdString(s);
}

Result<std::unique_ptr<datasets::ProjectStore>> openProject(const QString &path)
{
    auto store = datasets::ProjectStore::open(str(path), datasets::ProjectStore::OpenMode::OpenExisting);
    if (store && qEnvironmentVariableIsEmpty("GW_AUTHOR"))
        if (const std::string user = datasets::teamserver::userOf(**store); !user.empty())
            qputenv("GW_AUTHOR", QByteArray::fromStdString(user));
    return store;
}

Result<ProjectAndJob> openProjectAndJob(const QString &project, const QString &job)
{
    auto store = openProject(project);
    if (!store)
        return fail(store.error());
    auto j = (*store)->job(str(job));
    if (!j)
        return fail(j.error());
    return ProjectAndJob{std::move(*store), std::move(*j)};
}

std::string defaultAuthor()
{
    return labeling::LabelingSession::defaultAuthor();
}

const QCommandLineOption &workerOption()
{
    static const QCommandLineOption o(QStringList{QStringLiteral("worker"), QStringLiteral("author")},
                                      QStringLiteral("The worker this is recorded as (default: $GW_AUTHOR or $USER)."),
                                      QStringLiteral("name"));
    return o;
}

std::string workerOf(const QCommandLineParser &p)
{
    const QString w = p.value(QStringLiteral("worker")).trimmed();
    return w.isEmpty() ? defaultAuthor() : str(w);
}

static int64_t monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Progress::Progress(std::string what) : m_what(std::move(what)), m_tty(isatty(STDERR_FILENO) != 0) {}

Progress::~Progress()
{
    if (m_tty && m_printed)
        std::fputc('\n', stderr);
}

bool Progress::operator()(int64_t done, int64_t total)
{
    const int percent = total > 0 ? int(done * 100 / total) : 0;
    const int64_t now = monotonicMs();
    if (m_tty) {
        if (now - m_lastPrintMs < 100 && percent != 100)
            return true;
        std::fprintf(stderr, "\r%s: %3d%%", m_what.c_str(), percent);
        m_printed = true;
    } else if (percent / 10 != m_lastPercent / 10) {
        std::fprintf(stderr, "%s: %d%%\n", m_what.c_str(), percent);
    }
    m_lastPercent = percent;
    m_lastPrintMs = now;
    return true;
}

void printJson(const json::Value &v)
{
    std::string s = json::toString(v);
    s += '\n';
    std::fwrite(s.data(), 1, s.size(), stdout);
}

} // namespace gw::cli
