// The app keeps its SQLite locks on the open project through every file dialog. SQLite's POSIX locks belong to
// the process and the file: any other open + close of NAME.gwproj, -wal or -shm in the app (a file dialog
// reading a listed file to guess its type) drops them all. Another process then sees the project as unused,
// checkpoints and deletes the WAL the app still writes to, and labels are lost. Each dialog here is opened on
// the project's own folder in detail view (icons and the Type column of every file), then cancelled; the
// app's locks are read from /proc/locks before and after, and at the end a label written by `gw` while the
// app is open must survive the app closing.

#include "testutil.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QFileDialog>
#include <QFileSystemModel>
#include <QImage>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <set>

using namespace gw;
using namespace gw::datasets;

namespace {

/// Inodes of the files this process holds POSIX locks on (/proc/locks: "1: POSIX ADVISORY READ PID MAJ:MIN:INODE ...").
std::set<unsigned long> lockedInodes()
{
    std::set<unsigned long> out;
    QFile f(QStringLiteral("/proc/locks"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QByteArray pid = QByteArray::number(qint64(::getpid()));
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        // "->" marks a waiter; the owner lines have the type in field 1.
        if (fields.size() < 6 || fields.at(1) != "POSIX" || fields.at(4) != pid)
            continue;
        const QList<QByteArray> dev = fields.at(5).split(':');
        if (dev.size() == 3)
            out.insert(dev.at(2).toULong());
    }
    return out;
}

unsigned long inodeOf(const std::string &path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<unsigned long>(st.st_ino) : 0;
}

QAction *findAction(QWidget *w, const QString &textStart)
{
    for (QAction *a : w->findChildren<QAction *>()) {
        QString t = a->text();
        t.remove(QLatin1Char('&'));
        if (t.startsWith(textStart))
            return a;
    }
    return nullptr;
}

/// The file dialog now shown: lists `dir` in detail view, paints every row's icon and type, then cancels.
/// Returns what it saw ("" when all went well).
QString exerciseDialog(const QString &dir, int expectedFiles)
{
    auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
    if (!dialog)
        return QStringLiteral("no file dialog is shown");
    dialog->setViewMode(QFileDialog::Detail);
    dialog->setFilter(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    dialog->setNameFilter(QStringLiteral("All (*)"));
    dialog->setDirectory(dir);
    auto *model = dialog->findChild<QFileSystemModel *>();
    if (!model)
        return QStringLiteral("the dialog has no file system model");
    const QModelIndex root = model->index(dir);
    QElapsedTimer t;
    t.start();
    while (model->rowCount(root) < expectedFiles && t.elapsed() < 10000)
        QTest::qWait(20);
    if (model->rowCount(root) < expectedFiles)
        return QStringLiteral("the dialog listed %1 of %2 files").arg(model->rowCount(root)).arg(expectedFiles);
    // What a user's screen does: paint the rows, which asks for each file's icon and type, and let the
    // dialog's gatherer thread answer.
    for (int pass = 0; pass < 5; ++pass) {
        for (int r = 0; r < model->rowCount(root); ++r)
            for (int c = 0; c < model->columnCount(root); ++c) {
                const QModelIndex i = model->index(r, c, root);
                (void)model->data(i, Qt::DisplayRole);
                (void)model->data(i, Qt::DecorationRole);
            }
        (void)dialog->grab();
        QTest::qWait(60);
    }
    dialog->reject();
    return {};
}

} // namespace

class TestProjectLocks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the recent-projects list goes to a test folder
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
    }

    void locksSurviveEveryFileDialog()
    {
        QTemporaryDir dir;
        const std::string project = test::path(dir, "p.gwproj");
        int64_t firstItem = 0;
        {
            auto store = test::newProject(project);
            auto tx = store->begin();
            for (int i = 0; i < 4; ++i) {
                QImage img(40, 30, QImage::Format_RGB32);
                img.fill(QColor::fromHsv(i * 90, 120, 200));
                const std::string file = "img" + std::to_string(i) + ".png";
                img.save(QString::fromStdString(test::path(dir, file.c_str())));
                Item it;
                it.uri = file;
                it.width = 40;
                it.height = 30;
                GW_VERIFY_OK((*tx)->addItem(it));
                if (!firstItem)
                    firstItem = it.id;
            }
            GW_VERIFY_OK((*tx)->commit());
            Job j;
            j.name = "animal";
            j.type = TaskType::ImageClassification;
            j.classes = {{0, "cat", defaultClassColor(0), "1", {}}, {1, "dog", defaultClassColor(1), "2", {}}};
            GW_VERIFY_OK(store->createJob(j));
        }
        test::writeFile(test::path(dir, "notes.txt"), "labels, not lost\n");

        auto owned = std::make_unique<ui::MainWindow>();
        ui::MainWindow &window = *owned;
        window.show();
        QVERIFY(window.openProject(QString::fromStdString(project)));
        QVERIFY(window.store());
        const unsigned long db = inodeOf(project), shm = inodeOf(project + "-shm");
        QVERIFY(db && shm);
        QVERIFY2(lockedInodes().count(db) && lockedInodes().count(shm),
                 "the open project holds no lock on its file and its -shm (WAL mode)");
        // The project, its -wal and -shm, four images and the notes.
        const int files = int(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size());
        QVERIFY(files >= 8);

        // Each way a file dialog opens: trigger, then check the locks once it is closed.
        auto check = [&](const char *what, const std::function<void()> &open) {
            QString problem = QStringLiteral("the dialog never opened");
            QTimer::singleShot(0, [&] { problem = exerciseDialog(dir.path(), files); });
            open();
            QVERIFY2(problem.isEmpty(), qPrintable(QString::fromUtf8(what) + QStringLiteral(": ") + problem));
            const auto held = lockedInodes();
            QVERIFY2(held.count(db), qPrintable(QString::fromUtf8(what) + QStringLiteral(": the lock on p.gwproj is gone")));
            QVERIFY2(held.count(shm), qPrintable(QString::fromUtf8(what) + QStringLiteral(": the lock on p.gwproj-shm is gone")));
        };
        auto trigger = [&](const QString &text) {
            QAction *a = findAction(&window, text);
            QVERIFY2(a, qPrintable(QStringLiteral("no action ") + text));
            a->trigger();
        };
        check("Open project", [&] { trigger(QStringLiteral("Open project")); });
        check("New project", [&] { trigger(QStringLiteral("New project")); });
        check("Add images", [&] { trigger(QStringLiteral("Add images")); });
        check("Add a folder", [&] { trigger(QStringLiteral("Add a Folder")); });
        check("Add texts", [&] { trigger(QStringLiteral("Add Texts")); });

        // The export and import dialogs open a file dialog or a folder dialog depending on the format: both.
        auto throughDialog = [&](const char *what, const QString &action, bool folderFormat) {
            QString problem = QStringLiteral("the dataset dialog never opened");
            QTimer::singleShot(0, [&] {
                auto *d = qobject_cast<QDialog *>(QApplication::activeModalWidget());
                if (!d)
                    return;
                auto *format = d->findChild<QComboBox *>();
                const char *id = folderFormat ? "yolo" : "coco";
                for (QComboBox *c : d->findChildren<QComboBox *>())
                    if (c->findData(QString::fromLatin1(id)) >= 0)
                        format = c;
                if (format && format->findData(QString::fromLatin1(id)) >= 0)
                    format->setCurrentIndex(format->findData(QString::fromLatin1(id)));
                QPushButton *choose = nullptr;
                for (QPushButton *b : d->findChildren<QPushButton *>())
                    if (b->text().startsWith(QStringLiteral("Choose")))
                        choose = b;
                if (!choose) {
                    problem = QStringLiteral("no Choose button");
                    d->reject();
                    return;
                }
                problem = QStringLiteral("the file dialog never opened");
                QTimer::singleShot(0, [&] { problem = exerciseDialog(dir.path(), files); });
                choose->click();
                d->reject();
            });
            trigger(action);
            QVERIFY2(problem.isEmpty(), qPrintable(QString::fromUtf8(what) + QStringLiteral(": ") + problem));
            const auto held = lockedInodes();
            QVERIFY2(held.count(db) && held.count(shm),
                     qPrintable(QString::fromUtf8(what) + QStringLiteral(": the project's locks are gone")));
        };
        throughDialog("Export, a file format", QStringLiteral("Export dataset"), false);
        throughDialog("Export, a folder format", QStringLiteral("Export dataset"), true);
        throughDialog("Import, a file format", QStringLiteral("Import labeled dataset"), false);
        throughDialog("Import, a folder format", QStringLiteral("Import labeled dataset"), true);

        // The app and `gw` take turns labelling; then the app quits. With its locks gone, the first `gw` to
        // close checkpoints and deletes the WAL the app still writes to, the app's next label goes to that
        // deleted file, and when the app quits it copies its stale pages over the second `gw` label.
        auto label = [&](int64_t item, int cls) {
            Annotation a;
            a.jobId = (*window.store()->job("animal")).id;
            a.itemId = item;
            a.payload.classes = {cls};
            a.provenance.author = "app";
            auto tx = window.store()->begin();
            QVERIFY(tx);
            QVERIFY((*tx)->putAnnotation(a));
            QVERIFY((*tx)->commit());
        };
        auto gwLabel = [&](int64_t item) {
            QProcess gw;
            gw.start(QStringLiteral(GW_BINARY_DIR "/app/gw"),
                     {QStringLiteral("label"), QString::fromStdString(project), QStringLiteral("--job"),
                      QStringLiteral("animal"), QStringLiteral("--item"), QString::number(item),
                      QStringLiteral("--class"), QStringLiteral("dog")});
            QVERIFY(gw.waitForFinished(60000));
            QVERIFY2(gw.exitCode() == 0, gw.readAllStandardError().constData());
        };
        label(firstItem, 0);
        gwLabel(firstItem + 1);
        label(firstItem + 2, 1);
        gwLabel(firstItem + 3);
        owned.reset(); // the app quits: its connection closes
        auto again = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(again);
        const int64_t job = (*(*again)->job("animal")).id;
        for (int64_t item : {firstItem, firstItem + 1, firstItem + 2, firstItem + 3}) {
            auto current = (*again)->currentAnnotation(job, item);
            QVERIFY(current);
            QVERIFY2(current->has_value(), qPrintable(QStringLiteral("the label of item %1 is lost").arg(item)));
        }
        QCOMPARE(test::readFile(test::path(dir, "notes.txt")), std::string("labels, not lost\n"));
    }
};

QTEST_MAIN(TestProjectLocks)
#include "tst_projectlocks.moc"
