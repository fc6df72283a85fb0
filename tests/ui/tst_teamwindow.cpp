// The main window on a team project (issue 17), against a real PostgreSQL 15: connected through File › Connect to a
// Team Server…'s address, it shows another person's label and a class renamed by the lead within a second, without
// polling; with the server stopped, a class key is kept (shown, not lost) and saved once the server is back.

#include "datasets/changefeed.h"
#include "datasets/pg.h"
#include "datasets/teamserver.h"
#include "labeling/labelingsession.h"
#include "pgserver.h"
#include "ui/teamserverdialog.h"
#include "windowtestutil.h"

#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>

using namespace gw;
using namespace gw::datasets;

namespace {

Annotation labelOf(const Job &job, int64_t item, const std::string &author, int cls)
{
    Annotation a;
    a.jobId = job.id;
    a.itemId = item;
    a.payload.classes = {cls};
    a.payload.classConfidence = {std::nullopt};
    a.provenance.author = author;
    return a;
}

} // namespace

class TestTeamWindow : public QObject
{
    Q_OBJECT

    test::PgServer m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectStore> m_lead; ///< the owner's connection: what another person does
    Job m_job;
    int m_databases = 0;

    /// A team project of six images, ann an annotator holding all of them; the dialog's address for ann.
    QString makeTeamProject()
    {
        const std::string db = "window" + std::to_string(++m_databases);
        {
            pg::Connection admin;
            if (auto r = admin.open(m_server.adminUrl("postgres")); !r || !admin.exec("CREATE DATABASE " + db))
                qFatal("cannot create the database");
        }
        auto store = ProjectStore::open(m_server.adminUrl(db), ProjectStore::OpenMode::Create);
        if (!store)
            qFatal("%s", store.error().message.c_str());
        m_lead = std::move(*store);
        (void)m_lead->setSetting("media.root", m_dir.path().toStdString());
        auto tx = m_lead->begin();
        for (int i = 0; i < 6; ++i) {
            QImage img(120, 90, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 50, 120, 200));
            const std::string file = "team" + std::to_string(i) + ".png";
            img.save(m_dir.path() + QLatin1Char('/') + QString::fromStdString(file));
            Item it;
            it.uri = file;
            it.width = 120;
            it.height = 90;
            (void)(*tx)->addItem(it);
        }
        (void)(*tx)->commit();
        Job j;
        j.name = "animal";
        j.type = TaskType::ImageClassification;
        j.classes = {{0, "cat", "#aa0000", "1", {}}, {1, "dog", "#00aa00", "2", {}}};
        m_job = *m_lead->createJob(j);
        if (!teamserver::addUser(m_server.adminUrl(db), "ann", teamserver::Role::Annotator, "ann pass"))
            qFatal("cannot add ann");
        // The items are handed to ann, as My queue does.
        auto annStore = ProjectStore::open(m_server.tcpUrl("ann", db, "ann%20pass"), ProjectStore::OpenMode::OpenExisting);
        if (!annStore || !(*annStore)->takeWork(m_job.id, "ann", 6, 3'600'000'000))
            qFatal("cannot hand the items to ann");
        // What ann types into File › Connect to a Team Server….
        ui::TeamServerDialog dialog;
        dialog.serverEdit()->setText(QStringLiteral("127.0.0.1"));
        dialog.portBox()->setValue(m_server.port());
        dialog.projectEdit()->setText(QString::fromStdString(db));
        dialog.nameEdit()->setText(QStringLiteral("ann"));
        dialog.passwordEdit()->setText(QStringLiteral("ann pass"));
        dialog.encryptionBox()->setCurrentIndex(dialog.encryptionBox()->findData(QStringLiteral("disable")));
        if (dialog.shownUrl().contains(QStringLiteral("pass")))
            qFatal("the shown address holds the password");
        return dialog.url();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.running(), qPrintable(m_server.error())); }

    void othersLabelsAndClassChangesAppearWithinASecond()
    {
        const QString url = makeTeamProject();
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openProject(url));
        QVERIFY(w.selectJob(QStringLiteral("animal")));
        QVERIFY2(!w.windowTitle().contains(QStringLiteral("pass")), qPrintable(w.windowTitle()));
        ui::LabelingPane *pane = w.labelingPane();
        QTRY_VERIFY(pane->currentItem() != 0);
        const int64_t shown = pane->currentItem();
        QCOMPARE(pane->session()->author(), std::string("ann")); // the login, whatever this computer's user is

        // The lead labels the item ann is looking at: ann's window shows it without being asked.
        {
            auto tx = m_lead->begin();
            Annotation a = labelOf(m_job, shown, "rita", 1);
            QVERIFY((*tx)->putAnnotation(a));
            QVERIFY((*tx)->commit());
        }
        QTRY_VERIFY_WITH_TIMEOUT(pane->session()->current() && pane->session()->current()->payload.classes == std::vector<int>{1},
                                 1000);
        // A class renamed by the lead.
        QVERIFY(m_lead->renameClass(m_job.id, 0, "kitten", "lead"));
        QTRY_VERIFY_WITH_TIMEOUT(pane->job().classById(0) && pane->job().classById(0)->name == "kitten", 1000);
    }

    void anEditWhileTheServerIsAwayIsKeptAndSavedWhenItIsBack()
    {
        const QString url = makeTeamProject();
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openProject(url));
        QVERIFY(w.selectJob(QStringLiteral("animal")));
        ui::LabelingPane *pane = w.labelingPane();
        QTRY_VERIFY(pane->currentItem() != 0);
        const int64_t shown = pane->currentItem();
        pane->canvas()->setFocus();

        m_server.stop();
        QTest::keyClick(pane->canvas(), Qt::Key_2); // dog, while nothing can be written
        QCOMPARE(pane->session()->pendingCount(), 1);
        QVERIFY2(pane->session()->current() || pane->currentItem() != shown, "the edit is shown");
        QVERIFY(m_server.restart());
        // Saved within the retry period, in ann's name, without anything pressed again.
        auto check = ProjectStore::open(m_server.adminUrl("window" + std::to_string(m_databases)),
                                        ProjectStore::OpenMode::OpenExisting);
        QVERIFY(check);
        QTRY_VERIFY_WITH_TIMEOUT((*check)->currentAnnotation(m_job.id, shown).value_or(std::nullopt).has_value(), 15000);
        const Annotation saved = *(*check)->currentAnnotation(m_job.id, shown).value();
        QCOMPARE(saved.payload.classes, std::vector<int>{1});
        QCOMPARE(saved.provenance.author, std::string("ann"));
        QTRY_COMPARE(pane->session()->pendingCount(), 0);
        m_lead.reset(); // its connection went with the restart
    }
};

QTEST_MAIN(TestTeamWindow)
#include "tst_teamwindow.moc"
