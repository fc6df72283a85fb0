// gw: the Groundwork command line. Every operation that is not drawing runs here on the same libraries as the
// GUI, for scripts, tests and machines without a display.

#include "app/cli/cli.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <unistd.h>

#include <cstdio>
#include <clocale>
#include <cstring>
#include <map>
#include <memory>

namespace {

const char *const kUsage = R"(usage: gw <command> [options]

Groundwork: data labeling and datasets, Ground Truth compatible.

Every command takes a team project's postgresql://USER@HOST/DB address where it takes PROJECT.

Commands:
  init PROJECT.gwproj              create a project
  import PROJECT PATH...           add images (folders, files), texts (.txt .csv .tsv .jsonl) or manifests
  import PROJECT PATH --format ID  labelled datasets of other tools (COCO, YOLO, class folders, ...)
  job create PROJECT ...           define a labeling job (name = label attribute, type, classes), or a
                                   review (--review-of), verification (--verify-of) or adjustment (--adjust-of)
  job list|set|add-class|rename-class|edit-class|remove-class PROJECT ...
  job convert PROJECT --from J --to NAME --type T   objects to masks or boxes, masks or boxes to objects
  info PROJECT                     counts by job, class and source
  items PROJECT [filters]          list items
  label PROJECT --job J ...        set a human label (classes, boxes, spans or a mask)
  history PROJECT --job J --item N every version of an item's label
  changes PROJECT                  the project's change log
  export PROJECT --out PATH        write a Ground Truth manifest, or --format coco|yolo|... --job J
  eda PROJECT [--job J]            statistics: class balance, sizes, boxes, words, confidence, annotators
  set-aside PROJECT --item N       take items out of the dataset (--restore brings them back)
  sagemaker request|pipe ...       CreateTrainingJob request JSON; Pipe-mode RecordIO stream of a manifest
  train PROJECT --version V        train the built-in classifier on a dataset version (--range: a search)
  run-script PROJECT --command C   run a training program SageMaker's way, recorded as a run
  stop PROJECT RUN                 stop a running run (and the processes it started)
  use-model PROJECT RUN --job J    automated labeling starts from that run's model (--clear: from scratch)
  versions PROJECT                 dataset versions (every export); export --version V writes one again
  formats                          the dataset formats export and import --format know
  split PROJECT [--job J]          train/validation/test splits: stratified, grouped, seeded
  import-labels PROJECT MANIFEST   read labels from a Ground Truth output manifest
  autolabel PROJECT --job J        one round of automated labeling (train, calibrate, auto-label, queue)
  simulate PROJECT --job J --oracle truth.jsonl   run the loop to the end with a simulated annotator
  runs PROJECT [--compare A,B]     runs (labeling rounds, trainings, scripts, searches), or side by side
  import-responses PROJECT DIR --job J   a Ground Truth worker-response folder as each worker's answers
  export-responses PROJECT --job J --out DIR   each worker's answers in Ground Truth's worker-response layout
  consolidate PROJECT --job J      one label per item from several workers' answers (Dawid-Skene or majority)
  workers PROJECT --job J          each worker's answers, queue, pace, estimated accuracy and agreement
  queue PROJECT --job J --worker W a worker's items (--take N hands out work, --return gives it back)
  review PROJECT --job R --item N  accept or reject (with a reason) a label; a rejected item is labeled again
  package PROJECT --job J --worker W --out W.gwproj   a work package: items to label offline
  server init URL                  make an empty PostgreSQL database a team project (URL: postgresql://...)
  server add-user URL NAME --role annotator|reviewer|lead   a person of the team (password from stdin)
  server whoami PROJECT            who you are in a project and your role
  publish PROJECT.gwproj URL       upload a project file to a new team project
  clone URL PROJECT.gwproj         a local copy of a team project (offline, or to keep)
  merge PROJECT PACKAGE            bring a work package's answers back

'gw <command> --help' describes a command's options.

Exit codes: 0 ok, 1 I/O or database error, 2 usage, 3 invalid input (bad manifest line, unknown class, box
out of range, ...), 4 not found, 5 conflict (already exists, or project busy), 130 cancelled.
)";

} // namespace

/// `gw eda --out` draws charts (Qt Charts need a QApplication); without a display it draws offscreen.
bool needsGui(int argc, char **argv)
{
    if (argc < 2 || std::strcmp(argv[1], "eda") != 0)
        return false;
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "--out") == 0 || std::strncmp(argv[i], "--out=", 6) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    const bool gui = needsGui(argc, argv);
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (gui && qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) { // spares Qt's warning about it
        const QByteArray dir = QDir::tempPath().toLocal8Bit() + "/gw-runtime-" + QByteArray::number(getuid());
        QDir().mkpath(QString::fromLocal8Bit(dir));
        QFile::setPermissions(QString::fromLocal8Bit(dir), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir);
    }
    std::unique_ptr<QCoreApplication> application =
        gui ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    // Qt adopts the user's locale; numbers in files, arguments and logs are always written with a '.'.
    std::setlocale(LC_NUMERIC, "C");
    QCoreApplication::setApplicationName(QStringLiteral("gw"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GW_VERSION));
    using namespace gw::cli;
    const std::map<std::string, Command> commands = {
        {"init", cmdInit},          {"import", cmdImport},   {"import-labels", cmdImportLabels},
        {"export", cmdExport},      {"info", cmdInfo},       {"items", cmdItems},
        {"job", cmdJob},            {"label", cmdLabel},     {"history", cmdHistory},
        {"changes", cmdChanges},    {"autolabel", cmdAutolabel}, {"simulate", cmdSimulate},
        {"runs", cmdRuns},          {"formats", cmdFormats}, {"split", cmdSplit},
        {"versions", cmdVersions},  {"eda", cmdEda},      {"set-aside", cmdSetAside},
        {"sagemaker", cmdSageMaker}, {"run-script", cmdRunScript},
        {"train", cmdTrain},        {"run-exec", cmdRunExec}, {"stop", cmdStop},
        {"use-model", cmdUseModel}, {"import-responses", cmdImportResponses}, {"consolidate", cmdConsolidate},
        {"workers", cmdWorkers},    {"queue", cmdQueue}, {"review", cmdReview},
        {"package", cmdPackage},    {"merge", cmdMerge},
        {"export-responses", cmdExportResponses},
        {"server", cmdServer},      {"publish", cmdPublish}, {"clone", cmdClone},
    };
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QStringLiteral("--help") || args.at(1) == QStringLiteral("-h")
        || args.at(1) == QStringLiteral("help")) {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    if (args.at(1) == QStringLiteral("--version")) {
        std::printf("gw %s\n", GW_VERSION);
        return ExitOk;
    }
    const auto it = commands.find(str(args.at(1)));
    if (it == commands.end()) {
        std::fprintf(stderr, "gw: unknown command '%s'\n\n%s", str(args.at(1)).c_str(), kUsage);
        return ExitUsage;
    }
    // The subcommand parser sees "gw <command>" as its program name.
    QStringList rest = args.mid(1);
    if (it->first != "job" && it->first != "sagemaker" && it->first != "server")
        rest[0] = QStringLiteral("gw ") + args.at(1);
    return it->second(rest);
}
