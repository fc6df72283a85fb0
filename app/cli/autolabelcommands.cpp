// gw autolabel, gw simulate: the automated-labeling loop from the command line.

#include "app/cli/cli.h"

#include "activelearning/autolabeler.h"
#include "datasets/linereader.h"
#include "datasets/media.h"
#include "labeling/labeler.h"

#include <QFileInfo>

#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace gw::cli {

using namespace gw::datasets;
using namespace gw::activelearning;

namespace {

struct LoopArgs
{
    QCommandLineOption job{QStringLiteral("job"), QStringLiteral("The job (single-label image or text classification)."),
                           QStringLiteral("name")};
    QCommandLineOption target{QStringLiteral("target"), QStringLiteral("Required accuracy of auto-labels (default 0.95)."),
                              QStringLiteral("p"), QStringLiteral("0.95")};
    QCommandLineOption batch{QStringLiteral("batch"), QStringLiteral("Uncertain items queued for people per iteration."),
                             QStringLiteral("n"), QStringLiteral("250")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("Random seed (samples and training)."),
                            QStringLiteral("n"), QStringLiteral("1")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("CPU threads for training."),
                               QStringLiteral("n"), QStringLiteral("2")};
    QCommandLineOption validation{QStringLiteral("validation"),
                                  QStringLiteral("Share of items in the random validation sample (default 0.05)."),
                                  QStringLiteral("p"), QStringLiteral("0.05")};
    QCommandLineOption stopAt{QStringLiteral("stop-at"),
                              QStringLiteral("Stop when this share of items is labeled, by people or automatically "
                                             "(default 1: all)."),
                              QStringLiteral("p"), QStringLiteral("1")};
    QCommandLineOption extractor{QStringLiteral("extractor"),
                                 QStringLiteral("A TorchScript feature extractor (.pt) for images."), QStringLiteral("file")};

    void add(QCommandLineParser &p) const { p.addOptions({job, target, batch, seed, threads, validation, stopAt, extractor}); }

    Result<LoopOptions> read(const QCommandLineParser &p) const
    {
        LoopOptions o;
        bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false, ok6 = false;
        o.target = p.value(target).toDouble(&ok1);
        o.batchSize = p.value(batch).toInt(&ok2);
        o.seed = p.value(seed).toULongLong(&ok3);
        o.model.threads = p.value(threads).toInt(&ok4);
        o.validationFraction = p.value(validation).toDouble(&ok5);
        o.stopAtLabeledFraction = p.value(stopAt).toDouble(&ok6);
        if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || o.target <= 0 || o.target >= 1 || o.batchSize < 1
            || o.stopAtLabeledFraction <= 0 || o.stopAtLabeledFraction > 1)
            return fail(Error::invalid("--target must be in (0, 1), --stop-at in (0, 1]; --batch, --seed, --threads, "
                                       "--validation numbers"));
        o.model.seed = o.seed;
        o.featureExtractor = str(p.value(extractor));
        return o;
    }
};

void printIteration(const IterationReport &r, const std::optional<double> &oracleAccuracy)
{
    std::printf("%4d  %7lld  %7lld  %7lld  %9s  %6.3f  %9s  %9s  %9s  %6.1f s  %6.1f s  %s\n", r.iteration,
                static_cast<long long>(r.humanLabels), static_cast<long long>(r.autoLabeledNow),
                static_cast<long long>(r.autoLabeledTotal),
                r.threshold ? QString::number(*r.threshold, 'f', 4).toLocal8Bit().constData() : "-",
                r.validationAccuracy, r.threshold ? QString::number(r.estimatedAccuracy, 'f', 3).toLocal8Bit().constData() : "-",
                r.auditedAccuracy ? QString::number(*r.auditedAccuracy, 'f', 3).toLocal8Bit().constData() : "-",
                oracleAccuracy ? QString::number(*oracleAccuracy, 'f', 4).toLocal8Bit().constData() : "-",
                r.trainSeconds, r.scoreSeconds, r.note.c_str());
    std::fflush(stdout);
}

const char *kHeader = "iter   people     auto  auto(all)  threshold  val.acc  estimated    audited  vs.truth"
                      "     train     score\n";

} // namespace

int cmdAutolabel(const QStringList &args)
{
    QCommandLineParser p;
    LoopArgs loop;
    loop.add(p);
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME"),
                   QStringLiteral("One round of automated labeling: the first run queues a random probe and "
                                  "validation sample for people; once they are labeled, each run trains on the "
                                  "human labels, calibrates on the validation sample, auto-labels the items whose "
                                  "confidence has a 95% lower bound of accuracy at or above the target, queues an "
                                  "audit sample and the most uncertain items for people, and records the round "
                                  "(gw runs)."),
                   1, code))
        return code;
    if (!p.isSet(loop.job))
        return usageError(p, "--job is required");
    auto options = loop.read(p);
    if (!options)
        return report(options.error());
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(loop.job));
    if (!opened)
        return report(opened.error());
    if (auto r = AutoLabeler::supports(opened->job); !r)
        return report(r.error());
    AutoLabeler labeler(*opened->store, opened->job, *options);
    Progress progress("training");
    auto r = labeler.iterate([&](const EpochReport &e) { return progress(e.epoch, e.maxEpochs); });
    if (!r)
        return report(r.error());
    std::fputs(kHeader, stdout);
    printIteration(*r, std::nullopt);
    auto queue = labeler.humanQueue();
    std::printf("\n%lld items wait for people (gw items --job %s shows them; the app lists them first)%s%s\n",
                static_cast<long long>(queue ? queue->size() : 0), opened->job.name.c_str(),
                r->stop ? "; stopped: " : "", r->stopReason.c_str());
    return ExitOk;
}

int cmdSimulate(const QStringList &args)
{
    QCommandLineParser p;
    LoopArgs loop;
    loop.add(p);
    const QCommandLineOption oracle(QStringLiteral("oracle"),
                                    QStringLiteral("Ground truth: JSON Lines with source-ref or source and the class."),
                                    QStringLiteral("file"));
    const QCommandLineOption field(QStringLiteral("field"), QStringLiteral("The oracle's class field (default class)."),
                                   QStringLiteral("name"), QStringLiteral("class"));
    const QCommandLineOption budget(QStringLiteral("budget"), QStringLiteral("Stop when people have labeled this many."),
                                    QStringLiteral("n"), QStringLiteral("-1"));
    const QCommandLineOption maxIterations(QStringLiteral("max-iterations"), QStringLiteral("Stop after this many rounds."),
                                           QStringLiteral("n"), QStringLiteral("100"));
    p.addOptions({oracle, field, budget, maxIterations});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME --oracle truth.jsonl"),
                   QStringLiteral("Plays the human from a ground-truth file and runs the automated-labeling loop "
                                  "to the end, printing each round and the totals: labels people gave, items "
                                  "auto-labeled, accuracy of the auto-labels against the truth, wall time."),
                   1, code))
        return code;
    if (!p.isSet(loop.job) || !p.isSet(oracle))
        return usageError(p, "--job and --oracle are required");
    auto options = loop.read(p);
    if (!options)
        return report(options.error());
    options->humanBudget = p.value(budget).toLongLong();
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(loop.job));
    if (!opened)
        return report(opened.error());
    ProjectStore &store = *opened->store;
    const Job &job = opened->job;
    if (auto r = AutoLabeler::supports(job); !r)
        return report(r.error());

    // The oracle: the stored form of each item's source → class id.
    const std::string path = str(p.value(oracle));
    const std::string dir = QFileInfo(p.value(oracle)).absolutePath().toStdString();
    const std::string classField = str(p.value(field));
    std::unordered_map<std::string, int> truth;
    {
        LineReader reader;
        if (auto r = reader.open(path); !r)
            return report(r.error());
        std::string_view line;
        int64_t n = 0;
        while (reader.next(line)) {
            ++n;
            json::Value v;
            if (line.empty() || !json::parse(line, v) || !v.isObject())
                continue;
            const json::Value *cls = v.find(classField);
            const LabelClass *c = cls ? job.classByName(cls->isString() ? cls->toString() : json::toString(*cls)) : nullptr;
            if (!c)
                continue; // classes outside the job are not part of the task
            if (const json::Value *ref = v.find("source-ref"))
                truth[media::storedUri(store.projectDir(), media::fromManifest(dir, ref->toString()))] = c->id;
            else if (const json::Value *src = v.find("source"))
                truth[src->toString()] = c->id;
        }
    }
    if (truth.empty())
        return report(Error::invalid(path + ": no line names a class of job '" + job.name + "' in field '" + classField + "'"));
    auto keyOf = [&](const Item &it) { return it.kind == MediaKind::Text ? it.text : it.uri; };

    AutoLabeler labeler(store, job, *options);
    labeling::Labeler oracleLabeler(store, "oracle");
    const auto started = std::chrono::steady_clock::now();
    std::fputs(kHeader, stdout);
    IterationReport last;
    int64_t unknown = 0;
    for (int iteration = 0; iteration < p.value(maxIterations).toInt(); ++iteration) {
        if (auto r = labeler.start(); !r)
            return report(r.error());
        auto queue = labeler.humanQueue();
        if (!queue)
            return report(queue.error());
        for (int64_t id : *queue) {
            auto item = store.item(id);
            if (!item)
                return report(item.error());
            auto t = truth.find(keyOf(*item));
            if (t == truth.end()) {
                ++unknown;
                continue;
            }
            Payload payload;
            payload.classes = {t->second};
            payload.classConfidence = {std::nullopt};
            if (auto r = oracleLabeler.setLabel(job, *item, payload); !r)
                return report(r.error());
        }
        auto r = labeler.iterate();
        if (!r)
            return report(r.error());
        // Accuracy of every current auto-label against the truth.
        int64_t right = 0, total = 0;
        (void)store.forEachAnnotation(job.id, [&](const Annotation &a) {
            if (a.provenance.source != Source::Auto)
                return true;
            auto item = store.item(a.itemId);
            auto t = item ? truth.find(keyOf(*item)) : truth.end();
            if (t != truth.end()) {
                ++total;
                right += a.payload.classes.front() == t->second;
            }
            return true;
        });
        printIteration(*r, total ? std::optional<double>(double(right) / double(total)) : std::nullopt);
        last = *r;
        if (r->stop)
            break;
    }
    // Totals.
    int64_t right = 0, autoTotal = 0, human = 0;
    (void)store.forEachAnnotation(job.id, [&](const Annotation &a) {
        if (a.provenance.source == Source::Auto) {
            auto item = store.item(a.itemId);
            auto t = item ? truth.find(keyOf(*item)) : truth.end();
            if (t != truth.end()) {
                ++autoTotal;
                right += a.payload.classes.front() == t->second;
            }
        } else {
            ++human;
        }
        return true;
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("\ntotal: %lld items; people labeled %lld (%.1f%%); auto-labeled %lld (%.1f%%) with accuracy %.4f "
                "against the truth; %.1f s%s%s\n",
                static_cast<long long>(last.items), static_cast<long long>(human),
                100.0 * double(human) / double(std::max<int64_t>(1, last.items)), static_cast<long long>(autoTotal),
                100.0 * double(autoTotal) / double(std::max<int64_t>(1, last.items)),
                autoTotal ? double(right) / double(autoTotal) : 0.0, seconds, last.stop ? "; stopped: " : "",
                last.stopReason.c_str());
    if (unknown)
        std::printf("(%lld queued items had no answer in the oracle)\n", static_cast<long long>(unknown));
    return ExitOk;
}

} // namespace gw::cli

namespace gw::cli {

} // namespace gw::cli
