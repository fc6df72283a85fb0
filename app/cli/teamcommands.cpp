// gw import-responses, consolidate: several workers' answers for a job and one label per item from them.

#include "app/cli/cli.h"

#include "datasets/workeranswers.h"

#include <QCommandLineParser>

#include <cstdio>
#include <optional>

namespace gw::cli {

using namespace gw::datasets;

namespace {

void printWorkers(const ConsolidationReport &r)
{
    if (r.workers.empty())
        return;
    std::printf("%-48s %8s %9s %10s\n", "worker", "answers", "accuracy", "agreement");
    for (const ConsolidationReport::Worker &w : r.workers)
        std::printf("%-48s %8lld %9.3f %10.3f\n", w.id.c_str(), static_cast<long long>(w.answers), w.accuracy,
                    w.agreement);
}

int consolidateAndReport(ProjectStore &store, const Job &job, ConsolidationMethod method)
{
    auto r = consolidateJob(store, job, method, defaultAuthor());
    if (!r)
        return report(r.error());
    std::printf("consolidated %lld items answered by two or more workers (%lld labels written, %lld items with one "
                "answer left as they are)\n",
                static_cast<long long>(r->items), static_cast<long long>(r->written), static_cast<long long>(r->single));
    printWorkers(*r);
    return ExitOk;
}

QCommandLineOption jobOption()
{
    return QCommandLineOption(QStringLiteral("job"), QStringLiteral("The job (single-label classification)."),
                              QStringLiteral("name"));
}

/// The project (first argument) and its --job; nullopt with code set when either is missing.
std::optional<ProjectAndJob> openJob(const QCommandLineParser &p, const QCommandLineOption &job, int &code)
{
    if (!p.isSet(job)) {
        code = usageError(p, "--job is required");
        return std::nullopt;
    }
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(job));
    if (!opened) {
        code = report(opened.error());
        return std::nullopt;
    }
    return std::move(*opened);
}

} // namespace

int cmdImportResponses(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption noConsolidate(QStringLiteral("no-consolidate"),
                                           QStringLiteral("Only store the answers; do not consolidate them."));
    p.addOptions({job, noConsolidate});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT DIR --job NAME"),
                   QStringLiteral("Reads a Ground Truth worker-response folder (DIR/worker-response/iteration-N/INDEX/"
                                  "*.json; INDEX = the item's line in the input manifest, i.e. its place among the "
                                  "project's items in import order) as each worker's answers, then consolidates "
                                  "them (Dawid-Skene). Reading a folder again adds nothing."),
                   2, code))
        return code;
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    const std::string dir = str(p.positionalArguments().at(1));
    auto r = importWorkerResponses(*opened->store, opened->job, dir);
    if (!r)
        return report(r.error());
    std::printf("%s: %lld files, %lld answers from %lld workers, %lld added\n", dir.c_str(),
                static_cast<long long>(r->files), static_cast<long long>(r->answers), static_cast<long long>(r->workers),
                static_cast<long long>(r->added));
    if (p.isSet(noConsolidate))
        return ExitOk;
    return consolidateAndReport(*opened->store, opened->job, ConsolidationMethod::DawidSkene);
}

int cmdConsolidate(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("dawid-skene (default: Ground Truth's modified Dawid-Skene, which "
                                                   "weighs each worker by how reliable they prove) or majority."),
                                    QStringLiteral("method"), QStringLiteral("dawid-skene"));
    p.addOptions({job, method});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME"),
                   QStringLiteral("One label per item from the answers of several workers: each worker's latest "
                                  "answer counts; items answered by one worker keep their label. The consolidated "
                                  "label becomes the item's label with its confidence; every answer stays in the "
                                  "item's history (gw history). Prints each worker's answers and estimated accuracy."),
                   1, code))
        return code;
    const QString m = p.value(method);
    if (m != QStringLiteral("dawid-skene") && m != QStringLiteral("majority"))
        return usageError(p, "--method is dawid-skene or majority");
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    return consolidateAndReport(*opened->store, opened->job,
                                m == QStringLiteral("majority") ? ConsolidationMethod::Majority
                                                                : ConsolidationMethod::DawidSkene);
}

int cmdWorkers(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    p.addOptions({job});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME"),
                   QStringLiteral("The job's workers: answers given, estimated accuracy (Dawid-Skene) and agreement "
                                  "with the consolidated labels of items two or more workers answered. Writes "
                                  "nothing."),
                   1, code))
        return code;
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    auto r = consolidateJob(*opened->store, opened->job, ConsolidationMethod::DawidSkene, defaultAuthor(), false);
    if (!r)
        return report(r.error());
    std::printf("%lld items answered by two or more workers, %lld by one\n", static_cast<long long>(r->items),
                static_cast<long long>(r->single));
    printWorkers(*r);
    return ExitOk;
}

} // namespace gw::cli
