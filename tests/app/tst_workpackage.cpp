// Work packages: `gw package` hands a worker items and writes them with the job into a project of their own,
// images copied or referred to; the worker labels it with gw; `gw merge` brings the answers back under their
// times. Merging again adds nothing, a package of another project is refused, an answer older than the item's
// label goes into the history, a merge killed half-way (kill -9 inside its transaction) leaves the project as it
// was and merging again completes it, and a package never replaces a file.

#include "datasets/projectstore.h"
#include "datasets/workeranswers.h"
#include "cliutil.h"
#include "testutil.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace gw::datasets;
using gw::test::runGw;

namespace {

/// A project with `images` real PNG images (or texts when images is 0 and texts > 0) and a classification job.
std::string makeProject(const QTemporaryDir &dir, const char *name, int images, int texts = 0)
{
    const std::string path = gw::test::path(dir, name);
    auto store = gw::test::newProject(path);
    auto tx = store->begin();
    for (int i = 0; i < images; ++i) {
        QImage img(32, 24, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 30 % 360, 150, 200));
        const std::string file = std::string(name) + "-img" + std::to_string(i) + ".png";
        img.save(QString::fromStdString(gw::test::path(dir, file.c_str())));
        Item it;
        it.uri = file;
        it.width = 32;
        it.height = 24;
        (void)(*tx)->addItem(it);
    }
    for (int i = 0; i < texts; ++i) {
        Item it;
        it.kind = MediaKind::Text;
        it.text = "text " + std::to_string(i);
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    Job j;
    j.name = "animal";
    j.type = images ? TaskType::ImageClassification : TaskType::TextClassification;
    j.classes = {{0, "cat", "#aa0000", "1", {}}, {1, "dog", "#00aa00", "2", {}}};
    (void)store->createJob(j);
    return path;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

gw::test::CliRun label(const std::string &project, int item, const char *cls, const char *worker)
{
    return runGw({QStringLiteral("label"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                  QStringLiteral("--item"), QString::number(item), QStringLiteral("--class"), QString::fromLatin1(cls),
                  QStringLiteral("--worker"), QString::fromLatin1(worker)});
}

gw::test::CliRun merge(const std::string &project, const std::string &package)
{
    return runGw({QStringLiteral("merge"), q(project), q(package)});
}

/// Every version of the job's labels by a worker: (item, created) pairs.
std::set<std::pair<int64_t, int64_t>> answersBy(const std::string &project, const std::string &worker)
{
    auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    std::set<std::pair<int64_t, int64_t>> out;
    (void)(*store)->forEachHumanVersion((*store)->job("animal")->id, [&](const Annotation &a) {
        if (a.provenance.author == worker)
            out.insert({a.itemId, a.provenance.createdUs});
        return true;
    });
    return out;
}

} // namespace

class TestWorkPackage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPackageGoesOutAndItsAnswersComeBack()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 10);
        const std::string package = gw::test::path(dir, "away/ann.gwproj");
        QDir().mkpath(dir.path() + QStringLiteral("/away"));
        const auto made = runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                                 QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"),
                                 QStringLiteral("4"), QStringLiteral("--out"), q(package), QStringLiteral("--copy-media")});
        GW_RUN_OK(made);
        QVERIFY2(made.out.contains(QStringLiteral("4 items of job 'animal' for ann, 4 images copied")), qPrintable(made.out));
        // The package is a project of its own: the job, the four items, their images beside it; nothing else.
        QCOMPARE(QDir(dir.path() + QStringLiteral("/away")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 (QStringList{QStringLiteral("ann-media"), QStringLiteral("ann.gwproj")}));
        {
            auto pkg = ProjectStore::open(package, ProjectStore::OpenMode::OpenExisting);
            QVERIFY(pkg);
            QCOMPARE((*pkg)->job("animal")->classes.size(), size_t(2));
            QCOMPARE(*(*pkg)->countItems({}), 4);
            auto first = (*pkg)->item(1);
            QVERIFY2(first->uri.rfind("ann-media/", 0) == 0, first->uri.c_str());
            QVERIFY(!QImage(dir.path() + QStringLiteral("/away/") + q(first->uri)).isNull());
        }
        // ann holds the four in the project; the others get other items.
        const auto others = runGw({QStringLiteral("queue"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                                   QStringLiteral("--worker"), QStringLiteral("bob"), QStringLiteral("--take"),
                                   QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(others.out.contains(QStringLiteral("{\"item\":5,")), qPrintable(others.out));
        // ann labels three offline, then they come back, at the times she gave them.
        for (int i = 1; i <= 2; ++i)
            GW_RUN_OK(label(package, i, i == 2 ? "dog" : "cat", "ann"));
        // Without --worker, a package's labels are its worker's.
        GW_RUN_OK(runGw({QStringLiteral("label"), q(package), QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--item"), QStringLiteral("3"), QStringLiteral("--class"), QStringLiteral("cat")}));
        const auto offline = answersBy(package, "ann");
        const auto merged = merge(project, package);
        GW_RUN_OK(merged);
        QVERIFY2(merged.out.contains(QStringLiteral("3 answers, 3 added")), qPrintable(merged.out));
        std::set<int64_t> times, back;
        for (const auto &[item, at] : offline)
            times.insert(at);
        for (const auto &[item, at] : answersBy(project, "ann"))
            back.insert(at);
        QCOMPARE(back, times);
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        const Job job = *(*store)->job("animal");
        QCOMPARE((*(*store)->currentAnnotation(job.id, 2))->payload.classes, std::vector<int>{1});
        QCOMPARE((*(*store)->currentAnnotation(job.id, 2))->provenance.author, std::string("ann"));
        QVERIFY(!*(*store)->currentAnnotation(job.id, 4)); // not labelled offline
        // Again: nothing added.
        const auto again = merge(project, package);
        GW_RUN_OK(again);
        QVERIFY2(again.out.contains(QStringLiteral("0 added")) && again.out.contains(QStringLiteral("3 merged before")),
                 qPrintable(again.out));
        QCOMPARE(answersBy(project, "ann").size(), size_t(3));
        // Recorded.
        QVERIFY(runGw({QStringLiteral("changes"), q(project)}).out.contains(QStringLiteral("work package merged")));
    }

    void anOlderAnswerDoesNotReplaceANewerLabel()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 0, 6);
        const std::string package = gw::test::path(dir, "ann.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"), QStringLiteral("3"),
                         QStringLiteral("--out"), q(package)}));
        GW_RUN_OK(label(package, 2, "cat", "ann"));
        GW_RUN_OK(label(project, 2, "dog", "lead")); // later, in the project
        const auto merged = merge(project, package);
        GW_RUN_OK(merged);
        QVERIFY2(merged.out.contains(QStringLiteral("1 added (1 behind a newer label")), qPrintable(merged.out));
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        const Job job = *(*store)->job("animal");
        QCOMPARE((*(*store)->currentAnnotation(job.id, 2))->provenance.author, std::string("lead"));
        QCOMPARE(answersBy(project, "ann").size(), size_t(1)); // in the history
        // ann's own answers: one given later in the project beats an older one merged from her package.
        const std::string later = gw::test::path(dir, "ann2.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"), QStringLiteral("1"),
                         QStringLiteral("--out"), q(later)}));
        GW_RUN_OK(label(later, 1, "cat", "ann"));   // item 1 of the package: the project's item 4
        GW_RUN_OK(label(project, 4, "dog", "ann")); // afterwards, in the project
        GW_RUN_OK(merge(project, later));
        auto mine = answerOf(**store, job.id, 4, "ann");
        QVERIFY(mine && *mine);
        QCOMPARE((*mine)->payload.classes, std::vector<int>{1}); // dog
        int answers = 0;
        std::vector<int> classes;
        QVERIFY((*store)->forEachAnswer(job.id, [&](const Annotation &a) {
            if (a.itemId == 4 && a.provenance.author == "ann") {
                ++answers;
                classes = a.payload.classes;
            }
            return true;
        }));
        QCOMPARE(answers, 1);
        QCOMPARE(classes, std::vector<int>{1});
    }

    void aPackageOfAnotherProjectIsRefused()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 0, 4);
        const std::string other = makeProject(dir, "other.gwproj", 0, 4);
        const std::string package = gw::test::path(dir, "ann.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("package"), q(other), QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"), QStringLiteral("2"),
                         QStringLiteral("--out"), q(package)}));
        GW_RUN_OK(label(package, 1, "cat", "ann"));
        const auto refused = merge(project, package);
        QCOMPARE(refused.code, 3);
        QVERIFY2(refused.err.contains(QStringLiteral("a work package of another project")), qPrintable(refused.err));
        QVERIFY(answersBy(project, "ann").empty());
        // Nor is a project that is not a package, or the project itself.
        QCOMPARE(merge(project, other).code, 3);
        QVERIFY(merge(project, project).code != 0);
    }

    void aPackageNeverReplacesAFile()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 0, 4);
        const std::string existing = gw::test::path(dir, "notes.gwproj");
        gw::test::writeFile(existing, "someone's file");
        const auto refused = runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                                    QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--out"), q(existing)});
        QVERIFY(refused.code != 0);
        QCOMPARE(gw::test::readFile(existing), std::string("someone's file"));
    }

    void aPackageThatCannotBeWrittenGivesItsItemsBack()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 4);
        QVERIFY(QFile::remove(dir.path() + QStringLiteral("/p.gwproj-img2.png"))); // an image gone missing
        const std::string package = gw::test::path(dir, "ann.gwproj");
        const auto failed = runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                                   QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"),
                                   QStringLiteral("4"), QStringLiteral("--out"), q(package), QStringLiteral("--copy-media")});
        QVERIFY(failed.code != 0);
        QVERIFY2(failed.err.contains(QStringLiteral("p.gwproj-img2.png")), qPrintable(failed.err));
        QVERIFY(!QFileInfo::exists(q(package)));
        // Nothing stays held for ann: bob gets all four.
        const auto bob = runGw({QStringLiteral("queue"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                                QStringLiteral("--worker"), QStringLiteral("bob"), QStringLiteral("--take"),
                                QStringLiteral("4")});
        QVERIFY2(bob.out.contains(QStringLiteral("bob holds 4 items")), qPrintable(bob.out));
    }

    void aMergeKilledHalfWayLeavesTheProjectAsItWas()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir, "p.gwproj", 0, 400);
        const std::string package = gw::test::path(dir, "ann.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("package"), q(project), QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--worker"), QStringLiteral("ann"), QStringLiteral("--items"), QStringLiteral("400"),
                         QStringLiteral("--out"), q(package)}));
        {
            auto pkg = ProjectStore::open(package, ProjectStore::OpenMode::OpenExisting);
            const Job job = *(*pkg)->job("animal");
            auto tx = (*pkg)->begin();
            for (int64_t i = 1; i <= 400; ++i) {
                Annotation a;
                a.jobId = job.id;
                a.itemId = i;
                a.payload.classes = {int(i % 2)};
                a.provenance.author = "ann";
                a.provenance.createdUs = nowUs();
                QVERIFY((*tx)->putAnnotation(a));
            }
            QVERIFY((*tx)->commit());
        }
        QProcess gw;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GW_TEST_MERGE_STALL"), QStringLiteral("1"));
        gw.setProcessEnvironment(env);
        gw.start(QStringLiteral(GW_BINARY_DIR "/app/gw"), {QStringLiteral("merge"), q(project), q(package)});
        QByteArray err;
        gw.setReadChannel(QProcess::StandardError);
        for (int i = 0; i < 600 && !err.contains("stalled"); ++i) {
            gw.waitForReadyRead(100);
            err += gw.readAllStandardError();
        }
        QVERIFY2(err.contains("stalled"), err.constData()); // 200 of 400 answers written, not committed
        gw.kill(); // SIGKILL
        QVERIFY(gw.waitForFinished(10000));
        QVERIFY(answersBy(project, "ann").empty());
        QCOMPARE(runGw({QStringLiteral("info"), q(project)}).code, 0);
        const auto merged = merge(project, package);
        GW_RUN_OK(merged);
        QVERIFY2(merged.out.contains(QStringLiteral("400 answers, 400 added")), qPrintable(merged.out));
        QCOMPARE(answersBy(project, "ann").size(), size_t(400));
        QVERIFY(merge(project, package).out.contains(QStringLiteral("0 added")));
    }
};

QTEST_GUILESS_MAIN(TestWorkPackage)
#include "tst_workpackage.moc"
