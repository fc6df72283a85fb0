// A project on a team server (issue 17), against a real PostgreSQL 15 started for the test: the roles enforced by
// the server itself, many annotators at once (no item beyond its annotators, nothing lost, commit latencies), a server
// killed with SIGKILL mid-run, and a project published from a file and cloned back unchanged.

#include "cliutil.h"
#include "datasets/changefeed.h"
#include "datasets/json.h"
#include "datasets/pg.h"
#include "datasets/projectstore.h"
#include "datasets/teamserver.h"
#include "pgserver.h"
#include "testutil.h"

#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace gw;
using namespace gw::datasets;
namespace ts = gw::datasets::teamserver;

namespace {

Job animalJob(int annotators = 1)
{
    Job j;
    j.name = "animal";
    j.type = TaskType::ImageClassification;
    j.annotatorsPerItem = annotators;
    j.classes = {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#ff7f0e", "2", {}}};
    return j;
}

std::vector<int64_t> addImages(ProjectStore &s, int n)
{
    auto tx = s.begin();
    if (!tx)
        qFatal("%s", tx.error().message.c_str());
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
        Item it;
        it.uri = "img" + std::to_string(i) + ".png";
        it.width = 64;
        it.height = 48;
        if (auto r = (*tx)->addItem(it); !r)
            qFatal("%s", r.error().message.c_str());
        ids.push_back(it.id);
    }
    if (auto r = (*tx)->commit(); !r)
        qFatal("%s", r.error().message.c_str());
    return ids;
}

Annotation answer(const Job &job, int64_t item, const std::string &worker, int cls = 0)
{
    Annotation a;
    a.jobId = job.id;
    a.itemId = item;
    a.payload.classes = {cls};
    a.payload.classConfidence = {std::nullopt};
    a.provenance.author = worker;
    return a;
}

Result<> put(ProjectStore &s, Annotation a)
{
    auto tx = s.begin();
    if (!tx)
        return fail(tx.error());
    if (auto r = (*tx)->putAnnotation(a); !r)
        return r;
    return (*tx)->commit();
}

/// A refusal by the server itself (SQLSTATE 42501, insufficient privilege or row-level security).
bool refusedByServer(const Error &e)
{
    return e.message.find("the team server refuses this") != std::string::npos;
}

#define GW_VERIFY_REFUSED(expr)                                                                                    \
    do {                                                                                                           \
        const auto &refused_ = (expr);                                                                             \
        QVERIFY2(!refused_.has_value(), "the server allowed it");                                                  \
        QVERIFY2(refusedByServer(refused_.error()), refused_.error().message.c_str());                            \
    } while (false)

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

class TestTeamServer : public QObject
{
    Q_OBJECT

    test::PgServer m_server;
    int m_databases = 0;

    /// A new empty database; its name.
    std::string newDatabase()
    {
        const std::string name = "team" + std::to_string(++m_databases);
        pg::Connection admin;
        if (auto r = admin.open(m_server.adminUrl("postgres")); !r)
            qFatal("%s", r.error().message.c_str());
        if (auto r = admin.exec("CREATE DATABASE " + name); !r)
            qFatal("%s", r.error().message.c_str());
        return name;
    }

    std::unique_ptr<ProjectStore> openAs(const std::string &user, const std::string &db, const std::string &password)
    {
        auto s = ProjectStore::open(m_server.tcpUrl(user, db, password), ProjectStore::OpenMode::OpenExisting);
        if (!s)
            qFatal("%s", s.error().message.c_str());
        return std::move(*s);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.running(), qPrintable(m_server.error())); }

    void initMakesAProjectOnceAndOnlyInAnEmptyDatabase()
    {
        const std::string db = newDatabase();
        auto made = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create);
        GW_VERIFY_OK(made);
        QVERIFY((*made)->schemaVersion() > 0);
        auto again = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create);
        QVERIFY(!again);
        QCOMPARE(again.error().code, Error::Code::Conflict);
        // Someone else's database is neither opened nor changed.
        const std::string other = newDatabase();
        {
            pg::Connection c;
            GW_VERIFY_OK(c.open(m_server.adminUrl(other)));
            GW_VERIFY_OK(c.exec("CREATE TABLE invoices(id int)"));
        }
        auto open = ProjectStore::open(m_server.adminUrl(other), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!open);
        QVERIFY2(open.error().message.find("not a Groundwork project") != std::string::npos, open.error().message.c_str());
        auto init = ProjectStore::open(m_server.adminUrl(other), ProjectStore::OpenMode::Create);
        QVERIFY(!init);
        QVERIFY2(init.error().message.find("tables of its own") != std::string::npos, init.error().message.c_str());
        auto missing = ProjectStore::open(m_server.adminUrl("nosuchdb"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, Error::Code::NotFound);
    }

    void rolesAreEnforcedByTheServer()
    {
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        auto job = owner->createJob(animalJob());
        GW_VERIFY_OK(job);
        const auto items = addImages(*owner, 4);
        const std::string url = m_server.adminUrl(db);
        GW_VERIFY_OK(ts::addUser(url, "ann", ts::Role::Annotator, "ann-secret"));
        GW_VERIFY_OK(ts::addUser(url, "rev", ts::Role::Reviewer, "rev-secret"));
        GW_VERIFY_OK(ts::addUser(url, "lea", ts::Role::Lead, "lea-secret"));
        QVERIFY(!ts::addUser(url, "bob'; DROP TABLE items; --", ts::Role::Annotator, "x"));
        QVERIFY(!ts::addUser(url, "newbie", ts::Role::Annotator, "")); // a new login needs a password

        // The password is checked by the server.
        auto wrong = ProjectStore::open(m_server.tcpUrl("ann", db, "guess"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.find("refused the login") != std::string::npos, wrong.error().message.c_str());
        QVERIFY2(wrong.error().message.find("guess") == std::string::npos, "the password is never shown");

        auto ann = openAs("ann", db, "ann-secret");
        auto rev = openAs("rev", db, "rev-secret");
        auto lea = openAs("lea", db, "lea-secret");
        QCOMPARE(*ts::roleOf(*ann), ts::Role::Annotator);
        QCOMPARE(*ts::roleOf(*rev), ts::Role::Reviewer);
        QCOMPARE(*ts::roleOf(*lea), ts::Role::Lead);
        QCOMPARE(*ts::roleOf(*owner), ts::Role::Lead);

        // An annotator reads the jobs and classes...
        auto seen = ann->job("animal");
        GW_VERIFY_OK(seen);
        QCOMPARE(seen->classes.size(), size_t(2));
        // ...and changes none of them, nor anything else a lead does.
        Job another = animalJob();
        another.name = "other";
        GW_VERIFY_REFUSED(ann->createJob(another));
        GW_VERIFY_REFUSED(ann->addClass(job->id, LabelClass{0, "bird", "", "", {}}, "ann"));
        GW_VERIFY_REFUSED(ann->renameClass(job->id, 0, "kitten", "ann"));
        GW_VERIFY_REFUSED(ann->setSetting("model", "mine"));
        GW_VERIFY_REFUSED(ann->putAssignments(job->id, kLoopWorker, {{items[0], "uncertain"}}));
        Run run;
        run.kind = "autolabel";
        GW_VERIFY_REFUSED(ann->addRun(run));
        {
            auto tx = ann->begin();
            GW_VERIFY_OK(tx);
            Item it;
            it.uri = "smuggled.png";
            GW_VERIFY_REFUSED((*tx)->addItem(it));
        }
        QCOMPARE(*owner->countItems({}), int64_t(4));
        QCOMPARE(owner->job("animal")->classes.size(), size_t(2));

        // They answer the items handed to them, in their own name only.
        auto leases = ann->takeWork(job->id, "ann", 2, 600'000'000);
        GW_VERIFY_OK(leases);
        QCOMPARE(leases->size(), size_t(2));
        const int64_t mine = leases->at(0).itemId;
        GW_VERIFY_OK(put(*ann, answer(*job, mine, "ann")));
        GW_VERIFY_OK(put(*ann, answer(*job, mine, "ann", 1))); // changing their answer
        GW_VERIFY_REFUSED(put(*ann, answer(*job, items[3], "ann")));           // not handed to them
        GW_VERIFY_REFUSED(put(*ann, answer(*job, leases->at(1).itemId, "rev"))); // someone else's name
        Annotation automatic = answer(*job, leases->at(1).itemId, "ann");
        automatic.provenance.source = Source::Auto;
        GW_VERIFY_REFUSED(put(*ann, automatic));
        GW_VERIFY_REFUSED(ann->takeWork(job->id, "rev", 1, 600'000'000)); // work in another's name
        QCOMPARE((*owner->currentAnnotation(job->id, mine))->payload.classes, std::vector<int>{1});

        // A reviewer writes anyone's label (a rejection takes the annotator's answer back)...
        {
            auto tx = rev->begin();
            GW_VERIFY_OK(tx);
            Provenance who;
            who.author = "rev";
            auto back = (*tx)->sendBack(job->id, mine, who, R"({"rejectedBy":"rev"})");
            GW_VERIFY_OK(back);
            QCOMPARE(*back, 1);
            GW_VERIFY_OK((*tx)->commit());
        }
        QVERIFY(!owner->currentAnnotation(job->id, mine)->has_value());
        // ...but not the job.
        GW_VERIFY_REFUSED(rev->addClass(job->id, LabelClass{0, "bird", "", "", {}}, "rev"));
        // A lead changes classes and jobs.
        GW_VERIFY_OK(lea->addClass(job->id, LabelClass{0, "bird", "", "", {}}, "lea"));
        GW_VERIFY_OK(lea->createJob(another));
        QCOMPARE(owner->changes()->back().author, std::string("lea"));
    }

    void manyAnnotatorsAtOnceNeverOverAssignAndLoseNothing()
    {
        // 20 annotators give 10,000 answers (500 each on average), two per item, all at once: each asks for one item,
        // answers it, asks again until no item needs them. No item may get a third answer; every answer acknowledged
        // must be stored.
        constexpr int kWorkers = 20, kEach = 500, kPerItem = 2;
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        const Job job = *owner->createJob(animalJob(kPerItem));
        addImages(*owner, kWorkers * kEach / kPerItem);
        for (int w = 0; w < kWorkers; ++w)
            GW_VERIFY_OK(ts::addUser(m_server.adminUrl(db), "w" + std::to_string(w), ts::Role::Annotator, "pw"));

        std::mutex mutex;
        std::vector<double> commitMs, takeMs;
        std::set<std::pair<int64_t, std::string>> acknowledged;
        std::atomic<int> errors{0};
        std::string firstError;
        std::vector<std::thread> threads;
        const auto t0 = std::chrono::steady_clock::now();
        for (int w = 0; w < kWorkers; ++w) {
            threads.emplace_back([&, w] {
                const std::string me = "w" + std::to_string(w);
                auto store = ProjectStore::open(m_server.tcpUrl(me, db, "pw"), ProjectStore::OpenMode::OpenExisting);
                if (!store) {
                    ++errors;
                    std::lock_guard lock(mutex);
                    firstError = store.error().message;
                    return;
                }
                std::vector<double> myCommit, myTake;
                std::vector<std::pair<int64_t, std::string>> mine;
                while (true) {
                    auto t = std::chrono::steady_clock::now();
                    auto leases = (*store)->takeWork(job.id, me, 1, 600'000'000);
                    myTake.push_back(msSince(t));
                    if (!leases || leases->empty()) {
                        if (!leases) {
                            ++errors;
                            std::lock_guard lock(mutex);
                            firstError = leases.error().message;
                        }
                        break;
                    }
                    t = std::chrono::steady_clock::now();
                    auto r = put(**store, answer(job, leases->front().itemId, me, w % 2));
                    myCommit.push_back(msSince(t));
                    if (!r) {
                        ++errors;
                        std::lock_guard lock(mutex);
                        firstError = r.error().message;
                        break;
                    }
                    mine.emplace_back(leases->front().itemId, me);
                }
                std::lock_guard lock(mutex);
                commitMs.insert(commitMs.end(), myCommit.begin(), myCommit.end());
                takeMs.insert(takeMs.end(), myTake.begin(), myTake.end());
                acknowledged.insert(mine.begin(), mine.end());
            });
        }
        for (auto &t : threads)
            t.join();
        const double seconds = msSince(t0) / 1000;
        QVERIFY2(errors == 0, firstError.c_str());

        std::map<int64_t, std::set<std::string>> stored;
        GW_VERIFY_OK(owner->forEachAnswer(job.id, [&](const Annotation &a) {
            stored[a.itemId].insert(a.provenance.author);
            return true;
        }));
        size_t answers = 0;
        for (const auto &[item, workers] : stored) {
            QVERIFY2(workers.size() == size_t(kPerItem),
                     qPrintable(QStringLiteral("item %1 has %2 answers").arg(item).arg(workers.size())));
            answers += workers.size();
        }
        QCOMPARE(stored.size(), size_t(kWorkers * kEach / kPerItem));
        for (const auto &[item, worker] : acknowledged)
            QVERIFY2(stored[item].count(worker), qPrintable(QStringLiteral("%1's answer to item %2 is lost")
                                                                .arg(QString::fromStdString(worker)).arg(item)));
        QCOMPARE(acknowledged.size(), size_t(kWorkers * kEach));
        QCOMPARE(answers, size_t(kWorkers * kEach));
        auto progress = owner->workProgress(job.id);
        GW_VERIFY_OK(progress);
        QCOMPARE(progress->complete, int64_t(kWorkers * kEach / kPerItem));
        qInfo("load: %d annotators x %d labels (%d per item) in %.1f s (%.0f labels/s); commit latency p50 %.1f ms, "
              "p95 %.1f ms; take-work latency p50 %.1f ms, p95 %.1f ms",
              kWorkers, kEach, kPerItem, seconds, double(kWorkers * kEach) / seconds, percentile(commitMs, 0.5),
              percentile(commitMs, 0.95), percentile(takeMs, 0.5), percentile(takeMs, 0.95));
    }

    void aServerKilledMidRunLosesNothingAcknowledged()
    {
        constexpr int kWorkers = 4, kEach = 60;
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        const Job job = *owner->createJob(animalJob());
        addImages(*owner, kWorkers * kEach);
        for (int w = 0; w < kWorkers; ++w)
            GW_VERIFY_OK(ts::addUser(m_server.adminUrl(db), "k" + std::to_string(w), ts::Role::Annotator, "pw"));
        owner.reset();

        std::mutex mutex;
        std::set<std::pair<int64_t, std::string>> acknowledged;
        std::atomic<int> failures{0}, started{0};
        std::atomic<bool> giveUp{false};
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
        std::vector<std::thread> threads;
        for (int w = 0; w < kWorkers; ++w) {
            threads.emplace_back([&, w] {
                const std::string me = "k" + std::to_string(w);
                auto store = ProjectStore::open(m_server.tcpUrl(me, db, "pw"), ProjectStore::OpenMode::OpenExisting);
                if (!store)
                    return;
                int done = 0;
                while (done < kEach && !(giveUp = giveUp || std::chrono::steady_clock::now() > deadline)) {
                    auto leases = (*store)->takeWork(job.id, me, 1, 600'000'000);
                    if (leases && leases->empty())
                        break;
                    Result<> r = leases ? put(**store, answer(job, leases->front().itemId, me)) : fail(leases.error());
                    if (!r) {
                        // The server is away: the app says so and tries again (the store reconnects).
                        ++failures;
                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                        continue;
                    }
                    ++done;
                    ++started;
                    std::lock_guard lock(mutex);
                    acknowledged.emplace(leases->front().itemId, me);
                }
            });
        }
        while (started < kWorkers * 5)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        m_server.killHard();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        QVERIFY2(m_server.restart(), qPrintable(m_server.error()));
        for (auto &t : threads)
            t.join();
        QVERIFY2(!giveUp, "the annotators did not get back to work after the restart");
        QVERIFY2(failures > 0, "the kill happened after the run: the test proved nothing");
        auto after = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(after);
        std::set<std::pair<int64_t, std::string>> stored;
        GW_VERIFY_OK((*after)->forEachAnswer(job.id, [&](const Annotation &a) {
            stored.emplace(a.itemId, a.provenance.author);
            return true;
        }));
        for (const auto &a : acknowledged)
            QVERIFY2(stored.count(a), qPrintable(QStringLiteral("an acknowledged answer to item %1 is lost").arg(a.first)));
        QCOMPARE(acknowledged.size(), size_t(kWorkers * kEach));
        qInfo("kill -9 mid-run: %d failed calls while the server was away, %zu answers acknowledged, all kept",
              int(failures), acknowledged.size());
    }

    void theTeamSetUpThroughGw()
    {
        // The README's set-up: a project made and filled by its owner, a person added with a password from standard
        // input, and that person working through gw with their own login.
        QTemporaryDir dir;
        for (int i = 0; i < 3; ++i) {
            QImage img(32, 24, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 100, 200, 200));
            QVERIFY(img.save(dir.path() + QStringLiteral("/photo%1.png").arg(i)));
        }
        const std::string db = newDatabase();
        const QString owner = QString::fromStdString(m_server.adminUrl(db));
        const QString ann = QString::fromStdString(m_server.tcpUrl("cli-ann", db));
        GW_RUN_OK(test::runGw({QStringLiteral("server"), QStringLiteral("init"), owner}));
        GW_RUN_OK(test::runGw({QStringLiteral("job"), QStringLiteral("create"), owner, QStringLiteral("--name"),
                               QStringLiteral("animal"), QStringLiteral("--type"), QStringLiteral("image-classification"),
                               QStringLiteral("--classes"), QStringLiteral("cat,dog")}));
        GW_RUN_OK(test::runGw({QStringLiteral("import"), owner, dir.path()}, dir.path()));
        {
            QProcess p;
            p.start(QStringLiteral(GW_BINARY_DIR "/app/gw"), {QStringLiteral("server"), QStringLiteral("add-user"), owner,
                                                             QStringLiteral("cli-ann"), QStringLiteral("--role"),
                                                             QStringLiteral("annotator")});
            p.write("s3cret pass\n");
            p.closeWriteChannel();
            QVERIFY(p.waitForFinished(60000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            QVERIFY(!QString::fromUtf8(p.readAll()).contains(QStringLiteral("s3cret")));
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("GW_AUTHOR"));
        env.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("s3cret pass"));
        auto who = test::runGw({QStringLiteral("server"), QStringLiteral("whoami"), ann}, {}, env);
        GW_RUN_OK(who);
        QVERIFY2(who.out.contains(QStringLiteral("cli-ann, annotator")), qPrintable(who.out));
        QVERIFY2(!who.out.contains(QStringLiteral("s3cret")), qPrintable(who.out));
        auto take = test::runGw({QStringLiteral("queue"), ann, QStringLiteral("--job"), QStringLiteral("animal"),
                                 QStringLiteral("--take"), QStringLiteral("1"), QStringLiteral("--json")},
                                {}, env);
        GW_RUN_OK(take);
        json::Value taken;
        QVERIFY2(json::parse(take.out.toStdString(), taken), qPrintable(take.out));
        const json::Value *leases = taken.find("items");
        QVERIFY2(leases && leases->isArray() && leases->toArray().size() == 1, qPrintable(take.out));
        const int64_t item = leases->toArray().front().find("item")->toInt();
        GW_RUN_OK(test::runGw({QStringLiteral("label"), ann, QStringLiteral("--job"), QStringLiteral("animal"),
                               QStringLiteral("--item"), QString::number(item), QStringLiteral("--class"), QStringLiteral("dog")},
                              {}, env));
        // An item not handed to them, and a class change: the server refuses, gw says so.
        const int64_t other = item == 1 ? 2 : 1;
        auto notMine = test::runGw({QStringLiteral("label"), ann, QStringLiteral("--job"), QStringLiteral("animal"),
                                    QStringLiteral("--item"), QString::number(other), QStringLiteral("--class"),
                                    QStringLiteral("cat")},
                                   {}, env);
        QCOMPARE(notMine.code, 3);
        QVERIFY2(notMine.err.contains(QStringLiteral("refuses")), qPrintable(notMine.err));
        auto rename = test::runGw({QStringLiteral("job"), QStringLiteral("rename-class"), ann, QStringLiteral("--job"),
                                   QStringLiteral("animal"), QStringLiteral("--class"), QStringLiteral("cat"),
                                   QStringLiteral("--to"), QStringLiteral("kitten")},
                                  {}, env);
        QVERIFY(rename.code != 0);
        QVERIFY2(rename.err.contains(QStringLiteral("refuses")), qPrintable(rename.err));
        auto store = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        const Job job = *(*store)->job("animal");
        auto label = (*store)->currentAnnotation(job.id, item);
        GW_VERIFY_OK(label);
        QVERIFY(label->has_value());
        QCOMPARE((*label)->provenance.author, std::string("cli-ann")); // recorded under the login
        QCOMPARE(job.classes.at(0).name, std::string("cat"));
        // A local copy for the road.
        const QString copy = dir.path() + QStringLiteral("/copy.gwproj");
        GW_RUN_OK(test::runGw({QStringLiteral("clone"), owner, copy}));
        auto info = test::runGw({QStringLiteral("info"), copy});
        GW_RUN_OK(info);
        QVERIFY2(info.out.contains(QStringLiteral("3")), qPrintable(info.out));
    }

    void theFeedAnnouncesChangesAndComesBackAfterARestart()
    {
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        const Job job = *owner->createJob(animalJob());
        const auto items = addImages(*owner, 2);
        auto feed = ChangeFeed::watch(m_server.adminUrl(db));
        GW_VERIFY_OK(feed);
        QVERIFY(*feed);
        QSignalSpy changes(feed->get(), &ChangeFeed::changed);
        QSignalSpy connection(feed->get(), &ChangeFeed::connectionChanged);
        auto seen = [&](auto &&match) {
            for (const QList<QVariant> &args : changes)
                if (match(args.at(0).value<ProjectChange>()))
                    return true;
            return false;
        };
        // A label, a class change, new items and a finished round, each within a second of its commit.
        GW_VERIFY_OK(put(*owner, answer(job, items[0], "ann", 1)));
        QTRY_VERIFY_WITH_TIMEOUT(seen([&](const ProjectChange &c) {
                                     return c.kind == ProjectChange::Kind::Label && c.itemId == items[0]
                                            && c.jobId == job.id && c.author == "ann";
                                 }),
                                 1000);
        GW_VERIFY_OK(owner->addClass(job.id, LabelClass{0, "bird", "", "", {}}, "lead"));
        QTRY_VERIFY_WITH_TIMEOUT(seen([](const ProjectChange &c) { return c.kind == ProjectChange::Kind::Jobs; }), 1000);
        addImages(*owner, 1);
        QTRY_VERIFY_WITH_TIMEOUT(seen([](const ProjectChange &c) { return c.kind == ProjectChange::Kind::Items; }), 1000);
        Run run;
        run.kind = "autolabel";
        run.jobId = job.id;
        run.status = "running";
        run.id = *owner->addRun(run);
        run.status = "done";
        GW_VERIFY_OK(owner->updateRun(run));
        QTRY_VERIFY_WITH_TIMEOUT(seen([&](const ProjectChange &c) {
                                     return c.kind == ProjectChange::Kind::Run && c.runId == run.id && c.status == "done";
                                 }),
                                 1000);
        // The server goes away and comes back: the feed says so both times, and announces again.
        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!connection.isEmpty() && !connection.last().at(0).toBool(), 5000);
        QVERIFY2(m_server.restart(), qPrintable(m_server.error()));
        QTRY_VERIFY_WITH_TIMEOUT(connection.last().at(0).toBool(), 10000);
        changes.clear();
        GW_VERIFY_OK(put(*owner, answer(job, items[1], "ann", 0))); // the owner's store reconnects by itself
        QTRY_VERIFY_WITH_TIMEOUT(seen([&](const ProjectChange &c) { return c.itemId == items[1]; }), 1000);
        // A project file has no feed.
        QTemporaryDir dir;
        auto none = ChangeFeed::watch(test::path(dir, "p.gwproj"));
        GW_VERIFY_OK(none);
        QVERIFY(!*none);
    }

    void aTransactionOf25000LabelsFitsTheServer()
    {
        // An import writes every label in one transaction: what it holds per label must not come from the server's
        // shared lock table (advisory locks per label ran out after 12,440 labels of an import).
        constexpr int kLabels = 25000;
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        const Job job = *owner->createJob(animalJob());
        const auto items = addImages(*owner, kLabels);
        auto tx = owner->begin();
        GW_VERIFY_OK(tx);
        for (int64_t item : items) {
            Annotation a = answer(job, item, "importer", int(item % 2));
            a.provenance.source = Source::Imported;
            GW_VERIFY_OK((*tx)->putAnnotation(a));
        }
        GW_VERIFY_OK((*tx)->commit());
        ItemFilter labeled;
        labeled.jobId = job.id;
        labeled.labeled = true;
        QCOMPARE(*owner->countItems(labeled), int64_t(kLabels));
    }

    void aTeamProjectKeepsItsLocalFilesInTheUsersFolders()
    {
        // Runs' folders and caches of a team project stay on each computer, named after the address without the
        // password; a project file keeps its sidecars beside it (empty here).
        QTemporaryDir dir;
        qputenv("XDG_DATA_HOME", dir.path().toUtf8() + "/data");
        qputenv("XDG_CACHE_HOME", dir.path().toUtf8() + "/cache");
        const std::string url = "postgresql://ann:secret@labels.example.org:5432/birds?sslmode=require";
        const std::string runs = ts::localSidecar(url, ".runs");
        const std::string cache = ts::localSidecar(url, ".cache", true);
        QVERIFY2(runs.starts_with(dir.path().toStdString() + "/data/groundwork/team/"), runs.c_str());
        QVERIFY2(cache.starts_with(dir.path().toStdString() + "/cache/groundwork/team/"), cache.c_str());
        QVERIFY2(runs.ends_with(".runs") && runs.find("secret") == std::string::npos, runs.c_str());
        QVERIFY2(runs.substr(runs.find("/team/") + 6).find('/') == std::string::npos, runs.c_str());
        QVERIFY(ts::localSidecar("postgresql://ann@labels.example.org:5432/fish", ".runs") != runs);
        QVERIFY(ts::localSidecar(test::path(dir, "p.gwproj"), ".runs").empty());
        qunsetenv("XDG_DATA_HOME");
        qunsetenv("XDG_CACHE_HOME");
    }

    void aConnectionCanRequireTls()
    {
        // sslmode travels in the address to libpq: with "require" the session is encrypted, with "disable" it is not.
        const std::string db = newDatabase();
        QVERIFY(ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        GW_VERIFY_OK(ts::addUser(m_server.adminUrl(db), "tls", ts::Role::Annotator, "pw"));
        for (const char *mode : {"require", "disable"}) {
            pg::Connection c;
            GW_VERIFY_OK(c.open(m_server.tcpUrl("tls", db, "pw") + "&sslmode=" + mode));
            auto ssl = c.exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            GW_VERIFY_OK(ssl);
            QCOMPARE(ssl->integer(0, 0) != 0, std::string_view(mode) == "require");
        }
        auto store = ProjectStore::open(m_server.tcpUrl("tls", db, "pw") + "&sslmode=require",
                                        ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
    }

    void anItemBeingAnsweredIsHandedOutOnceTheAnswerIsIn()
    {
        // The last item of a job with two annotators per item: while alice's answer is being written (her
        // transaction holds the item), bob asks for work. He must get the item once her answer is in, not hear that
        // nothing needs him (the load test's last item once went unanswered this way).
        const std::string db = newDatabase();
        auto owner = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create));
        const Job job = *owner->createJob(animalJob(2));
        const int64_t item = addImages(*owner, 1).front();
        auto alice = std::move(*ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::OpenExisting));
        QCOMPARE(alice->takeWork(job.id, "alice", 1, 600'000'000)->size(), size_t(1));
        auto tx = alice->begin();
        GW_VERIFY_OK(tx);
        Annotation a = answer(job, item, "alice");
        GW_VERIFY_OK((*tx)->putAnnotation(a)); // holds the item until it commits
        Result<std::vector<Lease>> bobs = std::vector<Lease>();
        std::thread bob([&] {
            auto store = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::OpenExisting);
            bobs = store ? (*store)->takeWork(job.id, "bob", 1, 600'000'000) : fail(store.error());
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
        GW_VERIFY_OK((*tx)->commit());
        bob.join();
        GW_VERIFY_OK(bobs);
        QCOMPARE(bobs->size(), size_t(1));
        QCOMPARE(bobs->front().itemId, item);
    }

    void publishAndCloneKeepEverything()
    {
        QTemporaryDir dir;
        const std::string file = test::path(dir, "local.gwproj");
        {
            auto local = ProjectStore::open(file, ProjectStore::OpenMode::Create);
            GW_VERIFY_OK(local);
            auto job = (*local)->createJob(animalJob());
            const auto items = addImages(**local, 3);
            GW_VERIFY_OK(put(**local, answer(*job, items[0], "alice")));
            Annotation sure = answer(*job, items[0], "bob", 1);
            sure.provenance.confidence = 0.1234567890123456789;
            GW_VERIFY_OK(put(**local, sure));
            GW_VERIFY_OK((*local)->putAssignments(job->id, kLoopWorker, {{items[2], "audit"}, {items[1], "probe"}}));
            GW_VERIFY_OK((*local)->renameClass(job->id, 1, "hound", "lead"));
            GW_VERIFY_OK((*local)->setSetting("model", "resnet"));
        }
        const std::string db = newDatabase();
        auto published = ts::publish(file, m_server.adminUrl(db));
        GW_VERIFY_OK(published);
        QCOMPARE(published->items, int64_t(3));
        QCOMPARE(published->labels, int64_t(1));
        // A second publish to the same database is refused; nothing is changed.
        QVERIFY(!ts::publish(file, m_server.adminUrl(db)));

        auto server = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(server);
        const Job job = *(*server)->job("animal");
        QCOMPARE(job.classById(1)->name, std::string("hound"));
        auto history = (*server)->history(job.id, 1);
        QCOMPARE(history->size(), size_t(2));
        QCOMPARE(history->back().annotation.provenance.confidence.value_or(0), 0.1234567890123456789);
        QCOMPARE((*server)->assignments(job.id, kLoopWorker)->front().itemId, int64_t(3));
        QCOMPARE(*(*server)->setting("model"), std::string("resnet"));
        QCOMPARE((*server)->projectDir(), dir.path().toStdString());
        // The class filter knows the copied labels (publish records their classes as the trigger would).
        ItemFilter hounds;
        hounds.jobId = job.id;
        hounds.labeled = true;
        hounds.classId = 1;
        QCOMPARE(*(*server)->countItems(hounds), int64_t(1));
        hounds.classId = 0;
        QCOMPARE(*(*server)->countItems(hounds), int64_t(0)); // alice's cat was superseded by bob's
        QCOMPARE((*server)->summary()->jobs.at(0).byClass.at(1).second, int64_t(1));
        // New rows continue the ids.
        auto more = addImages(**server, 1);
        QCOMPARE(more.front(), int64_t(4));

        const std::string copy = test::path(dir, "copy.gwproj");
        auto cloned = ts::clone(m_server.adminUrl(db), copy);
        GW_VERIFY_OK(cloned);
        QCOMPARE(cloned->items, int64_t(4));
        QVERIFY(!ts::clone(m_server.adminUrl(db), copy)); // never over an existing file
        auto back = ProjectStore::open(copy, ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(back);
        QCOMPARE((*back)->history(job.id, 1)->size(), size_t(2));
        QCOMPARE((*(*back)->currentAnnotation(job.id, 1))->provenance.confidence.value_or(0), 0.1234567890123456789);
        QCOMPARE((*back)->changes()->size(), size_t(1));
        QCOMPARE((*back)->assignments(job.id, kLoopWorker)->size(), size_t(2));
        QCOMPARE((*back)->projectDir(), dir.path().toStdString());
    }
};

QTEST_GUILESS_MAIN(TestTeamServer)
#include "tst_teamserver.moc"
