// Benchmark: handing out work to annotators who answer at once, each a process of its own on one project file
// (ProjectStore::takeWork, then the answer, then the next). A job of ITEMS texts with 3 annotators per item:
//  - one worker alone answering 1,000 items (the baseline of this run),
//  - ten workers at once answering 300 items each: answers per second for all of them, and the longest wait
//    for the next item any of them saw (SQLite runs the hand-outs one after another);
//  - a worker joining a job whose first ITEMS - 1,000 items are answered already: the first hand-out walks
//    them (and keeps a mark), the next starts from the mark.
// Afterwards the project is checked: no item has more than 3 answers, none two by one worker.
//
//   build/tests/bench/bench_assign [ITEMS]

#include "benchfigure.h"
#include "datasets/projectstore.h"
#include "workerloop.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

using namespace gw::datasets;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Round
{
    double seconds = 0;
    int64_t answers = 0;
    int64_t medianTakeUs = 0, longestTakeUs = 0;
};

Round runWorkers(const QString &project, const QString &job, int workers, int64_t answersEach, const QString &prefix)
{
    std::vector<std::unique_ptr<QProcess>> procs;
    const auto t = Clock::now();
    for (int w = 0; w < workers; ++w)
        procs.emplace_back(gw::test::startWorkerLoop(project, job, prefix + QString::number(w), 600000, 0, answersEach));
    Round r;
    std::vector<int64_t> medians;
    for (auto &p : procs) {
        if (!p->waitForFinished(600000) || p->exitCode() != 0) {
            std::fprintf(stderr, "a worker failed: %s\n", p->readAllStandardError().constData());
            std::exit(1);
        }
        const QList<QByteArray> f = p->readAllStandardOutput().trimmed().split(' ');
        r.answers += f.value(0).toLongLong();
        medians.push_back(f.value(1).toLongLong());
        r.longestTakeUs = std::max<int64_t>(r.longestTakeUs, f.value(2).toLongLong());
    }
    r.seconds = secondsSince(t);
    std::sort(medians.begin(), medians.end());
    r.medianTakeUs = medians[medians.size() / 2];
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    if (gw::test::isWorkerLoop(argc, argv))
        return gw::test::workerLoopMain(argc, argv);
    QCoreApplication app(argc, argv);
    const int64_t items = argc > 1 ? std::atoll(argv[1]) : 200000;
    QTemporaryDir dir;
    const std::string path = (dir.path() + QStringLiteral("/assign.gwproj")).toStdString();
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    if (!store)
        return 1;
    auto t = Clock::now();
    {
        auto tx = (*store)->begin();
        for (int64_t i = 1; i <= items && tx; ++i) {
            Item it;
            it.kind = MediaKind::Text;
            it.text = "A sentence to label, number " + std::to_string(i) + ".";
            if (!(*tx)->addItem(it))
                return 1;
        }
        if (!tx || !(*tx)->commit())
            return 1;
    }
    Job team;
    team.name = "team";
    team.type = TaskType::TextClassification;
    team.classes = {{1, "pos", "#00aa00", "1", ""}, {2, "neg", "#aa0000", "2", ""}};
    team.annotatorsPerItem = 3;
    Job deep = team;
    deep.name = "deep";
    deep.annotatorsPerItem = 1;
    auto teamJob = (*store)->createJob(team);
    auto deepJob = (*store)->createJob(deep);
    if (!teamJob || !deepJob)
        return 1;
    std::printf("%lld texts in %.1f s\n", static_cast<long long>(items), secondsSince(t));

    const QString project = QString::fromStdString(path);
    const Round one = runWorkers(project, QStringLiteral("team"), 1, 1000, QStringLiteral("solo"));
    const Round ten = runWorkers(project, QStringLiteral("team"), 10, 300, QStringLiteral("w"));
    std::printf("1 worker:   %lld answers in %.2f s: %.0f/s; take median %lld us, longest %lld us\n",
                static_cast<long long>(one.answers), one.seconds, double(one.answers) / one.seconds,
                static_cast<long long>(one.medianTakeUs), static_cast<long long>(one.longestTakeUs));
    std::printf("10 workers: %lld answers in %.2f s: %.0f/s; take median %lld us, longest %lld us\n",
                static_cast<long long>(ten.answers), ten.seconds, double(ten.answers) / ten.seconds,
                static_cast<long long>(ten.medianTakeUs), static_cast<long long>(ten.longestTakeUs));

    // No item beyond 3 answers, none twice by one worker.
    std::map<int64_t, std::multiset<std::string>> byItem;
    if (!(*store)->forEachHumanVersion(teamJob->id, [&](const Annotation &a) {
            byItem[a.itemId].insert(a.provenance.author);
            return true;
        }))
        return 1;
    int64_t over = 0, twice = 0, stored = 0;
    for (const auto &[item, who] : byItem) {
        over += who.size() > 3;
        twice += std::set<std::string>(who.begin(), who.end()).size() != who.size();
        stored += int64_t(who.size());
    }
    std::printf("checked: %lld answers stored, %lld items over 3 answers, %lld answered twice by one worker\n",
                static_cast<long long>(stored), static_cast<long long>(over), static_cast<long long>(twice));

    // A worker joins a job whose first items all have their answer.
    t = Clock::now();
    {
        auto tx = (*store)->begin();
        for (int64_t i = 1; i <= items - 1000 && tx; ++i) {
            Annotation a;
            a.jobId = deepJob->id;
            a.itemId = i;
            a.payload.classes = {1};
            a.provenance.author = "earlier";
            a.provenance.createdUs = nowUs();
            if (!(*tx)->putAnnotation(a))
                return 1;
        }
        if (!tx || !(*tx)->commit())
            return 1;
    }
    std::printf("%lld earlier answers in %.1f s\n", static_cast<long long>(items - 1000), secondsSince(t));
    t = Clock::now();
    auto first = (*store)->takeWork(deepJob->id, "newcomer", 20, 600'000'000);
    const double firstMs = secondsSince(t) * 1000;
    t = Clock::now();
    auto second = (*store)->takeWork(deepJob->id, "newcomer", 40, 600'000'000);
    const double secondMs = secondsSince(t) * 1000;
    if (!first || !second || first->size() != 20 || second->size() != 40
        || first->front().itemId != items - 999) {
        std::fprintf(stderr, "the newcomer got the wrong items\n");
        return 1;
    }
    std::printf("newcomer behind %lld answered items: first 20 items in %.1f ms, 20 more in %.2f ms\n",
                static_cast<long long>(items - 1000), firstMs, secondMs);

    using gw::bench::Better;
    bool ok = gw::bench::figure("assign", "1 worker: answers per second (baseline)", double(one.answers) / one.seconds,
                                "1/s", Better::Higher);
    ok &= gw::bench::figure("assign", "10 workers at once: answers per second", double(ten.answers) / ten.seconds,
                            "1/s", Better::Higher, 200);
    gw::bench::figure("assign", "10 workers: median wait for the next item", double(ten.medianTakeUs) / 1000, "ms",
                      Better::Lower);
    ok &= gw::bench::figure("assign", "10 workers: longest wait for the next item", double(ten.longestTakeUs) / 1000,
                            "ms", Better::Lower, 500);
    ok &= gw::bench::figure("assign", "items over 3 answers or answered twice", double(over + twice), "items",
                            Better::Lower, 0);
    ok &= gw::bench::figure("assign", "newcomer, first hand-out behind 199,000 answered", firstMs, "ms", Better::Lower,
                            500);
    ok &= gw::bench::figure("assign", "newcomer, next hand-out (from its mark)", secondMs, "ms", Better::Lower, 20);
    return ok ? 0 : 2;
}
