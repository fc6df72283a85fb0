// gw import-responses, consolidate, workers, queue: several workers' answers for a job, one label per item from
// them, and the work handed to each worker.

#include "app/cli/cli.h"

#include "datasets/review.h"
#include "datasets/groundtruth.h"
#include "datasets/workeranswers.h"
#include "datasets/workpackage.h"

#include <QCommandLineParser>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
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

int consolidateAndReport(ProjectStore &store, const Job &job, ConsolidationMethod method, const std::string &author)
{
    auto r = consolidateJob(store, job, method, author);
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
    return QCommandLineOption(QStringLiteral("job"), QStringLiteral("The job."),
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

json::Object progressJson(const WorkProgress &w)
{
    json::Object o;
    o.set("items", w.items);
    o.set("complete", w.complete);
    o.set("partly_answered", w.partial);
    o.set("labelled_otherwise", w.otherwise);
    o.set("leased", w.leased);
    o.set("answers", w.answers);
    return o;
}

std::string fixed(double v, int decimals)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void printProgress(const Job &job, int annotators, const WorkProgress &w)
{
    std::printf("job '%s', %d %s per item: %lld items, %lld with all their answers, %lld partly answered, "
                "%lld labelled otherwise; %lld leased now\n",
                job.name.c_str(), annotators, annotators == 1 ? "annotator" : "annotators",
                static_cast<long long>(w.items), static_cast<long long>(w.complete), static_cast<long long>(w.partial),
                static_cast<long long>(w.otherwise), static_cast<long long>(w.leased));
}

} // namespace

int cmdImportResponses(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption noConsolidate(QStringLiteral("no-consolidate"),
                                           QStringLiteral("Only store the answers; do not consolidate them."));
    p.addOptions({job, noConsolidate, workerOption()});
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
    return consolidateAndReport(*opened->store, opened->job, ConsolidationMethod::DawidSkene, workerOf(p));
}

int cmdConsolidate(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("dawid-skene (default: Ground Truth's modified Dawid-Skene, which "
                                                   "weighs each worker by how reliable they prove) or majority."),
                                    QStringLiteral("method"), QStringLiteral("dawid-skene"));
    p.addOptions({job, method, workerOption()});
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
                                                                : ConsolidationMethod::DawidSkene,
                                 workerOf(p));
}

int cmdWorkers(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    p.addOptions({job, jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME"),
                   QStringLiteral("The job's workers: items answered, items in their queue now, pace (answers per "
                                  "hour worked), median time per answer, and for classification their estimated "
                                  "accuracy (Dawid-Skene) and agreement with the consolidated labels of items "
                                  "someone else answered too. Writes nothing."),
                   1, code))
        return code;
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    auto r = workersOf(*opened->store, opened->job);
    if (!r)
        return report(r.error());
    if (p.isSet(jsonOption())) {
        json::Object o;
        o.set("job", opened->job.name);
        o.set("annotators_per_item", r->annotators);
        o.set("progress", progressJson(r->progress));
        json::Array rows;
        for (const WorkerRow &w : r->workers) {
            json::Object row;
            row.set("worker", w.worker);
            row.set("answers", w.answers);
            row.set("queued", w.queued);
            row.set("per_hour", w.perHour);
            row.set("median_seconds", w.medianSeconds);
            if (w.accuracy)
                row.set("accuracy", *w.accuracy);
            if (w.agreement)
                row.set("agreement", *w.agreement);
            rows.push_back(std::move(row));
        }
        o.set("workers", std::move(rows));
        printJson(std::move(o));
        return ExitOk;
    }
    printProgress(opened->job, r->annotators, r->progress);
    if (r->workers.empty()) {
        std::printf("no answers yet: workers take items with gw queue --take, or label in the app\n");
        return ExitOk;
    }
    std::printf("%-32s %8s %7s %9s %9s %9s %10s\n", "worker", "answers", "queued", "per hour", "median s", "accuracy",
                "agreement");
    auto figure = [](const std::optional<double> &v) { return v ? fixed(*v, 3) : std::string("-"); };
    for (const WorkerRow &w : r->workers)
        std::printf("%-32s %8lld %7lld %9.1f %9.1f %9s %10s\n", w.worker.c_str(), static_cast<long long>(w.answers),
                    static_cast<long long>(w.queued), w.perHour, w.medianSeconds, figure(w.accuracy).c_str(),
                    figure(w.agreement).c_str());
    return ExitOk;
}

int cmdReview(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption item(QStringLiteral("item"), QStringLiteral("The item whose label is reviewed."),
                                  QStringLiteral("id"));
    const QCommandLineOption accept(QStringLiteral("accept"), QStringLiteral("Review job: the label is right."));
    const QCommandLineOption reject(QStringLiteral("reject"),
                                    QStringLiteral("Review job: the label is wrong, for this reason; the item goes back to "
                                                   "the labeling queue and its annotator sees the reason."),
                                    QStringLiteral("reason"));
    const QCommandLineOption verdict(QStringLiteral("verdict"), QStringLiteral("Verification job: the verdict (class)."),
                                     QStringLiteral("name"));
    const QCommandLineOption comment(QStringLiteral("comment"),
                                     QStringLiteral("A comment (Ground Truth's worker-feedback)."), QStringLiteral("text"));
    p.addOptions({job, item, accept, reject, verdict, comment, workerOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job REVIEW-JOB --item ID (--accept | --reject REASON | --verdict V)"),
                   QStringLiteral("Give a verdict on another job's label of an item, in a review or verification job."),
                   1, code))
        return code;
    if (int(p.isSet(accept)) + int(p.isSet(reject)) + int(p.isSet(verdict)) != 1)
        return usageError(p, "give one of --accept, --reject and --verdict");
    if (!p.isSet(item))
        return usageError(p, "--item is required");
    bool ok = false;
    const int64_t itemId = p.value(item).toLongLong(&ok);
    if (!ok)
        return usageError(p, "--item takes an item id");
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    const Job &j = opened->job;
    if (!j.givesVerdicts())
        return report(Error::invalid("job '" + j.name + "' is a " + std::string(jobKindName(j.kind))
                                     + " job; verdicts are given in review and verification jobs"));
    std::string name = p.isSet(verdict) ? str(p.value(verdict)) : p.isSet(accept) ? "accept" : "reject";
    if (!p.isSet(verdict) && j.kind != JobKind::Review)
        return usageError(p, "--accept and --reject are for review jobs; give a verification job's --verdict");
    const LabelClass *cls = j.classByName(name);
    if (!cls)
        return report(Error::invalid("job '" + j.name + "' has no verdict '" + name + "'"));
    std::string text = p.isSet(reject) ? str(p.value(reject)) : str(p.value(comment));
    Provenance who;
    who.author = workerOf(p);
    auto written = review::recordVerdict(*opened->store, j, itemId, cls->id, text, who);
    if (!written)
        return report(written.error());
    std::printf("%s: item %lld %s%s\n", who.author.c_str(), static_cast<long long>(itemId), name.c_str(),
                cls->id == review::rejectClass(j) ? " (sent back to the labeling queue)" : "");
    return ExitOk;
}

int cmdQueue(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption take(QStringLiteral("take"),
                                  QStringLiteral("Take work until the worker holds N items (renewing the leases held)."),
                                  QStringLiteral("N"));
    const QCommandLineOption lease(QStringLiteral("lease"),
                                   QStringLiteral("How long taken items stay the worker's (default 30 minutes)."),
                                   QStringLiteral("minutes"), QStringLiteral("30"));
    const QCommandLineOption giveBack(QStringLiteral("return"),
                                      QStringLiteral("Give the worker's items back (those given with --item, else all)."));
    const QCommandLineOption item(QStringLiteral("item"), QStringLiteral("--return: an item to give back (repeatable)."),
                                  QStringLiteral("id"));
    p.addOptions({job, workerOption(), take, lease, giveBack, item, jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME [--worker W] [--take N | --return]"),
                   QStringLiteral("A worker's queue: the items handed to them and how far the job is. --take hands "
                                  "out work so that each item is answered by the job's annotators per item and no "
                                  "more, never twice by one worker, safely from several processes at once (the "
                                  "automated-labeling queue first when the loop is on). A lease that expires frees "
                                  "its item for someone else."),
                   1, code))
        return code;
    if (p.isSet(take) && p.isSet(giveBack))
        return usageError(p, "choose one of --take and --return");
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    ProjectStore &store = *opened->store;
    const std::string worker = workerOf(p);
    if (p.isSet(giveBack)) {
        std::vector<int64_t> ids;
        for (const QString &v : p.values(item)) {
            bool ok = false;
            ids.push_back(v.toLongLong(&ok));
            if (!ok)
                return usageError(p, "--item takes an item id");
        }
        auto n = store.returnWork(opened->job.id, worker, ids);
        if (!n)
            return report(n.error());
        std::printf("%s gave back %lld items\n", worker.c_str(), static_cast<long long>(*n));
        return ExitOk;
    }
    Result<std::vector<Lease>> leases = std::vector<Lease>();
    if (p.isSet(take)) {
        bool ok = false, okLease = false;
        const int n = p.value(take).toInt(&ok);
        const double minutes = p.value(lease).toDouble(&okLease);
        if (!ok || n < 0 || n > 10000)
            return usageError(p, "--take takes a number of items from 0 to 10,000");
        if (!okLease || minutes <= 0 || minutes > 7 * 24 * 60)
            return usageError(p, "--lease takes minutes, more than 0 and at most a week");
        leases = store.takeWork(opened->job.id, worker, n, int64_t(minutes * 60e6));
    } else {
        leases = store.leases(opened->job.id, worker);
    }
    if (!leases)
        return report(leases.error());
    auto progress = store.workProgress(opened->job.id);
    if (!progress)
        return report(progress.error());
    if (p.isSet(jsonOption())) {
        json::Object o;
        o.set("job", opened->job.name);
        o.set("worker", worker);
        o.set("annotators_per_item", std::max(opened->job.annotatorsPerItem, 1));
        o.set("progress", progressJson(*progress));
        json::Array items;
        for (const Lease &l : *leases) {
            json::Object i;
            i.set("item", l.itemId);
            if (auto it = store.item(l.itemId))
                i.set("media", it->kind == MediaKind::Text ? it->text : it->uri);
            i.set("until", gt::formatCreationDate(l.untilUs));
            items.push_back(std::move(i));
        }
        o.set("items", std::move(items));
        printJson(std::move(o));
        return ExitOk;
    }
    printProgress(opened->job, std::max(opened->job.annotatorsPerItem, 1), *progress);
    if (leases->empty()) {
        std::printf("%s holds no items%s\n", worker.c_str(),
                    p.isSet(take) ? ": every item has its answers or is being answered by others" : "");
        return ExitOk;
    }
    std::printf("%s holds %zu items until %s:\n", worker.c_str(), leases->size(),
                gt::formatCreationDate(leases->front().untilUs).c_str());
    for (const Lease &l : *leases) {
        auto it = store.item(l.itemId);
        if (!it)
            return report(it.error());
        std::string media = it->kind == MediaKind::Text ? it->text.substr(0, 60) : it->uri;
        std::printf("%8lld  %s\n", static_cast<long long>(l.itemId), media.c_str());
    }
    return ExitOk;
}

int cmdPackage(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption items(QStringLiteral("items"), QStringLiteral("How many items to hand out (default 100)."),
                                   QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The package to write (NAME.gwproj)."),
                                 QStringLiteral("path"));
    const QCommandLineOption copy(QStringLiteral("copy-media"),
                                  QStringLiteral("Copy the images into NAME-media beside the package (to take away); "
                                                 "by default the package refers to them where they are."));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("How long the items stay the worker's (default 14)."),
                                  QStringLiteral("days"), QStringLiteral("14"));
    p.addOptions({job, workerOption(), items, out, copy, days});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME --worker W --out W.gwproj [--items N] [--copy-media]"),
                   QStringLiteral("A work package: hands the worker items of the job (as gw queue --take does, for "
                                  "days) and writes them with the job into a small project of their own, to label "
                                  "offline in the app or with gw. gw merge brings the answers back."),
                   1, code))
        return code;
    if (!p.isSet(out) || !p.isSet(QStringLiteral("worker")))
        return usageError(p, "--out and --worker are required");
    bool ok = false, okDays = false;
    PackageRequest request;
    request.items = p.value(items).toInt(&ok);
    const double d = p.value(days).toDouble(&okDays);
    if (!ok || request.items < 1)
        return usageError(p, "--items takes a number of items");
    if (!okDays || d <= 0 || d > 365)
        return usageError(p, "--days takes a number of days up to 365");
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    request.job = opened->job.name;
    request.worker = workerOf(p);
    request.out = str(p.value(out));
    request.copyMedia = p.isSet(copy);
    request.leaseUs = int64_t(d * 86400e6);
    auto r = makePackage(*opened->store, request);
    if (!r)
        return report(r.error());
    std::printf("%s: %lld items of job '%s' for %s%s; bring the answers back with: gw merge %s %s\n", r->path.c_str(),
                static_cast<long long>(r->items), request.job.c_str(), request.worker.c_str(),
                r->copied ? (", " + std::to_string(r->copied) + " images copied").c_str() : "",
                opened->store->path().c_str(), r->path.c_str());
    return ExitOk;
}

int cmdMerge(const QStringList &args)
{
    QCommandLineParser p;
    p.addOptions({workerOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT PACKAGE"),
                   QStringLiteral("Brings a work package's answers back into the project as its worker's answers, "
                                  "under the times they were given (an answer older than an item's label goes into "
                                  "its history). Merging a package again adds nothing; a package of another "
                                  "project is refused; all or nothing."),
                   2, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    Progress progress("merging");
    // Tests: stop half-way inside the merge's transaction, to be killed there.
    const bool stall = !qEnvironmentVariableIsEmpty("GW_TEST_MERGE_STALL");
    auto r = mergePackage(**store, str(p.positionalArguments().at(1)), [&](int64_t done, int64_t total) {
        progress(done, total);
        if (stall && done == total / 2) {
            std::fprintf(stderr, "stalled\n");
            std::fflush(stderr);
            std::this_thread::sleep_for(std::chrono::seconds(60));
        }
    });
    if (!r)
        return report(r.error());
    std::printf("%s's package: %lld answers, %lld added (%lld behind a newer label, in the history), %lld merged before\n",
                r->worker.c_str(), static_cast<long long>(r->answers), static_cast<long long>(r->added),
                static_cast<long long>(r->behindNewer), static_cast<long long>(r->already));
    if (r->added == 0)
        return ExitOk;
    auto job = (*store)->job(r->job);
    if (job && job->annotatorsPerItem > 1)
        return consolidateAndReport(**store, *job, ConsolidationMethod::DawidSkene, workerOf(p));
    return ExitOk;
}

int cmdExportResponses(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job = jobOption();
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The folder to write (OUT/worker-response/...)."),
                                 QStringLiteral("dir"));
    p.addOptions({job, out, overwriteOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME --out DIR"),
                   QStringLiteral("Writes each worker's answers in Ground Truth's worker-response layout "
                                  "(DIR/worker-response/iteration-1/INDEX/TIME.json, INDEX = the item's place among "
                                  "the project's items of the job's kind), as Ground Truth's own forms write them: "
                                  "for other tools, or to read back with gw import-responses."),
                   1, code))
        return code;
    if (!p.isSet(out))
        return usageError(p, "--out is required");
    auto opened = openJob(p, job, code);
    if (!opened)
        return code;
    auto r = exportWorkerResponses(*opened->store, opened->job, str(p.value(out)), p.isSet(overwriteOption()));
    if (!r)
        return report(r.error());
    std::printf("%s: %lld answers to %lld items\n", str(p.value(out)).c_str(), static_cast<long long>(r->answers),
                static_cast<long long>(r->files));
    return ExitOk;
}

} // namespace gw::cli
