// gw sagemaker: the CreateTrainingJob request for augmented-manifest channels, and the Pipe-mode RecordIO
// stream of a manifest for testing a training script locally.

#include "app/cli/cli.h"

#include "activelearning/sagemaker.h"
#include "activelearning/scriptrun.h"
#include "datasets/versions.h"
#include "datasets/formats/formatutil.h"

#include <QDir>
#include <QFileInfo>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace gw::cli {

using namespace gw::activelearning;

namespace {

/// Every value of a repeatable KEY=VALUE option through add; false (with the usage error's code) on a bad one.
bool readPairs(const QCommandLineParser &p, const QCommandLineOption &option, const char *form,
               const std::function<void(std::string, std::string)> &add, int &code)
{
    for (const QString &kv : p.values(option)) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            code = usageError(p, "--" + str(option.names().front()) + " takes " + form);
            return false;
        }
        add(str(kv.left(eq)), str(kv.mid(eq + 1)));
    }
    return true;
}

std::vector<std::string> commaList(const QString &s)
{
    std::vector<std::string> out;
    for (const QString &part : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(str(part.trimmed()));
    return out;
}

int cmdRequest(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("The training job's name."), QStringLiteral("name"));
    const QCommandLineOption role(QStringLiteral("role"), QStringLiteral("The IAM role ARN SageMaker runs as."),
                                  QStringLiteral("arn"));
    const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("The training image URI."), QStringLiteral("uri"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("Where SageMaker writes the model (s3://...)."),
                                   QStringLiteral("s3uri"));
    const QCommandLineOption channel(QStringLiteral("channel"),
                                     QStringLiteral("NAME=s3://.../NAME.manifest (repeatable: train, validation, ...)."),
                                     QStringLiteral("name=uri"));
    const QCommandLineOption attributes(QStringLiteral("attributes"),
                                        QStringLiteral("The manifest keys streamed, in order (e.g. source-ref,animal)."),
                                        QStringLiteral("a,b"));
    const QCommandLineOption hp(QStringLiteral("hp"), QStringLiteral("A hyperparameter KEY=VALUE (repeatable)."),
                                QStringLiteral("key=value"));
    const QCommandLineOption metric(QStringLiteral("metric"),
                                    QStringLiteral("A metric definition NAME=REGEX (repeatable; the first group is the value)."),
                                    QStringLiteral("name=regex"));
    const QCommandLineOption instance(QStringLiteral("instance"), QStringLiteral("Instance type (default ml.m5.xlarge)."),
                                      QStringLiteral("type"), QStringLiteral("ml.m5.xlarge"));
    const QCommandLineOption contentType(QStringLiteral("content-type"),
                                         QStringLiteral("Channel content type (default application/x-recordio; multi-label "
                                                        "image classification adds '; label-format=class-id')."),
                                         QStringLiteral("type"), QStringLiteral("application/x-recordio"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Write the request there (default: stdout)."),
                                 QStringLiteral("file"));
    p.addOptions({name, role, image, output, channel, attributes, hp, metric, instance, contentType, out});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("--name N --role ARN --image URI --output s3://... --channel train=s3://... "
                                           "--attributes source-ref,LABEL"),
                   QStringLiteral("Writes a SageMaker CreateTrainingJob request for augmented-manifest channels (Pipe "
                                  "mode, RecordIO), for `aws sagemaker create-training-job --cli-input-json "
                                  "file://request.json`. SageMaker's limits are checked first."),
                   0, code))
        return code;
    for (const QCommandLineOption *o : {&name, &role, &image, &output, &channel, &attributes})
        if (!p.isSet(*o))
            return usageError(p, "--" + str(o->names().front()) + " is required");
    sagemaker::TrainingJobSpec spec;
    spec.name = str(p.value(name));
    spec.roleArn = str(p.value(role));
    spec.image = str(p.value(image));
    spec.outputPath = str(p.value(output));
    spec.instanceType = str(p.value(instance));
    for (const QString &c : p.values(channel)) {
        const qsizetype eq = c.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usageError(p, "--channel takes NAME=s3://...");
        spec.channels.push_back({str(c.left(eq)), str(c.mid(eq + 1)), commaList(p.value(attributes)),
                                 str(p.value(contentType))});
    }
    if (!readPairs(p, hp, "KEY=VALUE", [&](std::string k, std::string v) { spec.hyperparameters[k] = std::move(v); },
                   code)
        || !readPairs(p, metric, "NAME=REGEX",
                      [&](std::string k, std::string v) { spec.metricDefinitions.emplace_back(std::move(k), std::move(v)); },
                      code))
        return code;
    auto request = sagemaker::createTrainingJobRequest(spec);
    if (!request)
        return report(request.error());
    const std::string text = json::toString(*request) + "\n";
    if (!p.isSet(out)) {
        std::fputs(text.c_str(), stdout);
        return ExitOk;
    }
    if (auto w = datasets::formats::writeFileAtomically(str(p.value(out)), text); !w)
        return report(w.error());
    std::fprintf(stderr, "gw: wrote %s\n", str(p.value(out)).c_str());
    return ExitOk;
}

int cmdPipe(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption attributes(QStringLiteral("attributes"), QStringLiteral("The keys streamed, in order."),
                                        QStringLiteral("a,b"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The RecordIO file to write."), QStringLiteral("file"));
    p.addOptions({attributes, out});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("MANIFEST --attributes source-ref,LABEL --out train_0"),
                   QStringLiteral("Writes what SageMaker streams into a Pipe-mode channel for this augmented manifest "
                                  "(RecordIO, one record per attribute per line; -ref attributes as the files' "
                                  "bytes), to test a training script locally."),
                   1, code))
        return code;
    if (!p.isSet(attributes) || !p.isSet(out))
        return usageError(p, "--attributes and --out are required");
    auto stream = sagemaker::pipeStream(str(p.positionalArguments().at(0)), commaList(p.value(attributes)));
    if (!stream)
        return report(stream.error());
    if (auto w = datasets::formats::writeFileAtomically(str(p.value(out)), *stream); !w)
        return report(w.error());
    std::fprintf(stderr, "gw: wrote %s (%zu bytes)\n", str(p.value(out)).c_str(), stream->size());
    return ExitOk;
}

std::atomic<bool> g_stop{false};

} // namespace

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
    const QCommandLineOption hp(QStringLiteral("hp"), QStringLiteral("A hyperparameter KEY=VALUE (repeatable)."),
                                QStringLiteral("key=value"));
    const QCommandLineOption metric(QStringLiteral("metric"),
                                    QStringLiteral("NAME=REGEX: a metric taken from the log (first group; repeatable)."),
                                    QStringLiteral("name=regex"));
    const QCommandLineOption dir(QStringLiteral("run-dir"),
                                 QStringLiteral("The run directory (default: NAME.runs/run-<id> beside the project)."),
                                 QStringLiteral("dir"));
    p.addOptions({command, version, channel, hp, metric, dir});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --command CMD [--version V] [--hp k=v] [--metric name=regex]"),
                   QStringLiteral("Runs a training program SageMaker's way on this machine: a run directory laid out "
                                  "like /opt/ml (hyperparameters.json, inputdataconfig.json, input/data/<channel>/, "
                                  "model/, output/failure) and SageMaker's SM_* variables; the log streams here, "
                                  "metrics come from it by regular expression, and the run is recorded (gw runs). "
                                  "Ctrl+C stops the run's whole process tree."),
                   1, code))
        return code;
    if (!p.isSet(command))
        return usageError(p, "--command is required");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    ScriptRunSpec spec;
    spec.command = str(p.value(command));
    if (!readPairs(p, hp, "KEY=VALUE", [&](std::string k, std::string v) { spec.hyperparameters[k] = std::move(v); },
                   code)
        || !readPairs(p, metric, "NAME=REGEX",
                      [&](std::string k, std::string v) { spec.metricDefinitions.emplace_back(std::move(k), std::move(v)); },
                      code))
        return code;
    datasets::Run run;
    run.kind = "script";
    run.status = "running";
    json::Object params;
    params.set("command", spec.command);
    json::Object hps;
    for (const auto &[k, v] : spec.hyperparameters)
        hps.set(k, v);
    params.set("hyperparameters", std::move(hps));
    if (p.isSet(version))
        params.set("dataset_version", int64_t(p.value(version).toLongLong()));
    run.params = json::toString(json::Value(std::move(params)));
    auto runId = (*store)->addRun(run);
    if (!runId)
        return report(runId.error());
    run.id = *runId;
    spec.jobName = "run-" + std::to_string(run.id);
    spec.runDir = p.isSet(dir) ? str(p.value(dir)) : (*store)->path() + ".runs/run-" + std::to_string(run.id);
    QDir().mkpath(QString::fromStdString(spec.runDir));
    if (p.isSet(version)) {
        const std::string manifest = spec.runDir + "/train.manifest";
        auto v = datasets::exportVersion(**store, p.value(version).toLongLong(), manifest);
        if (!v)
            return report(v.error());
        spec.channels.emplace_back("train", manifest);
    }
    for (const QString &c : p.values(channel)) {
        const qsizetype eq = c.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usageError(p, "--channel takes NAME=MANIFEST");
        spec.channels.emplace_back(str(c.left(eq)), str(c.mid(eq + 1)));
    }
    g_stop = false;
    std::signal(SIGINT, [](int) { g_stop = true; });
    spec.shouldStop = [] { return g_stop.load(); };
    spec.onLog = [](const std::string &line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    };
    auto r = runScript(spec);
    std::signal(SIGINT, SIG_DFL);
    json::Object metrics;
    if (r) {
        for (const auto &[name, values] : r->metrics) {
            json::Array series;
            for (double v : values)
                series.emplace_back(v);
            metrics.set(name, std::move(series));
        }
        metrics.set("exit_code", int64_t(r->exitCode));
        metrics.set("seconds", r->seconds);
        if (!r->failure.empty())
            metrics.set("failure", r->failure);
    } else {
        metrics.set("error", r.error().message);
    }
    metrics.set("run_dir", spec.runDir);
    run.metrics = json::toString(json::Value(std::move(metrics)));
    run.status = !r ? "failed" : r->stopped ? "stopped" : r->succeeded() ? "done" : "failed";
    run.finishedUs = datasets::nowUs();
    (void)(*store)->updateRun(run);
    if (!r)
        return report(r.error());
    std::fprintf(stderr, "gw: run %lld %s in %.1f s (exit code %d)%s%s; its directory: %s\n",
                 static_cast<long long>(run.id), run.status.c_str(), r->seconds, r->exitCode,
                 r->failure.empty() ? "" : ": ", r->failure.c_str(), spec.runDir.c_str());
    return r->stopped ? ExitCancelled : r->succeeded() ? ExitOk : ExitError;
}

int cmdSageMaker(const QStringList &args)
{
    if (args.size() >= 2 && args.at(1) == QStringLiteral("request"))
        return cmdRequest(QStringList{QStringLiteral("gw sagemaker request")} + args.mid(2));
    if (args.size() >= 2 && args.at(1) == QStringLiteral("pipe"))
        return cmdPipe(QStringList{QStringLiteral("gw sagemaker pipe")} + args.mid(2));
    std::fputs("usage: gw sagemaker request ...   the CreateTrainingJob request for augmented-manifest channels\n"
               "       gw sagemaker pipe MANIFEST ...   the Pipe-mode RecordIO stream of a manifest\n"
               "'gw sagemaker request --help' describes the options.\n",
               args.size() >= 2 && args.at(1) == QStringLiteral("--help") ? stdout : stderr);
    return args.size() >= 2 && args.at(1) == QStringLiteral("--help") ? ExitOk : ExitUsage;
}

} // namespace gw::cli
