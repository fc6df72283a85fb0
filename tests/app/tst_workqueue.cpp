// Handing work to several workers: each item is answered by the job's annotators per item and no more, never
// twice by one worker; leases expire; answered items leave a queue; the automated-labeling queue comes first;
// labels made otherwise, flagged items and raised annotator counts are respected. Then the same with real
// processes at once: ten `gw queue --take` started together, and ten annotators answering in parallel while
// one walks away holding items.

#include "datasets/filesystem.h"
#include "datasets/projectstore.h"
#include "cliutil.h"
#include "testutil.h"
#include "workerloop.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <sqlite3.h>
#include <memory>
#include <set>

using namespace gw::datasets;

namespace {

struct Project
{
    std::unique_ptr<ProjectStore> store;
    Job job;
};

Project makeProject(const std::string &path, int items, int annotators)
{
    Project p;
    p.store = gw::test::newProject(path);
    auto tx = p.store->begin();
    for (int i = 1; i <= items; ++i) {
        Item it;
        it.kind = MediaKind::Text;
        it.text = "text " + std::to_string(i);
        if (!tx || !(*tx)->addItem(it))
            qFatal("cannot add items");
    }
    if (!(*tx)->commit())
        qFatal("cannot commit");
    Job j;
    j.name = "sentiment";
    j.type = TaskType::TextClassification;
    j.classes = {{1, "pos", "#00ff00", "1", ""}, {2, "neg", "#ff0000", "2", ""}};
    j.annotatorsPerItem = annotators;
    auto created = p.store->createJob(j);
    if (!created)
        qFatal("cannot create the job: %s", created.error().message.c_str());
    p.job = *created;
    return p;
}

std::vector<int64_t> ids(const std::vector<Lease> &leases)
{
    std::vector<int64_t> out;
    for (const Lease &l : leases)
        out.push_back(l.itemId);
    return out;
}

std::vector<int64_t> take(Project &p, const std::string &worker, int count, int64_t leaseUs = 600'000'000)
{
    auto r = p.store->takeWork(p.job.id, worker, count, leaseUs);
    if (!r)
        qFatal("takeWork: %s", r.error().message.c_str());
    return ids(*r);
}

void answer(Project &p, int64_t item, const std::string &worker, Source source = Source::Human)
{
    Annotation a;
    a.jobId = p.job.id;
    a.itemId = item;
    a.payload.classes = {1};
    a.provenance.source = source;
    a.provenance.author = worker;
    a.provenance.createdUs = nowUs();
    auto tx = p.store->begin();
    QVERIFY(tx && (*tx)->putAnnotation(a) && (*tx)->commit());
}

using Ids = std::vector<int64_t>;

/// (item → its distinct human answerers) of a job, read from the store.
std::map<int64_t, std::multiset<std::string>> answersByItem(ProjectStore &store, int64_t jobId)
{
    std::map<int64_t, std::multiset<std::string>> out;
    std::set<std::pair<int64_t, std::string>> seen;
    auto r = store.forEachHumanVersion(jobId, [&](const Annotation &a) {
        if (a.provenance.source == Source::Human)
            out[a.itemId].insert(a.provenance.author);
        return true;
    });
    if (!r)
        qFatal("%s", r.error().message.c_str());
    return out;
}

} // namespace

class TestWorkQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachItemGoesToAnnotatorsPerItemDistinctWorkers()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 10, 2);
        QCOMPARE(take(p, "alice", 4), (Ids{1, 2, 3, 4}));
        QCOMPARE(take(p, "bob", 4), (Ids{1, 2, 3, 4}));   // the second answer of the same items
        QCOMPARE(take(p, "carol", 4), (Ids{5, 6, 7, 8})); // 1-4 have their two workers
        QCOMPARE(take(p, "alice", 4), (Ids{1, 2, 3, 4})); // asking again renews, adds nothing
        answer(p, 1, "alice");
        answer(p, 2, "alice");
        // Answered items leave alice's queue; she gets the next that need a second worker.
        QCOMPARE(take(p, "alice", 4), (Ids{3, 4, 5, 6}));
        QCOMPARE(take(p, "dave", 10), (Ids{7, 8, 9, 10}));
        QCOMPARE(ids(*p.store->leases(p.job.id, "bob")), (Ids{1, 2, 3, 4}));
        auto progress = p.store->workProgress(p.job.id);
        QVERIFY(progress);
        QCOMPARE(progress->items, 10);
        QCOMPARE(progress->partial, 2);
        QCOMPARE(progress->complete, 0);
        QCOMPARE(progress->leased, 16); // four each; alice's answered two were let go when she asked again
        answer(p, 1, "bob");
        progress = p.store->workProgress(p.job.id);
        QCOMPARE(progress->complete, 1);
        QCOMPARE(progress->answers, 3);
    }

    void anItemIsNeverHandedToAWorkerWhoAnsweredIt()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 6, 3);
        answer(p, 1, "alice"); // labelled without taking it first (browsing the list)
        answer(p, 3, "alice");
        QCOMPARE(take(p, "alice", 3), (Ids{2, 4, 5}));
        // Nor again after she changed her answer.
        answer(p, 2, "alice");
        answer(p, 2, "alice");
        QCOMPARE(take(p, "alice", 3), (Ids{4, 5, 6}));
    }

    void expiredLeasesFreeTheirItems()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 6, 1);
        QCOMPARE(take(p, "alice", 3, 1), (Ids{1, 2, 3})); // a lease of 1 µs: over by the next call
        QCOMPARE(take(p, "bob", 3), (Ids{1, 2, 3}));
        QCOMPARE(take(p, "alice", 3), (Ids{4, 5, 6})); // hers had run out: bob holds them now
        QCOMPARE(ids(*p.store->leases(p.job.id, "bob")), (Ids{1, 2, 3}));
        QCOMPARE(take(p, "carol", 3), Ids{});
        // Giving items back frees them at once.
        QCOMPARE(*p.store->returnWork(p.job.id, "bob", {2}), 1);
        QCOMPARE(take(p, "carol", 3), Ids{2});
        QCOMPARE(*p.store->returnWork(p.job.id, "alice", {}), 3);
        QCOMPARE(take(p, "carol", 3), (Ids{2, 4, 5}));
    }

    void labelsMadeOtherwiseAndFlaggedItemsAreNotHandedOut()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 6, 1);
        answer(p, 1, "autolabel-run-1", Source::Auto);
        answer(p, 2, "import", Source::Imported);
        QVERIFY(p.store->setItemFlags(3, ItemSetAside));
        QCOMPARE(take(p, "alice", 6), (Ids{4, 5, 6}));
        answer(p, 4, "alice");
        answer(p, 5, "alice");
        answer(p, 6, "alice");
        QCOMPARE(take(p, "bob", 6), Ids{});
        // Brought back into the dataset, item 3 needs its answer.
        QVERIFY(p.store->setItemFlags(3, ItemOk));
        QCOMPARE(take(p, "bob", 6), Ids{3});
    }

    void itemsAddedToAFinishedJobAreHandedOut()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 3, 1);
        for (int64_t i : take(p, "alice", 5))
            answer(p, i, "alice");
        QCOMPARE(take(p, "bob", 5), Ids{}); // every item complete: the job's mark is at the last one
        auto tx = p.store->begin();
        for (int i = 0; i < 2; ++i) {
            Item it;
            it.kind = MediaKind::Text;
            it.text = "added later " + std::to_string(i);
            QVERIFY(tx && (*tx)->addItem(it));
        }
        QVERIFY((*tx)->commit());
        QCOMPARE(take(p, "bob", 5), (Ids{4, 5}));
    }

    void anAnswerTakenBackIsHandedOutAgain()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 3, 1);
        for (int64_t i : take(p, "alice", 3))
            answer(p, i, "alice");
        QCOMPARE(take(p, "alice", 0), Ids{}); // her answered items let go
        QCOMPARE(take(p, "bob", 3), Ids{});   // all answered: the marks stand past item 3
        Provenance alice;
        alice.author = "alice";
        auto tx = p.store->begin();
        QVERIFY(tx && (*tx)->clearAnnotation(p.job.id, 2, alice) && (*tx)->commit());
        QCOMPARE(take(p, "bob", 3), Ids{2});
    }

    void aPackagesLongLeasesAreNeverShortened()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 6, 1);
        const int64_t days = 14LL * 24 * 3600 * 1000000;
        QCOMPARE(take(p, "alice", 3, days), (Ids{1, 2, 3}));
        QCOMPARE(take(p, "alice", 5, 60'000'000), (Ids{1, 2, 3, 4, 5})); // a minute: the app's lease
        const auto leases = p.store->leases(p.job.id, "alice");
        for (const Lease &l : *leases)
            QVERIFY2(l.itemId > 3 ? l.untilUs - nowUs() < 120'000'000 : l.untilUs - nowUs() > days / 2,
                     qPrintable(QString::number(l.itemId)));
    }

    void raisingAnnotatorsPerItemHandsAnsweredItemsOutAgain()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 4, 1);
        for (int64_t i : take(p, "alice", 4))
            answer(p, i, "alice");
        QCOMPARE(take(p, "bob", 4), Ids{});
        p.job.annotatorsPerItem = 2;
        auto tx = p.store->begin();
        QVERIFY(tx && (*tx)->saveJob(p.job) && (*tx)->commit());
        QCOMPARE(take(p, "bob", 4), (Ids{1, 2, 3, 4}));
        QCOMPARE(take(p, "alice", 4), Ids{});
    }

    void theCommandLineHandsOutAndChangesAnnotatorsPerItem()
    {
        QTemporaryDir dir;
        const std::string path = gw::test::path(dir, "p.gwproj");
        makeProject(path, 5, 1);
        const QString p = QString::fromStdString(path), job = QStringLiteral("sentiment");
        using gw::test::runGw;
        const auto take = [&](const char *worker) {
            return runGw({QStringLiteral("queue"), p, QStringLiteral("--job"), job, QStringLiteral("--worker"),
                          QString::fromLatin1(worker), QStringLiteral("--take"), QStringLiteral("3"),
                          QStringLiteral("--json")});
        };
        const auto alice = take("alice");
        GW_RUN_OK(alice);
        QVERIFY2(alice.out.contains(QStringLiteral("\"items\":[{\"item\":1,")), qPrintable(alice.out));
        for (const char *item : {"1", "2", "3"})
            GW_RUN_OK(runGw({QStringLiteral("label"), p, QStringLiteral("--job"), job, QStringLiteral("--item"),
                             QString::fromLatin1(item), QStringLiteral("--class"), QStringLiteral("pos"),
                             QStringLiteral("--worker"), QStringLiteral("alice")}));
        // Two answers per item from now on: bob gets alice's three, and nobody a sixth.
        const auto set = runGw({QStringLiteral("job"), QStringLiteral("set"), p, QStringLiteral("--job"), job,
                                QStringLiteral("--annotators"), QStringLiteral("2"), QStringLiteral("--worker"),
                                QStringLiteral("lead")});
        GW_RUN_OK(set);
        const auto bob = runGw({QStringLiteral("queue"), p, QStringLiteral("--job"), job, QStringLiteral("--worker"),
                                QStringLiteral("bob"), QStringLiteral("--take"), QStringLiteral("10")});
        GW_RUN_OK(bob);
        QVERIFY2(bob.out.contains(QStringLiteral("bob holds 5 items")), qPrintable(bob.out));
        QVERIFY2(bob.out.contains(QStringLiteral("2 annotators per item: 5 items, 0 with all their answers, 3 partly")),
                 qPrintable(bob.out));
        const auto changes = runGw({QStringLiteral("changes"), p});
        QVERIFY2(changes.out.contains(QStringLiteral("lead")) && changes.out.contains(QStringLiteral("1 -> 2")),
                 qPrintable(changes.out));
        const auto back = runGw({QStringLiteral("queue"), p, QStringLiteral("--job"), job, QStringLiteral("--worker"),
                                 QStringLiteral("bob"), QStringLiteral("--return")});
        QVERIFY2(back.out.contains(QStringLiteral("bob gave back 5 items")), qPrintable(back.out));
    }

    void theAutomatedLabelingQueueComesFirst()
    {
        QTemporaryDir dir;
        Project p = makeProject(gw::test::path(dir, "p.gwproj"), 10, 1);
        answer(p, 7, "autolabel-run-1", Source::Auto);
        // The loop queued uncertain items, then a validation sample and an audit of an auto-label.
        QVERIFY(p.store->putAssignments(p.job.id, kLoopWorker,
                                        {{9, roles::uncertain}, {5, roles::uncertain}, {8, roles::validation},
                                         {7, roles::audit}}));
        QCOMPARE(take(p, "alice", 2), (Ids{8, 7}));
        QCOMPARE(take(p, "bob", 10), (Ids{9, 5})); // only what the loop asked people for
    }

    void networkFileSystemsAreToldApart()
    {
        QCOMPARE(networkFilesystemName(0x6969, {}), std::string("nfs"));
        QCOMPARE(networkFilesystemName(0xFF534D42, {}), std::string("cifs"));
        QCOMPARE(networkFilesystemName(0x65735546, "fuse.sshfs"), std::string("fuse.sshfs"));
        QCOMPARE(networkFilesystemName(0x65735546, "fuse.ntfs-3g"), std::string()); // a local disk through FUSE
        QCOMPARE(networkFilesystemName(0xEF53, {}), std::string());                // ext4
        QCOMPARE(networkFilesystem(QDir::tempPath().toStdString()), std::string());
    }

    void aProjectOnANetworkShareIsWrittenFromOneComputerAtATime()
    {
        // No network share can be mounted here: the store is told it is on one (GW_TEST_NETWORK_FS) and which
        // computer it runs on (GW_TEST_HOSTNAME); gw runs as other computers.
        QTemporaryDir dir;
        const std::string path = gw::test::path(dir, "p.gwproj");
        makeProject(path, 3, 1);
        qputenv("GW_TEST_NETWORK_FS", "nfs");
        qputenv("GW_TEST_HOSTNAME", "alpha");
        const std::shared_ptr<void> unset(nullptr, [](void *) {
            qunsetenv("GW_TEST_NETWORK_FS");
            qunsetenv("GW_TEST_HOSTNAME");
        });
        auto opened = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(opened);
        Project p{std::move(*opened), {}};
        p.job = *p.store->job("sentiment");
        answer(p, 1, "alice");
        auto on = [&](const char *computer) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("GW_TEST_HOSTNAME"), QString::fromLatin1(computer));
            return gw::test::runGw({QStringLiteral("label"), QString::fromStdString(path), QStringLiteral("--job"),
                                    QStringLiteral("sentiment"), QStringLiteral("--item"), QStringLiteral("2"),
                                    QStringLiteral("--class"), QStringLiteral("neg"), QStringLiteral("--worker"),
                                    QString::fromLatin1(computer)},
                                   {}, env);
        };
        const auto beta = on("beta");
        QCOMPARE(beta.code, 5);
        QVERIFY2(beta.err.contains(QStringLiteral("network file system (nfs)"))
                     && beta.err.contains(QStringLiteral("in use on alpha")),
                 qPrintable(beta.err));
        GW_RUN_OK(on("alpha")); // another program of the same computer is fine
        auto labelled = p.store->currentAnnotation(p.job.id, 2);
        QVERIFY(labelled && *labelled);
        QCOMPARE((*labelled)->provenance.author, std::string("alpha"));
        // alpha's gw gave the claim up as it ended; alpha's next write claims it again.
        answer(p, 3, "alice");
        QCOMPARE(on("beta").code, 5);
        // When alpha has not written for longer than a claim lasts, beta may take the project over; alpha's program
        // then refuses to write, and says why. (The claim is aged by hand: no test waits two minutes.)
        {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            const std::string aged = "UPDATE meta SET value='alpha\t" + std::to_string(nowUs() - 600'000'000)
                                     + "' WHERE key='opened_on'";
            QCOMPARE(sqlite3_exec(db, aged.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        qputenv("GW_TEST_HOSTNAME", "beta");
        auto onBeta = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(onBeta);
        qputenv("GW_TEST_HOSTNAME", "alpha");
        auto tx = p.store->begin();
        QVERIFY(!tx);
        QCOMPARE(tx.error().code, gw::Error::Code::Conflict);
        QVERIFY2(tx.error().message.find("in use on beta") != std::string::npos, tx.error().message.c_str());
        // The answer given before is there, and nothing else was written.
        QCOMPARE(*p.store->currentAnnotation(p.job.id, 1) ? (*p.store->currentAnnotation(p.job.id, 1))->provenance.author
                                                            : std::string(),
                 std::string("alice"));
    }

    void aReviewerRejectsFromTheCommandLineAndTheItemComesBack()
    {
        QTemporaryDir dir;
        const std::string path = gw::test::path(dir, "p.gwproj");
        {
            Project p = makeProject(path, 5, 1);
            for (int64_t item = 1; item <= 3; ++item)
                answer(p, item, "alice");
        }
        const QString project = QString::fromStdString(path);
        using gw::test::runGw;
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), project, QStringLiteral("--name"),
                         QStringLiteral("sentiment-review"), QStringLiteral("--review-of"), QStringLiteral("sentiment")}));
        auto list = runGw({QStringLiteral("job"), QStringLiteral("list"), project, QStringLiteral("--json")});
        GW_RUN_OK(list);
        QVERIFY2(list.out.contains(QStringLiteral("\"kind\":\"review\"")) && list.out.contains(QStringLiteral("\"parent\":\"sentiment\"")),
                 qPrintable(list.out));
        // The reviewer's queue: the three labels.
        auto queue = runGw({QStringLiteral("queue"), project, QStringLiteral("--job"), QStringLiteral("sentiment-review"),
                            QStringLiteral("--worker"), QStringLiteral("rita"), QStringLiteral("--take"), QStringLiteral("10"),
                            QStringLiteral("--json")});
        GW_RUN_OK(queue);
        // No reason, no rejection; a verification verdict is not a review's.
        auto bare = runGw({QStringLiteral("review"), project, QStringLiteral("--job"), QStringLiteral("sentiment-review"),
                           QStringLiteral("--item"), QStringLiteral("2"), QStringLiteral("--reject"), QStringLiteral(" ")});
        QCOMPARE(bare.code, 3);
        QVERIFY2(bare.err.contains(QStringLiteral("reason")), qPrintable(bare.err));
        GW_RUN_OK(runGw({QStringLiteral("review"), project, QStringLiteral("--job"), QStringLiteral("sentiment-review"),
                         QStringLiteral("--item"), QStringLiteral("1"), QStringLiteral("--accept"), QStringLiteral("--worker"),
                         QStringLiteral("rita")}));
        auto rejected = runGw({QStringLiteral("review"), project, QStringLiteral("--job"), QStringLiteral("sentiment-review"),
                               QStringLiteral("--item"), QStringLiteral("2"), QStringLiteral("--reject"),
                               QStringLiteral("sarcasm: this is negative"), QStringLiteral("--worker"), QStringLiteral("rita")});
        GW_RUN_OK(rejected);
        QVERIFY2(rejected.out.contains(QStringLiteral("sent back")), qPrintable(rejected.out));
        // Item 2 is alice's to label again; the history says who sent it back and why.
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(store);
        const int64_t job = (*store)->job("sentiment")->id;
        auto leases = (*store)->takeWork(job, "alice", 10, 600'000'000);
        QVERIFY(leases);
        QCOMPARE(ids(*leases), (std::vector<int64_t>{2, 4, 5}));
        auto history = runGw({QStringLiteral("history"), project, QStringLiteral("--job"), QStringLiteral("sentiment"),
                              QStringLiteral("--item"), QStringLiteral("2")});
        GW_RUN_OK(history);
        QVERIFY2(history.out.contains(QStringLiteral("sarcasm: this is negative")), qPrintable(history.out));
    }

    void tenProcessesAtOnceNeverHandAnItemOutBeyondN()
    {
        QTemporaryDir dir;
        const std::string path = gw::test::path(dir, "p.gwproj");
        makeProject(path, 60, 3);
        std::vector<std::unique_ptr<QProcess>> procs;
        for (int w = 0; w < 10; ++w) {
            auto proc = std::make_unique<QProcess>();
            proc->start(QStringLiteral(GW_BINARY_DIR "/app/gw"),
                        {QStringLiteral("queue"), QString::fromStdString(path), QStringLiteral("--job"),
                         QStringLiteral("sentiment"), QStringLiteral("--worker"), QStringLiteral("w%1").arg(w),
                         QStringLiteral("--take"), QStringLiteral("30")});
            procs.push_back(std::move(proc));
        }
        for (auto &proc : procs) {
            QVERIFY(proc->waitForFinished(120000));
            QVERIFY2(proc->exitCode() == 0, proc->readAllStandardError().constData());
        }
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(store);
        auto leases = (*store)->leases((*store)->job("sentiment")->id, std::string());
        QVERIFY(leases);
        std::map<int64_t, std::set<std::string>> byItem;
        std::map<std::string, int> byWorker;
        for (const Lease &l : *leases) {
            QVERIFY2(byItem[l.itemId].insert(l.worker).second, "an item was leased twice to one worker");
            ++byWorker[l.worker];
        }
        // 60 items × 3 = 180 leases: every item exactly three workers, nobody more than the 30 asked for.
        QCOMPARE(leases->size(), size_t(180));
        QCOMPARE(byItem.size(), size_t(60));
        for (const auto &[item, workers] : byItem)
            QCOMPARE(workers.size(), size_t(3));
        for (const auto &[worker, n] : byWorker)
            QVERIFY(n <= 30);
    }

    void annotatorsAnsweringInParallelGiveEveryItemExactlyNAnswers()
    {
        QTemporaryDir dir;
        const std::string path = gw::test::path(dir, "p.gwproj");
        makeProject(path, 120, 2);
        const QString project = QString::fromStdString(path), job = QStringLiteral("sentiment");
        // One takes five items and walks away; their leases (a second) run out and others answer them.
        std::unique_ptr<QProcess> quitter(gw::test::startWorkerLoop(project, job, QStringLiteral("quitter"), 1000, 5));
        QVERIFY(quitter->waitForFinished(60000));
        QCOMPARE(quitter->exitCode(), 0);
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int w = 0; w < 10; ++w)
            workers.emplace_back(gw::test::startWorkerLoop(project, job, QStringLiteral("w%1").arg(w), 60000));
        int64_t reported = 0;
        for (auto &w : workers) {
            QVERIFY(w->waitForFinished(120000));
            QVERIFY2(w->exitCode() == 0, w->readAllStandardError().constData());
            reported += w->readAllStandardOutput().split(' ').value(0).toLongLong(); // answered, take µs
        }
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(store);
        const auto answers = answersByItem(**store, (*store)->job("sentiment")->id);
        QCOMPARE(answers.size(), size_t(120));
        int64_t stored = 0;
        for (const auto &[item, who] : answers) {
            QCOMPARE(who.size(), size_t(2));                                  // exactly N answers
            QCOMPARE(std::set<std::string>(who.begin(), who.end()).size(), size_t(2)); // by two workers
            QVERIFY(!who.count("quitter"));
            stored += int64_t(who.size());
        }
        QCOMPARE(stored, reported); // every answer a worker gave is in the project
        QCOMPARE(stored, int64_t(240));
    }
};

int main(int argc, char **argv)
{
    if (gw::test::isWorkerLoop(argc, argv))
        return gw::test::workerLoopMain(argc, argv);
    QCoreApplication app(argc, argv);
    TestWorkQueue t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_workqueue.moc"
