// gw train / run-script / run-exec / stop / runs / use-model: training runs as separate processes, recorded
// as the project's experiments (activelearning/runs.h).

#include "app/cli/cli.h"

#include "activelearning/autolabeler.h"
#include "activelearning/runs.h"

#include <atomic>
#include <csignal>
#include <signal.h>
#include <cstdio>

namespace gw::cli {

using namespace gw::activelearning;

namespace {

std::atomic<bool> g_stop{false};

void onStopSignal(int) { g_stop = true; }

/// SIGINT and SIGTERM ask the run to stop (it records itself as stopped); a second one ends it at once.
void installStopHandlers()
{
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

/// Runs a created run here (foreground: log on stdout, Ctrl+C stops it) or hands it to a detached process.
int startRun(datasets::ProjectStore &store, const datasets::Run &run, bool detach, bool echo = true)
{
    if (detach) {
        auto pid = launchRun(store, run.id, gwProgram());
        if (!pid) {
            datasets::Run failed = run;
            json::Object metrics;
            metrics.set("failure", pid.error().message);
            failed.metrics = json::toString(json::Value(std::move(metrics)));
            failed.status = "failed";
            failed.finishedUs = datasets::nowUs();
            (void)store.updateRunIf(failed, "queued", "queued", 0);
            return report(pid.error());
        }
        std::printf("%lld\n", static_cast<long long>(run.id));
        std::fprintf(stderr, "gw: run %lld started in process %lld; follow it in %s/log.txt, stop it with gw stop\n",
                     static_cast<long long>(run.id), static_cast<long long>(*pid), run.dir.c_str());
        return ExitOk;
    }
    if (echo) { // run-exec installed its handlers first thing, and may have been asked to stop already
        g_stop = false;
        installStopHandlers();
    }
    std::function<void(const std::string &)> print;
    if (echo)
        print = [](const std::string &line) {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        };
    auto done = executeRun(store, run.id, g_stop, print);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!done)
        return report(done.error());
    const std::string failure = runMetricText(*done, "failure");
    std::fprintf(stderr, "gw: run %lld %s in %.1f s%s%s; its directory: %s\n", static_cast<long long>(done->id),
                 done->status.c_str(), runSeconds(*done), failure.empty() ? "" : ": ", failure.c_str(),
                 done->dir.c_str());
    return done->status == "done" ? ExitOk : done->status == "stopped" ? ExitCancelled : ExitError;
}

const QCommandLineOption &detachOption()
{
    static const QCommandLineOption o(QStringLiteral("detach"),
                                      QStringLiteral("Start the run as a background process and return its id at once."));
    return o;
}

const QCommandLineOption &hpOption()
{
    static const QCommandLineOption o(QStringLiteral("hp"), QStringLiteral("A hyperparameter KEY=VALUE (repeatable)."),
                                      QStringLiteral("key=value"));
    return o;
}

} // namespace

int cmdTrain(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("The dataset version to train on (gw versions)."),
                                     QStringLiteral("id"));
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job whose labels train (default: the version's only job)."),
                                 QStringLiteral("name"));
    const QCommandLineOption range(QStringLiteral("range"),
                                   QStringLiteral("Search a hyperparameter: NAME=log:MIN:MAX, linear:MIN:MAX, int:MIN:MAX or "
                                                  "choice:A,B,... (repeatable; makes the run a search)."),
                                   QStringLiteral("name=spec"));
    const QCommandLineOption trials(QStringLiteral("trials"), QStringLiteral("Search trials (default 6; grid: at most this many)."),
                                    QStringLiteral("n"), QStringLiteral("6"));
    const QCommandLineOption method(QStringLiteral("method"), QStringLiteral("Search method: random (default) or grid."),
                                    QStringLiteral("m"), QStringLiteral("random"));
    p.addOptions({version, job, hpOption(), range, trials, method, detachOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --version V [--hp k=v] [--range k=spec --trials N] [--detach]"),
                   QStringLiteral("Trains the built-in image or text classifier on a dataset version's train split, "
                                  "with early stopping on its validation split and an evaluation on its test split; "
                                  "writes model/model.pt (TorchScript) and model/metrics.json in the run directory. "
                                  "Hyperparameters: epochs, batch_size, learning_rate, patience, seed, threads, "
                                  "image_size, channels, augment. With --range it is a hyperparameter search: trials "
                                  "below the median of the completed ones are stopped early (median stopping rule)."),
                   1, code))
        return code;
    if (!p.isSet(version))
        return usageError(p, "--version is required (gw versions lists the dataset versions)");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    RunRequest request;
    request.versionId = p.value(version).toLongLong();
    request.job = str(p.value(job));
    if (!readPairs(p, hpOption(), "KEY=VALUE", [&](std::string k, std::string v) { request.hyperparameters[k] = std::move(v); }, code)
        || !readPairs(p, range, "NAME=SPEC", [&](std::string k, std::string v) { request.ranges[k] = std::move(v); }, code))
        return code;
    if (!request.ranges.empty()) {
        request.kind = "search";
        request.trials = p.value(trials).toInt();
        request.method = str(p.value(method));
    }
    auto run = createRun(**store, request);
    if (!run)
        return report(run.error());
    return startRun(**store, *run, p.isSet(detachOption()));
}

int cmdRunScript(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption command(QStringLiteral("command"), QStringLiteral("The training command (run by /bin/sh)."),
                                     QStringLiteral("cmd"));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("A dataset version (gw versions): its manifest is the train channel."),
                                     QStringLiteral("id"));
    const QCommandLineOption channel(QStringLiteral("channel"),
                                     QStringLiteral("NAME=MANIFEST, another channel (repeatable)."), QStringLiteral("name=file"));
    const QCommandLineOption metric(QStringLiteral("metric"),
                                    QStringLiteral("NAME=REGEX: a metric taken from the log (first group; repeatable)."),
                                    QStringLiteral("name=regex"));
    p.addOptions({command, version, channel, hpOption(), metric, detachOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --command CMD [--version V] [--hp k=v] [--metric name=regex] [--detach]"),
                   QStringLiteral("Runs a training program SageMaker's way on this machine: a run directory "
                                  "(NAME.runs/run-<id>) laid out like /opt/ml (hyperparameters.json, "
                                  "inputdataconfig.json, input/data/<channel>/, model/, output/failure) and "
                                  "SageMaker's SM_* variables; the log streams here, metrics come from it by regular "
                                  "expression, and the run is recorded (gw runs). Ctrl+C stops the run's whole "
                                  "process tree."),
                   1, code))
        return code;
    if (!p.isSet(command))
        return usageError(p, "--command is required");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    RunRequest request;
    request.kind = "script";
    request.command = str(p.value(command));
    if (p.isSet(version))
        request.versionId = p.value(version).toLongLong();
    if (!readPairs(p, hpOption(), "KEY=VALUE", [&](std::string k, std::string v) { request.hyperparameters[k] = std::move(v); }, code)
        || !readPairs(p, metric, "NAME=REGEX",
                      [&](std::string k, std::string v) { request.metricDefinitions.emplace_back(std::move(k), std::move(v)); }, code)
        || !readPairs(p, channel, "NAME=MANIFEST",
                      [&](std::string k, std::string v) { request.channels.emplace_back(std::move(k), std::move(v)); }, code))
        return code;
    auto run = createRun(**store, request);
    if (!run)
        return report(run.error());
    return startRun(**store, *run, p.isSet(detachOption()));
}

int cmdRunExec(const QStringList &args)
{
    // A stop can come at once: from here on SIGTERM is a request the run records, never a silent death.
    g_stop = false;
    installStopHandlers();
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT RUN"),
                   QStringLiteral("Runs a queued run in this process (what the app and --detach start in the "
                                  "background). SIGTERM stops it."),
                   2, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto run = (*store)->run(p.positionalArguments().at(1).toLongLong());
    if (!run)
        return report(run.error());
    return startRun(**store, *run, false, false); // the log is in log.txt; stdout goes to process.txt
}

int cmdStop(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT RUN"),
                   QStringLiteral("Asks a run to stop (its process and the processes it started); the run records "
                                  "itself as stopped."),
                   2, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    if (auto r = stopRun(**store, p.positionalArguments().at(1).toLongLong()); !r)
        return report(r.error());
    return ExitOk;
}

int cmdUseModel(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job whose automated labeling starts from the model."),
                                 QStringLiteral("name"));
    const QCommandLineOption clear(QStringLiteral("clear"), QStringLiteral("Start from scratch again."));
    p.addOptions({job, clear});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT [RUN] --job J [--clear]"),
                   QStringLiteral("Makes automated labeling of a job start every round from the model of a finished "
                                  "training run (a warm start), for everyone sharing the project."),
                   -1, code))
        return code;
    if (p.positionalArguments().isEmpty() || !p.isSet(job) || (p.positionalArguments().size() < 2 && !p.isSet(clear)))
        return usageError(p, "give the project, a run and --job (or --clear)");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    const int64_t run = p.isSet(clear) ? 0 : p.positionalArguments().at(1).toLongLong();
    if (auto r = setStartModelRun(**store, str(p.value(job)), run); !r)
        return report(r.error());
    std::fprintf(stderr, run ? "gw: automated labeling of %s starts from run %lld's model\n"
                             : "gw: automated labeling of %s starts from scratch%.0lld\n",
                 str(p.value(job)).c_str(), static_cast<long long>(run));
    return ExitOk;
}

int cmdRuns(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("Only this job's runs."), QStringLiteral("name"));
    const QCommandLineOption asJson(QStringLiteral("json"), QStringLiteral("JSON Lines: every run with its metrics."));
    const QCommandLineOption compare(QStringLiteral("compare"),
                                     QStringLiteral("Runs side by side (comma-separated ids): parameters, final metrics "
                                                    "and validation curves."),
                                     QStringLiteral("ids"));
    p.addOptions({job, asJson, compare});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("The project's runs: automated-labeling rounds, trainings, scripts and searches."), 1,
                   code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    (void)refreshRuns(**store); // runs whose process died are marked failed
    if (p.isSet(compare)) {
        std::vector<datasets::Run> runs;
        for (const QString &id : p.value(compare).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto r = (*store)->run(id.trimmed().toLongLong());
            if (!r)
                return report(r.error());
            runs.push_back(*r);
        }
        std::printf("%-22s", "run");
        for (const auto &r : runs)
            std::printf(" %14lld", static_cast<long long>(r.id));
        std::printf("\n");
        for (const ComparisonRow &row : compareRuns(runs)) {
            std::printf("%-22s", row.field.c_str());
            for (const std::string &v : row.values)
                std::printf(" %14s", v.empty() ? "-" : v.c_str());
            std::printf("\n");
        }
        // The validation accuracy curves, epoch by epoch.
        std::vector<std::map<int, double>> curves;
        int epochs = 0;
        for (const auto &r : runs) {
            std::map<int, double> c;
            for (const MetricPoint &m : readMetrics(r.dir))
                if (m.name == "validation_accuracy") {
                    c[m.step] = m.value;
                    epochs = std::max(epochs, m.step);
                }
            curves.push_back(std::move(c));
        }
        if (epochs > 0) {
            std::printf("\nvalidation_accuracy by epoch\n");
            for (int e = 1; e <= epochs; ++e) {
                std::printf("%-22d", e);
                for (const auto &c : curves) {
                    auto it = c.find(e);
                    std::printf(" %14s", it == c.end() ? "-" : std::to_string(it->second).substr(0, 6).c_str());
                }
                std::printf("\n");
            }
        }
        return ExitOk;
    }
    int64_t jobId = 0;
    if (p.isSet(job)) {
        auto j = (*store)->job(str(p.value(job)));
        if (!j)
            return report(j.error());
        jobId = j->id;
    }
    auto runs = (*store)->runs(jobId);
    if (!runs)
        return report(runs.error());
    for (const datasets::Run &r : *runs) {
        json::Value params, metrics;
        json::parse(r.params, params);
        json::parse(r.metrics, metrics);
        if (p.isSet(asJson)) {
            json::Object o;
            o.set("id", r.id);
            o.set("kind", r.kind);
            o.set("job", r.jobId);
            o.set("status", r.status);
            if (r.parent)
                o.set("parent", r.parent);
            if (!r.dir.empty())
                o.set("dir", r.dir);
            o.set("seconds", runSeconds(r));
            o.set("params", params);
            o.set("metrics", metrics);
            printJson(json::Value(std::move(o)));
            continue;
        }
        auto num = [&](const char *k) { return metrics.find(k) ? json::toString(*metrics.find(k)) : std::string("-"); };
        if (r.kind == "autolabel") {
            std::printf("run %lld  %-10s %-8s iteration %s  people %s  auto %s  threshold %s  estimated %s  audited %s\n",
                        static_cast<long long>(r.id), r.kind.c_str(), r.status.c_str(), num("iteration").c_str(),
                        num("human_labels").c_str(), num("auto_labeled_total").c_str(), num("threshold").c_str(),
                        num("estimated_accuracy").c_str(), num("audited_accuracy").c_str());
            continue;
        }
        auto request = requestOf(r);
        std::string what = request && request->versionId ? "version " + std::to_string(request->versionId) : "";
        if (r.parent)
            what += (what.empty() ? "" : ", ") + std::string("trial of run ") + std::to_string(r.parent);
        std::string figures;
        for (const char *m : {"validation_accuracy", "test_accuracy", "epochs"}) {
            const std::string v = runMetricText(r, m);
            if (!v.empty())
                figures += std::string("  ") + m + " " + v;
        }
        if (r.kind == "search" && metrics.find("best_run"))
            figures += "  best run " + num("best_run");
        const std::string failure = runMetricText(r, "failure");
        std::printf("run %lld  %-10s %-13s %-28s%s  %.1f s%s%s\n", static_cast<long long>(r.id), r.kind.c_str(),
                    r.status.c_str(), what.c_str(), figures.c_str(), runSeconds(r), failure.empty() ? "" : "  failure: ",
                    failure.c_str());
    }
    return ExitOk;
}

} // namespace gw::cli
