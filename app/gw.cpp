// gw: the Groundwork command line. Every operation that is not drawing runs here on the same libraries as the
// GUI, for scripts, tests and machines without a display.

#include "app/cli/cli.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <map>

namespace {

const char *const kUsage = R"(usage: gw <command> [options]

Groundwork: data labeling and datasets, Ground Truth compatible.

Commands:
  init PROJECT.gwproj              create a project
  import PROJECT PATH...           add images (folders, files), texts (.txt .csv .tsv .jsonl) or manifests
  import PROJECT PATH --format ID  labelled datasets of other tools (COCO, YOLO, class folders, ...)
  job create PROJECT ...           define a labeling job (name = label attribute, type, classes)
  job list|add-class|rename-class|remove-class PROJECT ...
  info PROJECT                     counts by job, class and source
  items PROJECT [filters]          list items
  label PROJECT --job J ...        set a human label (classes, boxes, spans or a mask)
  history PROJECT --job J --item N every version of an item's label
  changes PROJECT                  the project's change log
  export PROJECT --out PATH        write a Ground Truth manifest, or --format coco|yolo|... --job J
  eda PROJECT [--job J]            statistics: class balance, sizes, boxes, words, confidence, annotators
  versions PROJECT                 dataset versions (every export); export --version V writes one again
  formats                          the dataset formats export and import --format know
  split PROJECT [--job J]          train/validation/test splits: stratified, grouped, seeded
  import-labels PROJECT MANIFEST   read labels from a Ground Truth output manifest
  autolabel PROJECT --job J        one round of automated labeling (train, calibrate, auto-label, queue)
  simulate PROJECT --job J --oracle truth.jsonl   run the loop to the end with a simulated annotator
  runs PROJECT                     automated-labeling rounds with their figures

'gw <command> --help' describes a command's options.

Exit codes: 0 ok, 1 I/O or database error, 2 usage, 3 invalid input (bad manifest line, unknown class, box
out of range, ...), 4 not found, 5 conflict (already exists, or project busy), 130 cancelled.
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gw"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GW_VERSION));
    using namespace gw::cli;
    const std::map<std::string, Command> commands = {
        {"init", cmdInit},          {"import", cmdImport},   {"import-labels", cmdImportLabels},
        {"export", cmdExport},      {"info", cmdInfo},       {"items", cmdItems},
        {"job", cmdJob},            {"label", cmdLabel},     {"history", cmdHistory},
        {"changes", cmdChanges},    {"autolabel", cmdAutolabel}, {"simulate", cmdSimulate},
        {"runs", cmdRuns},          {"formats", cmdFormats}, {"split", cmdSplit},
        {"versions", cmdVersions},  {"eda", cmdEda},
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
    if (it->first != "job")
        rest[0] = QStringLiteral("gw ") + args.at(1);
    return it->second(rest);
}
