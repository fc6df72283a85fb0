// Opening a folder as a project: the first image is on screen while the folder is still being indexed, the
// items end up in the folder's natural order, Cancel keeps what was indexed and opening the folder again
// finishes it, labels made meanwhile are all kept, and closing the window mid-way leaves whole chunks only.
// The indexing thread is held after a chunk (MainWindow::setIndexingHook) where a test needs it to be at a
// known point; nothing waits on time.

#include "datasets/importers.h"
#include "testutil.h"
#include "ui/imagecanvas.h"
#include "ui/imageloader.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSettings>
#include <QStatusBar>
#include <QTest>
#include <QTimer>

#include <unistd.h>

#include <atomic>
#include <filesystem>

using namespace gw;
using namespace gw::datasets;

namespace {

constexpr int kFiles = 3000;

/// FOLDER/shots with kFiles small images (PNG and JPEG, hard links to a few real ones): numbered without
/// leading zeros, so that natural order differs from byte order, some in subfolders, and a text file that is
/// not indexed. Returns the folder.
QString writeShots(const QTemporaryDir &dir)
{
    const QString shots = dir.path() + QStringLiteral("/shots");
    QDir().mkpath(shots + QStringLiteral("/shot-5"));
    QDir().mkpath(shots + QStringLiteral("/Extra"));
    std::vector<QString> originals;
    for (int i = 0; i < 8; ++i) {
        QImage img(16 + i, 12, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 40, 200, 220));
        const QString file = dir.path() + QStringLiteral("/original%1.%2").arg(i).arg(i % 2 ? QStringLiteral("jpg") : QStringLiteral("png"));
        if (!img.save(file))
            qFatal("cannot write %s", qPrintable(file));
        originals.push_back(file);
    }
    for (int i = 1; i <= kFiles; ++i) {
        QString name;
        if (i <= 2000)
            name = QStringLiteral("shot-%1").arg(i);
        else if (i <= 2500)
            name = QStringLiteral("shot-5/a%1").arg(i - 2000);
        else
            name = QStringLiteral("Extra/%1").arg(i - 2500);
        const QString &from = originals[size_t(i % 8)];
        const QString to = shots + QLatin1Char('/') + name + from.right(4);
        if (::link(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
            qFatal("cannot link %s", qPrintable(to));
    }
    test::writeFile((shots + QStringLiteral("/notes.txt")).toStdString(), "not an image");
    return shots;
}

/// The folder's images by path relative to it, in natural order (as sorting every path gives it).
std::vector<std::string> naturalOrder(const QString &folder)
{
    std::vector<std::string> files;
    const std::string root = QDir(folder).absolutePath().toStdString() + "/";
    for (const auto &e : std::filesystem::recursive_directory_iterator(root.c_str()))
        if (e.is_regular_file() && e.path().extension() != ".txt" && e.path().extension() != ".gwproj"
            && e.path().filename().string().find(".gwproj") == std::string::npos)
            files.push_back(e.path().string().substr(root.size()));
    std::sort(files.begin(), files.end(), naturalLess);
    return files;
}

/// The project's items' uris in id order.
std::vector<std::string> uris(const ProjectStore &store)
{
    std::vector<std::string> out;
    (void)store.forEachItem({}, [&](const Item &it) {
        out.push_back(it.uri);
        return true;
    });
    return out;
}

bool imageShown(ui::MainWindow &w, int64_t item)
{
    return w.labelingPane()->currentItem() == item && w.labelingPane()->loader()->cached(item);
}

QString indexingText(ui::MainWindow &w)
{
    auto *label = w.findChild<QLabel *>(QStringLiteral("indexingText"));
    return label && label->isVisible() ? label->text() : QString();
}

/// Holds the indexing thread after chosen chunks until the test lets it go on.
struct Gate
{
    QSemaphore held;   ///< released by the indexing thread when it stops at the gate
    QSemaphore goOn;   ///< released by the test
    std::function<bool(int64_t done)> stopsAt; ///< set before indexing starts
    std::atomic<bool> open{false};              ///< stops nowhere any more

    ui::FolderIndexer::ChunkHook hook()
    {
        return [this](int64_t done, int64_t) {
            if (!open && stopsAt(done)) {
                held.release();
                goOn.acquire();
            }
        };
    }
};

} // namespace

class TestOpenFolder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void theFirstImageIsShownBeforeIndexingFinishes()
    {
        QTemporaryDir dir;
        const QString shots = writeShots(dir);
        Gate gate;
        gate.stopsAt = [](int64_t done) { return done == 64; }; // after the first chunk
        ui::MainWindow w;
        const auto letGo = qScopeGuard([&] { gate.goOn.release(100); });
        w.setIndexingHook(gate.hook());
        w.show();
        QVERIFY(w.openFolder(shots));
        QVERIFY(w.folderIndexer());
        // The first chunk is in and indexing is held after it: the first image is on screen, to look at.
        QTRY_VERIFY_WITH_TIMEOUT(imageShown(w, 1), 10000);
        QVERIFY(gate.held.tryAcquire(1, 10000));
        QCOMPARE(*w.store()->countItems({}), int64_t(64));
        QVERIFY(w.folderIndexer());
        QVERIFY2(w.labelingPane()->canvas()->hintText().contains(QStringLiteral("create a job")),
                 qPrintable(w.labelingPane()->canvas()->hintText()));
        QTRY_COMPARE(indexingText(w), QStringLiteral("Indexing shots: 64 images so far…"));
        QCOMPARE(w.itemList()->model()->rowCount(), 64);
        const std::vector<std::string> expected = naturalOrder(shots);
        QCOMPARE(int(expected.size()), kFiles);
        QCOMPARE(uris(*w.store()), std::vector<std::string>(expected.begin(), expected.begin() + 64));

        gate.goOn.release();
        QTRY_VERIFY_WITH_TIMEOUT(!w.folderIndexer(), 60000);
        QCOMPARE(uris(*w.store()), expected); // the natural order of the whole folder
        QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Indexed shots: 3,000 images")),
                 qPrintable(w.statusBar()->currentMessage()));
        QVERIFY(indexingText(w).isEmpty());
        QCOMPARE(w.labelingPane()->currentItem(), int64_t(1)); // nothing moved under the viewer
    }

    void cancelKeepsAPrefixAndOpeningAgainFinishes()
    {
        QTemporaryDir dir;
        const QString shots = writeShots(dir);
        const std::vector<std::string> expected = naturalOrder(shots);
        Gate gate;
        gate.stopsAt = [](int64_t done) { return done == 64 + 1024; }; // after the second chunk
        {
            ui::MainWindow w;
            const auto letGo = qScopeGuard([&] { gate.goOn.release(100); });
            w.setIndexingHook(gate.hook());
            w.show();
            QVERIFY(w.openFolder(shots));
            QVERIFY(gate.held.tryAcquire(1, 30000));
            QTRY_COMPARE(indexingText(w), QStringLiteral("Indexing shots: 1,088 of 3,000 images"));
            auto *cancel = w.findChild<QPushButton *>(QStringLiteral("cancelIndexing"));
            QVERIFY(cancel && cancel->isVisible());
            QTest::mouseClick(cancel, Qt::LeftButton);
            gate.goOn.release();
            QTRY_VERIFY_WITH_TIMEOUT(!w.folderIndexer(), 30000);
            QVERIFY2(w.statusBar()->currentMessage()
                         == QStringLiteral("Indexed 1,088 of 3,000 images in shots; open the folder again to index "
                                           "the rest."),
                     qPrintable(w.statusBar()->currentMessage()));
            QCOMPARE(uris(*w.store()), std::vector<std::string>(expected.begin(), expected.begin() + 1088));
        }
        ui::MainWindow again;
        again.show();
        QVERIFY(again.openFolder(shots));
        QTRY_VERIFY(imageShown(again, 1)); // what was indexed is there at once
        QTRY_VERIFY_WITH_TIMEOUT(!again.folderIndexer(), 60000);
        QCOMPARE(uris(*again.store()), expected); // the rest, in order, nothing twice
        // A third time: nothing new.
        QVERIFY(again.openFolder(shots));
        QTRY_VERIFY_WITH_TIMEOUT(!again.folderIndexer(), 60000);
        QCOMPARE(*again.store()->countItems({}), int64_t(kFiles));
        QVERIFY2(again.statusBar()->currentMessage().contains(QStringLiteral("were in the project already")),
                 qPrintable(again.statusBar()->currentMessage()));
    }

    void labelsMadeWhileIndexingAreAllKept()
    {
        QTemporaryDir dir;
        const QString shots = writeShots(dir);
        Gate gate;
        gate.stopsAt = [](int64_t) { return true; }; // after every chunk, until the test lets it go on
        ui::MainWindow w;
        const auto letGo = qScopeGuard([&] { gate.goOn.release(100); });
        w.setIndexingHook(gate.hook());
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openFolder(shots));
        QTRY_VERIFY_WITH_TIMEOUT(imageShown(w, 1), 10000);
        QVERIFY(gate.held.tryAcquire(1, 10000));

        // A job, made in the window's dialog while indexing waits after its first chunk.
        QTimer::singleShot(0, [] {
            QWidget *dialog = QApplication::activeModalWidget();
            if (!dialog)
                return;
            dialog->findChild<QLineEdit *>()->setText(QStringLiteral("animal"));
            dialog->findChild<QPlainTextEdit *>()->setPlainText(QStringLiteral("cat\ndog"));
            QMetaObject::invokeMethod(dialog, "accept");
        });
        w.action(QStringLiteral("app.newJob"))->trigger();
        QCOMPARE(w.labelingPane()->job().name, std::string("animal"));
        QVERIFY(w.labelingPane()->canvas()->hintText().isEmpty());
        QTRY_COMPARE(w.labelingPane()->currentItem(), int64_t(1));
        w.activateWindow(); // the dialog gone, keys go to the window again
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.labelingPane()->canvas()->setFocus();
        QTRY_VERIFY(w.labelingPane()->canvas()->hasFocus());

        // 100 labels, past the first chunk's 64 items, while the next chunks are written beside them.
        std::vector<std::pair<int64_t, int>> made;
        for (int i = 0; i < 100; ++i) {
            if (i == 10 || i == 40 || i == 70)
                gate.goOn.release(); // the next chunk is read and written while labeling goes on
            const int64_t item = w.labelingPane()->currentItem();
            QVERIFY2(item == i + 1, qPrintable(QStringLiteral("label %1 went to item %2").arg(i).arg(item)));
            const int cls = i % 3 == 0 ? 1 : 0;
            QTest::keyClick(w.labelingPane()->canvas(), cls ? Qt::Key_2 : Qt::Key_1);
            made.emplace_back(item, cls);
            if (i == 60)
                QTRY_VERIFY_WITH_TIMEOUT(*w.store()->countItems({}) > 64, 30000); // chunk 2 is in
        }
        gate.open = true;
        gate.goOn.release(100);
        QTRY_VERIFY_WITH_TIMEOUT(!w.folderIndexer(), 60000);
        QCOMPARE(uris(*w.store()), naturalOrder(shots));
        const int64_t job = w.store()->job("animal")->id;
        for (const auto &[item, cls] : made) {
            auto a = w.store()->currentAnnotation(job, item);
            QVERIFY(a && *a);
            QCOMPARE((*a)->payload.classes, std::vector<int>{cls});
        }
        QTRY_COMPARE(w.progressText(), QStringLiteral("100 of 3,000 labeled"));
    }

    void unreadableImagesAreFlaggedAndNamed()
    {
        QTemporaryDir dir;
        const QString photos = dir.path() + QStringLiteral("/photos");
        QDir().mkpath(photos);
        for (int i = 1; i <= 3; ++i) {
            QImage img(20, 10, QImage::Format_RGB32);
            img.fill(Qt::darkGreen);
            QVERIFY(img.save(photos + QStringLiteral("/%1.png").arg(i)));
        }
        test::writeFile((photos + QStringLiteral("/2b.jpg")).toStdString(), "not a jpeg");
        ui::MainWindow w;
        w.show();
        QVERIFY(w.openFolder(photos));
        QTRY_VERIFY(!w.folderIndexer());
        QCOMPARE(uris(*w.store()), (std::vector<std::string>{"1.png", "2.png", "2b.jpg", "3.png"}));
        QCOMPARE(w.store()->item(3)->flags, int(ItemCorrupt));
        // Said without waiting on the annotator: a window-modal message that names the file.
        auto *box = w.findChild<QMessageBox *>(QStringLiteral("indexingProblems"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().contains(QStringLiteral("2b.jpg")), qPrintable(box->text()));
        box->close();
    }

    void closingTheWindowWhileIndexingLeavesWholeChunks()
    {
        QTemporaryDir dir;
        const QString shots = writeShots(dir);
        const std::vector<std::string> expected = naturalOrder(shots);
        Gate gate;
        gate.stopsAt = [](int64_t done) { return done == 64; };
        {
            auto *w = new ui::MainWindow;
            w->setIndexingHook(gate.hook());
            w->show();
            QVERIFY(w->openFolder(shots));
            QVERIFY(gate.held.tryAcquire(1, 10000));
            gate.goOn.release(); // indexing goes on as the window closes
            w->close();
            delete w; // waits for the chunk at hand
        }
        auto store = ProjectStore::open((shots + QStringLiteral("/shots.gwproj")).toStdString(),
                                        ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        const std::vector<std::string> got = uris(**store);
        // Whole chunks only (64, then 1,024 at a time), the first ones in natural order.
        QVERIFY2(got.size() == 64 || (got.size() - 64) % 1024 == 0 || got.size() == size_t(kFiles),
                 qPrintable(QString::number(got.size())));
        QCOMPARE(got, std::vector<std::string>(expected.begin(), expected.begin() + long(got.size())));
        // Another project opened while indexing stops it too, and the folder opened again is finished.
        ui::MainWindow w;
        w.show();
        QVERIFY(w.openFolder(shots));
        QVERIFY(w.folderIndexer());
        QTemporaryDir other;
        QVERIFY(w.newProject(other.path() + QStringLiteral("/other.gwproj")));
        QVERIFY(!w.folderIndexer());
        QVERIFY(w.openFolder(shots));
        QTRY_VERIFY_WITH_TIMEOUT(!w.folderIndexer(), 60000);
        QCOMPARE(uris(*w.store()), expected);
    }
};

QTEST_MAIN(TestOpenFolder)
#include "tst_openfolder.moc"
