// gw sagemaker: the CreateTrainingJob request for augmented-manifest channels, and the Pipe-mode RecordIO
// stream of a manifest for testing a training script locally.

#include "app/cli/cli.h"

#include "activelearning/sagemaker.h"
#include "activelearning/scriptrun.h"
#include "datasets/versions.h"
#include "datasets/output.h"

#include <QDir>
#include <QFileInfo>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace gw::cli {

using namespace gw::activelearning;

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

namespace {

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
    p.addOptions({name, role, image, output, channel, attributes, hp, metric, instance, contentType, out, overwriteOption()});
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
    datasets::OutputRules rules;
    rules.overwrite = p.isSet(overwriteOption());
    if (auto w = datasets::writeOutputFile(str(p.value(out)), text, rules); !w)
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
    p.addOptions({attributes, out, overwriteOption()});
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
    datasets::OutputRules rules;
    rules.overwrite = p.isSet(overwriteOption());
    if (auto w = datasets::writeOutputFile(str(p.value(out)), *stream, rules); !w)
        return report(w.error());
    std::fprintf(stderr, "gw: wrote %s (%zu bytes)\n", str(p.value(out)).c_str(), stream->size());
    return ExitOk;
}

} // namespace

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
