// The main window opens a project and shows its jobs and items; the item model pages through the store.

#include "testutil.h"
#include "ui/itemtablemodel.h"
#include "ui/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QApplication>
#include <QTest>

using namespace gw;
using namespace gw::datasets;

namespace {

void fill(ProjectStore &s, int n)
{
    auto tx = s.begin();
    for (int i = 0; i < n; ++i) {
        Item it;
        it.uri = "img/" + std::to_string(i) + ".png";
        it.width = 20;
        it.height = 10;
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    Job j;
    j.name = "animal";
    j.classes = {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#ff7f0e", "2", {}}};
    auto job = s.createJob(j);
    Annotation a;
    a.jobId = job->id;
    a.itemId = 2;
    a.payload.classes = {1};
    a.payload.classConfidence = {std::nullopt};
    auto t2 = s.begin();
    (void)(*t2)->putAnnotation(a);
    (void)(*t2)->commit();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelPagesThroughTheStore()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        fill(*s, 1234);
        auto job = s->job("animal");
        ui::ItemTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(s.get(), &*job);
        QCOMPARE(model.totalCount(), int64_t(1234));
        // Rows arrive a page at a time (the tester itself fetches too).
        QCOMPARE(model.rowCount(), ui::ItemTableModel::kPageSize);
        QVERIFY(model.canFetchMore({}));
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 1234);
        QCOMPARE(model.data(model.index(1, ui::ItemTableModel::LabelColumn)).toString(), QStringLiteral("dog"));
        QCOMPARE(model.data(model.index(1233, ui::ItemTableModel::MediaColumn)).toString(), QStringLiteral("img/1233.png"));
        model.setStore(nullptr, nullptr);
    }

    void opensAProjectAndShowsJobsAndItems()
    {
        QTemporaryDir dir;
        {
            auto s = test::newProject(test::path(dir, "p.gwproj"));
            fill(*s, 50);
        }
        ui::MainWindow w;
        w.show();
        QVERIFY(w.openProject(QString::fromStdString(test::path(dir, "p.gwproj"))));
        auto *jobs = w.findChild<QListWidget *>();
        QCOMPARE(jobs->count(), 1);
        QVERIFY(jobs->item(0)->text().startsWith(QStringLiteral("animal")));
        auto *table = w.findChild<QTableView *>();
        QTRY_COMPARE(table->model()->rowCount(), 50);
        const QList<QLabel *> labels = w.statusBar()->findChildren<QLabel *>();
        bool found = false;
        for (QLabel *l : labels)
            found = found || l->text() == QStringLiteral("1 of 50 labeled in animal");
        QVERIFY(found);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("p.gwproj")));
    }

    void refusesABadFileAndKeepsTheCurrentProject()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "junk.gwproj"), "not a project");
        ui::MainWindow w;
        // The warning box would block: close it as soon as it shows.
        QTimer::singleShot(0, [] {
            if (QWidget *box = QApplication::activeModalWidget())
                box->close();
        });
        QVERIFY(!w.openProject(QString::fromStdString(test::path(dir, "junk.gwproj"))));
        QCOMPARE(w.windowTitle(), QStringLiteral("Groundwork"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
