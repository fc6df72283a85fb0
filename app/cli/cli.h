#pragma once

// Shared pieces of the `gw` command-line tool: argument parsing per subcommand, exit codes, output.

#include "datasets/json.h"
#include "datasets/manifest.h"
#include "datasets/projectstore.h"

#include <QCommandLineParser>
#include <QStringList>

#include <functional>
#include <memory>
#include <string>

namespace gw::cli {

/// Exit codes, documented in `gw --help` and the README.
enum Exit : int {
    ExitOk = 0,
    ExitError = 1,    ///< I/O or database failure
    ExitUsage = 2,    ///< wrong arguments
    ExitInvalid = 3,  ///< bad input data: malformed manifest line, unknown class, box out of range, ...
    ExitNotFound = 4, ///< no such project, job, item or file
    ExitConflict = 5, ///< already exists, or the project is busy
    ExitCancelled = 130,
};

int exitCodeFor(const Error &e);
/// Prints "gw: <message>" on stderr and returns the matching exit code.
int report(const Error &e);
int usageError(const QCommandLineParser &parser, const std::string &message);

/// Parses args for one subcommand; adds --help. Returns false (with exitCode set) when the caller should stop.
bool parseArgs(QCommandLineParser &parser, const QStringList &args, const QString &usage, const QString &description,
               int positionalCount, int &exitCode);

std::string str(const QString &s);
QString qstr(const std::string &s);

/// Opens a project file or a team project (postgresql://...). On a team server your labels are recorded under your
/// login, which the server checks: GW_AUTHOR defaults to it.
Result<std::unique_ptr<datasets::ProjectStore>> openProject(const QString &path);

struct ProjectAndJob
{
    std::unique_ptr<datasets::ProjectStore> store;
    datasets::Job job;
};
/// Opens a project and finds one of its jobs.
Result<ProjectAndJob> openProjectAndJob(const QString &project, const QString &job);

/// Every value of a repeatable KEY=VALUE option through add; false (with the usage error's code) on a bad one.
bool readPairs(const QCommandLineParser &p, const QCommandLineOption &option, const char *form,
               const std::function<void(std::string, std::string)> &add, int &code);

/// Who a label is recorded as: GW_AUTHOR, else the login name.
std::string defaultAuthor();
/// --worker NAME (alias --author): who a command's labels and changes are recorded as.
const QCommandLineOption &workerOption();
/// The --worker given to p (which must have workerOption()), else defaultAuthor().
std::string workerOf(const QCommandLineParser &p);

/// Progress of long work on stderr: a live line on a terminal, a line per 10% otherwise.
class Progress
{
public:
    explicit Progress(std::string what);
    ~Progress();
    bool operator()(int64_t done, int64_t total);

private:
    std::string m_what;
    bool m_tty;
    int m_lastPercent = -1;
    int64_t m_lastPrintMs = 0;
    bool m_printed = false;
};

void printJson(const json::Value &v);
const QCommandLineOption &jsonOption();
/// --replace and --keep-duplicates of the imports (datasets/importpolicy.h).
const QCommandLineOption &replaceOption();
const QCommandLineOption &keepDuplicatesOption();
/// --overwrite: outputs replace an earlier output at their target (datasets/output.h).
const QCommandLineOption &overwriteOption();
void printImportReport(const std::string &path, const datasets::ImportReport &r, bool asJson);

/// The options of `gw import --format` and `gw export`: format, job, splits, format settings.
struct FormatArgs
{
    explicit FormatArgs(bool exporting);
    QCommandLineOption format, job, split, option, addClasses, includeUnlabeled, onlyLabeled, augment;
    bool exporting;
    void add(QCommandLineParser &p) const;
};
/// gw import PROJECT PATH... --format ID: each path through the format's reader.
int importWithFormat(const QCommandLineParser &p, const FormatArgs &args);

using Command = std::function<int(const QStringList &args)>;

int cmdInit(const QStringList &args);
int cmdImport(const QStringList &args);
int cmdImportLabels(const QStringList &args);
int cmdExport(const QStringList &args);
int cmdFormats(const QStringList &args);
int cmdSplit(const QStringList &args);
int cmdVersions(const QStringList &args);
int cmdEda(const QStringList &args);
int cmdSetAside(const QStringList &args);
int cmdSageMaker(const QStringList &args);
int cmdRunScript(const QStringList &args);
int cmdTrain(const QStringList &args);
int cmdRunExec(const QStringList &args);
int cmdStop(const QStringList &args);
int cmdUseModel(const QStringList &args);
int cmdInfo(const QStringList &args);
int cmdItems(const QStringList &args);
int cmdJob(const QStringList &args);
int cmdLabel(const QStringList &args);
int cmdHistory(const QStringList &args);
int cmdChanges(const QStringList &args);
int cmdAutolabel(const QStringList &args);
int cmdSimulate(const QStringList &args);
int cmdRuns(const QStringList &args);
int cmdImportResponses(const QStringList &args);
int cmdConsolidate(const QStringList &args);
int cmdWorkers(const QStringList &args);
int cmdQueue(const QStringList &args);
int cmdReview(const QStringList &args);
int cmdPackage(const QStringList &args);
int cmdMerge(const QStringList &args);
int cmdExportResponses(const QStringList &args);
int cmdServer(const QStringList &args);
int cmdPublish(const QStringList &args);
int cmdClone(const QStringList &args);

} // namespace gw::cli
