// "My queue" in the main window: the items the store hands to the worker, topped up as they answer, given back
// when they switch name, job or close the window; with several annotators per item each worker sees only their
// own answers; the workers table. Another worker (another process in real life) takes work through the store.

#include "datasets/workeranswers.h"
#include "datasets/workpackage.h"
#include "labeling/labelingsession.h"
#include "ui/gallerymodel.h"
#include "ui/workersdialog.h"
#include "windowtestutil.h"

#include <QComboBox>
#include <QSettings>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTableWidget>

using namespace gw::datasets;
using gw::test::Screen;

namespace {

/// 30 images and a classification job with `annotators` annotators per item.
std::string queueProject(const QTemporaryDir &dir, int annotators)
{
    const std::string path = gw::test::path(dir, "q.gwproj");
    auto store = gw::test::newProject(path);
    auto tx = store->begin();
    for (int i = 0; i < 30; ++i) {
        QImage img(64, 48, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 12, 120, 200));
        const std::string file = "q" + std::to_string(i) + ".png";
        img.save(QString::fromStdString(gw::test::path(dir, file.c_str())));
        Item it;
        it.uri = file;
        it.width = 64;
        it.height = 48;
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    Job j;
    j.name = "animal";
    j.type = TaskType::ImageClassification;
    j.classes = {{0, "cat", "#aa0000", "1", {}}, {1, "dog", "#00aa00", "2", {}}};
    j.annotatorsPerItem = annotators;
    (void)store->createJob(j);
    return path;
}

std::vector<int64_t> held(ProjectStore *store, const std::string &worker)
{
    std::vector<int64_t> out;
    const auto leases = store->leases(store->job("animal")->id, worker); // kept: a range-for over *temporary dangles
    for (const Lease &l : *leases)
        out.push_back(l.itemId);
    return out;
}

std::vector<int64_t> listed(gw::ui::MainWindow &w)
{
    std::vector<int64_t> out;
    QAbstractItemModel *m = w.itemList()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        out.push_back(m->index(r, 0).data(gw::ui::GalleryModel::ItemIdRole).toLongLong());
    return out;
}

std::vector<int64_t> range(int64_t from, int64_t to)
{
    std::vector<int64_t> out;
    for (int64_t i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}

void answer(ProjectStore *store, int64_t item, const std::string &worker, int classId)
{
    Annotation a;
    a.jobId = store->job("animal")->id;
    a.itemId = item;
    a.payload.classes = {classId};
    a.provenance.author = worker;
    a.provenance.createdUs = nowUs();
    auto tx = store->begin();
    QVERIFY(tx && (*tx)->putAnnotation(a) && (*tx)->commit());
}

} // namespace

class TestMyQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QSettings().remove(QStringLiteral("worker")); }

    void myQueueListsWhatIsHandedToMeAndGrowsAsIAnswer()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 1);
        Screen s(project, "animal");
        s.w.setWorker(QStringLiteral("alice"));
        // Bob, elsewhere, took the first ten.
        QCOMPARE(s.w.store()->takeWork(s.w.store()->job("animal")->id, "bob", 10, 600'000'000)->size(), size_t(10));
        s.w.showMyQueue();
        QVERIFY(s.w.showingMine());
        QCOMPARE(listed(s.w), range(11, 30));
        QCOMPARE(held(s.w.store(), "alice"), range(11, 30));
        QCOMPARE(s.item(), 11);
        // An answer moves on to the next and lets the item go; the queue refills as far as there is work.
        QTest::keyClick(s.canvas(), Qt::Key_2);
        QCOMPARE(gw::test::label(s.w.store(), "animal", 11)->provenance.author, std::string("alice"));
        QCOMPARE(s.item(), 12);
        QCOMPARE(held(s.w.store(), "alice"), range(12, 30));
        // Bob gives his back: alice's next answer brings them into her list, after hers.
        QCOMPARE(*s.w.store()->returnWork(s.w.store()->job("animal")->id, "bob", {}), 10);
        QTest::keyClick(s.canvas(), Qt::Key_1);
        QCOMPARE(s.item(), 13);
        std::vector<int64_t> expected = range(11, 30);
        const std::vector<int64_t> bobs = range(1, 10);
        expected.insert(expected.end(), bobs.begin(), bobs.begin() + 2); // she holds 20 again
        QCOMPARE(listed(s.w), expected);
        QCOMPARE(held(s.w.store(), "alice").size(), size_t(20));
    }

    void aNewNameTheOtherJobAndClosingGiveItemsBack()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 1);
        {
            Screen s(project, "animal");
            s.w.setWorker(QStringLiteral("alice"));
            s.w.showMyQueue();
            QCOMPARE(held(s.w.store(), "alice").size(), size_t(20));
            s.w.setWorker(QStringLiteral("carol"));
            QVERIFY(held(s.w.store(), "alice").empty());
            QCOMPARE(held(s.w.store(), "carol"), range(1, 20));
            QVERIFY(s.w.findChild<QComboBox *>(QStringLiteral("itemFilter"))->currentText().contains(QStringLiteral("carol")));
            s.w.close();
            QVERIFY(held(s.w.store(), "carol").empty());
        }
    }

    void withSeveralAnnotatorsEachSeesOnlyTheirOwnAnswers()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 2);
        Screen s(project, "animal");
        ProjectStore *store = s.w.store();
        answer(store, 1, "bob", 1); // bob said dog
        s.w.setWorker(QStringLiteral("alice"));
        s.w.showMyQueue();
        QCOMPARE(s.item(), 1);
        QVERIFY(!s.w.labelingPane()->session()->current()); // bob's answer is not shown to alice
        QVERIFY(s.w.itemList()->model()->index(0, 0).data(gw::ui::GalleryModel::LabelTextRole).toString().isEmpty());
        QTest::keyClick(s.canvas(), Qt::Key_1); // cat
        // Both answers are kept, each the worker's own.
        QCOMPARE((*answerOf(*store, store->job("animal")->id, 1, "alice"))->payload.classes, std::vector<int>{0});
        QCOMPARE((*answerOf(*store, store->job("animal")->id, 1, "bob"))->payload.classes, std::vector<int>{1});
        // Going back, alice sees her own answer, and undoing takes it back without touching bob's.
        s.w.previous();
        QCOMPARE(s.item(), 1);
        QCOMPARE(s.w.labelingPane()->session()->current()->provenance.author, std::string("alice"));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!*answerOf(*store, store->job("animal")->id, 1, "alice"));
        QCOMPARE((*answerOf(*store, store->job("animal")->id, 1, "bob"))->payload.classes, std::vector<int>{1});
        // Out of the queue, the list shows the items' labels again.
        s.w.findChild<QComboBox *>(QStringLiteral("itemFilter"))->setCurrentIndex(0);
        QVERIFY(!s.w.labelingPane()->session()->ownAnswers());
    }

    void answersAreConsolidatedAsTheyArrive()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 2);
        Screen s(project, "animal");
        ProjectStore *store = s.w.store();
        answer(store, 1, "bob", 1);
        answer(store, 2, "bob", 1);
        s.w.setWorker(QStringLiteral("alice"));
        s.w.showMyQueue();
        QTest::keyClick(s.canvas(), Qt::Key_2); // dog, as bob said
        QTest::keyClick(s.canvas(), Qt::Key_1); // cat: they disagree on item 2
        // A moment after the last answer, in the background: both items get a consolidated label.
        QTRY_VERIFY_WITH_TIMEOUT(gw::test::label(store, "animal", 2)
                                     && gw::test::label(store, "animal", 2)->provenance.source == Source::Consolidated,
                                 15000);
        const Annotation agreed = *gw::test::label(store, "animal", 1);
        QCOMPARE(agreed.provenance.source, Source::Consolidated);
        QCOMPARE(agreed.payload.classes, std::vector<int>{1});
        // Alice still sees her own answers, not the consolidated ones.
        s.w.previous();
        QCOMPARE(s.w.labelingPane()->session()->current()->provenance.author, std::string("alice"));
        QCOMPARE(s.w.labelingPane()->session()->current()->payload.classes, std::vector<int>{0});
    }

    void aWorkPackageIsMergedFromTheFileMenu()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 1);
        Screen s(project, "animal");
        ProjectStore *store = s.w.store();
        PackageRequest request;
        request.job = "animal";
        request.worker = "ann";
        request.items = 3;
        request.out = gw::test::path(dir, "ann.gwproj");
        auto made = makePackage(*store, request);
        QVERIFY2(made, made ? "" : made.error().message.c_str());
        // In the project's window, ann's queue leaves her package's items out, and does not give them back.
        s.w.setWorker(QStringLiteral("ann"));
        s.w.showMyQueue();
        QCOMPARE(listed(s.w), range(4, 23));
        s.w.findChild<QComboBox *>(QStringLiteral("itemFilter"))->setCurrentIndex(0);
        s.w.setWorker(QStringLiteral("lead")); // gives ann's app queue back, not her package
        QCOMPARE(held(store, "ann"), range(1, 3));
        {
            // Opened in the app, the package is labelled as ann, whoever's computer it is on.
            Screen away(request.out, "animal");
            QCOMPARE(away.w.worker(), QStringLiteral("ann"));
            QVERIFY(!away.w.action(QStringLiteral("app.worker"))->isEnabled());
            away.w.goToRow(1);
            QTest::keyClick(away.canvas(), Qt::Key_2);
            QCOMPARE(gw::test::label(away.w.store(), "animal", 2)->provenance.author, std::string("ann"));
        }
        QVERIFY(s.w.mergeWorkPackage(QString::fromStdString(request.out)));
        QCOMPARE(gw::test::label(store, "animal", 2)->provenance.author, std::string("ann"));
        QCOMPARE(s.w.itemList()->model()->index(1, 0).data(gw::ui::GalleryModel::LabelTextRole).toString(),
                 QStringLiteral("dog"));
        QVERIFY(s.w.statusBar()->currentMessage().contains(QStringLiteral("1 answer merged into job animal")));
    }

    void anEmptyQueueSaysWhy()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 1);
        Screen s(project, "animal");
        QCOMPARE(s.w.store()->takeWork(s.w.store()->job("animal")->id, "bob", 30, 600'000'000)->size(), size_t(30));
        s.w.setWorker(QStringLiteral("alice"));
        s.w.showMyQueue();
        QCOMPARE(s.w.itemList()->model()->rowCount(), 0);
        QCOMPARE(s.item(), 0);
        QVERIFY2(s.canvas()->statusText().contains(QStringLiteral("Nothing left for you")), qPrintable(s.canvas()->statusText()));
    }

    void theWorkersTableShowsEachWorker()
    {
        QTemporaryDir dir;
        const std::string project = queueProject(dir, 2);
        Screen s(project, "animal");
        ProjectStore *store = s.w.store();
        for (int64_t i = 1; i <= 4; ++i) {
            answer(store, i, "bob", 1);
            answer(store, i, "carol", i == 4 ? 0 : 1); // they differ on item 4
        }
        answer(store, 5, "bob", 0);
        s.w.setWorker(QStringLiteral("alice"));
        s.w.showMyQueue(); // alice holds 20: 5-24 (1-4 have their two answers)
        auto *dialog = s.w.showWorkers();
        QVERIFY(dialog);
        QSignalSpy done(dialog, &gw::ui::WorkersDialog::refreshed);
        QVERIFY(done.wait(20000));
        QTableWidget *t = dialog->table();
        QCOMPARE(t->rowCount(), 3);
        auto row = [&](const QString &name) {
            for (int r = 0; r < t->rowCount(); ++r)
                if (t->item(r, 0)->text().startsWith(name))
                    return r;
            return -1;
        };
        QCOMPARE(t->item(row(QStringLiteral("bob")), 1)->text(), QStringLiteral("5"));
        QCOMPARE(t->item(row(QStringLiteral("carol")), 1)->text(), QStringLiteral("4"));
        QCOMPARE(t->item(row(QStringLiteral("alice")), 2)->text(), QStringLiteral("20"));
        QVERIFY(t->item(row(QStringLiteral("alice")), 0)->text().contains(QStringLiteral("(you)")));
        QVERIFY2(dialog->summary().contains(QStringLiteral("4 of 30 items have all their answers, 1 some of them")),
                 qPrintable(dialog->summary()));
    }
};

QTEST_MAIN(TestMyQueue)
#include "tst_myqueue.moc"
