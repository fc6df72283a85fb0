// The annotator's screen driven like a person would: keys label and advance, the mouse draws boxes,
// polygons and brush strokes, undo and redo work across tools, and reopening the project finds it all.

#include "datasets/mask.h"
#include "labeling/labelingsession.h"
#include "labeling/tools/boxtool.h"
#include "testutil.h"
#include "windowtestutil.h"
#include "ui/cheatsheet.h"
#include "ui/gallerymodel.h"
#include "ui/imagecanvas.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"
#include "ui/newjobdialog.h"
#include "ui/welcomepage.h"
#include "ui/shortcutsdialog.h"

#include <QAbstractItemView>
#include <QApplication>
#include "datasets/instances.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProcess>
#include <QDir>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QThreadPool>
#include <QTimer>

#include <csignal>

using namespace gw;
using namespace gw::datasets;
using namespace gw::test;

namespace {

/// A label of job "animal" written through a connection of its own, as another program (gw, a colleague) would.
Result<> labelFromAnotherProgram(const std::string &project, int64_t item, int cls)
{
    auto other = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    if (!other)
        return fail(other.error());
    Annotation a;
    a.jobId = (*other)->job("animal")->id;
    a.itemId = item;
    a.payload.classes = {cls};
    a.payload.classConfidence = {std::nullopt};
    a.provenance.author = "someone";
    auto tx = (*other)->begin();
    if (!tx)
        return fail(tx.error());
    if (auto r = (*tx)->putAnnotation(a); !r)
        return r;
    return (*tx)->commit();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void classifyWithKeysAdvanceAndUndo()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        QCOMPARE(s.item(), int64_t(1));
        QTest::keyClick(s.canvas(), Qt::Key_2); // dog, then on to the next item
        QCOMPARE(label(s.w.store(), "animal", 1)->payload.classes, std::vector<int>{1});
        QCOMPARE(s.item(), int64_t(2));
        QTest::keyClick(s.canvas(), Qt::Key_3);
        QCOMPARE(s.item(), int64_t(3));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!label(s.w.store(), "animal", 2));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(label(s.w.store(), "animal", 2)->payload.classes, std::vector<int>{2});
        // Navigation keys: previous (A), next (D), next unlabeled (N).
        QTest::keyClick(s.canvas(), Qt::Key_A);
        QCOMPARE(s.item(), int64_t(2));
        QTest::keyClick(s.canvas(), Qt::Key_A);
        QTest::keyClick(s.canvas(), Qt::Key_N);
        QCOMPARE(s.item(), int64_t(3));
        QTest::keyClick(s.canvas(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(4));
    }

    void keysTypedFasterThanTheWindowAnswersAllLand()
    {
        // Five presses queued before the first is handled, as keys typed faster than the window answers
        // arrive; X11 flags quick presses of one key that share a timestamp as auto-repeat, so those are too.
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        QTRY_VERIFY(s.imageShown());
        const Qt::Key keys[] = {Qt::Key_1, Qt::Key_2, Qt::Key_2, Qt::Key_3, Qt::Key_1};
        for (size_t i = 0; i < std::size(keys); ++i) {
            const QString text = QKeySequence(keys[i]).toString();
            QCoreApplication::postEvent(s.canvas(), new QKeyEvent(QEvent::KeyPress, keys[i], Qt::NoModifier, text, i > 0));
            QCoreApplication::postEvent(s.canvas(), new QKeyEvent(QEvent::KeyRelease, keys[i], Qt::NoModifier, text, i > 0));
        }
        QTRY_COMPARE(s.item(), int64_t(6));
        // Each on the next item, in the order typed.
        for (size_t i = 0; i < std::size(keys); ++i) {
            const auto a = label(s.w.store(), "animal", int64_t(i + 1));
            QVERIFY2(a, qPrintable(QStringLiteral("item %1 has no label").arg(i + 1)));
            QCOMPARE(a->payload.classes, std::vector<int>{int(keys[i] - Qt::Key_1)});
        }
        QVERIFY(!label(s.w.store(), "animal", 6));
    }

    void progressFollowsEveryLabelAndOtherWriters()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        GW_VERIFY_OK(labelFromAnotherProgram(project, 6, 0)); // one label there already
        Screen s(project, "animal");
        // Counted off the GUI thread: "Counting…" until then.
        QTRY_COMPARE(s.w.progressText(), QStringLiteral("1 of 6 labeled"));
        auto *classes = s.w.labelingPane()->findChild<QTableWidget *>();
        QVERIFY(classes);
        auto itemsOf = [&](int row) { return classes->item(row, 2)->text(); };
        QTRY_COMPARE(itemsOf(0), QStringLiteral("1")); // cat: the other program's label
        QTest::keyClick(s.canvas(), Qt::Key_1);
        QCOMPARE(s.w.progressText(), QStringLiteral("2 of 6 labeled")); // at once, not after a count
        QCOMPARE(itemsOf(0), QStringLiteral("2"));                      // the class panel too
        QTest::keyClick(s.canvas(), Qt::Key_2);
        QCOMPARE(s.w.progressText(), QStringLiteral("3 of 6 labeled"));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(s.w.progressText(), QStringLiteral("2 of 6 labeled"));
        // Relabelling a labelled item adds nothing; its class moves.
        QTest::keyClick(s.canvas(), Qt::Key_A);
        QTest::keyClick(s.canvas(), Qt::Key_A);
        QCOMPARE(s.item(), int64_t(1));
        QTest::keyClick(s.canvas(), Qt::Key_3);
        QCOMPARE(s.w.progressText(), QStringLiteral("2 of 6 labeled"));
        QCOMPARE(itemsOf(0), QStringLiteral("1"));
        QCOMPARE(itemsOf(2), QStringLiteral("1"));
        // Another program labels meanwhile: counted again once labelling pauses.
        GW_VERIFY_OK(labelFromAnotherProgram(project, 5, 1));
        QTRY_COMPARE_WITH_TIMEOUT(s.w.progressText(), QStringLiteral("3 of 6 labeled"), 15000);
        // Another job: its own count.
        QVERIFY(s.w.selectJob(QStringLiteral("boxes")));
        QTRY_COMPARE(s.w.progressText(), QStringLiteral("0 of 6 labeled"));
    }

    void backgroundWorkLeavesQtsPoolToPainting()
    {
        // Qt 6.4 paints large areas on QThreadPool::globalInstance() and waits for it there: counts, queues and
        // thumbnails queued on it froze the window (2 s to the first image at a million items).
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(QString::fromStdString(project))); // starts counts, the queue, thumbnails
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QVERIFY(w.selectJob(QStringLiteral("boxes")));
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QTRY_VERIFY(w.labelingPane()->loader()->cached(w.labelingPane()->currentItem()));
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
    }

    void settingsGoToATestLocation()
    {
        // Opening projects writes the recent list: never into the user's own settings.
        QVERIFY(QStandardPaths::isTestModeEnabled());
        QVERIFY2(QSettings().fileName().contains(QStringLiteral("/.qttest/")), qPrintable(QSettings().fileName()));
    }

    void classKeysNeverTriggerGlobalActions()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            // Give "person" the key D, which is also "next item".
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            auto job = (*store)->job("boxes");
            GW_VERIFY_OK((*store)->setClassShortcut(job->id, 1, "D", "test"));
        }
        Screen s(project, "boxes");
        QTRY_VERIFY(s.imageShown());
        QTest::keyClick(s.canvas(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(1));                   // did not move on
        QCOMPARE(s.canvas()->currentClass(), 1);          // made "person" current
        // And the settings refuse to give a class key to an action.
        ui::ShortcutsDialog dialog(s.w.shortcuts());
        QTimer::singleShot(0, [] {
            if (QWidget *box = QApplication::activeModalWidget())
                box->close();
        });
        int row = 0;
        for (; row < int(s.w.shortcuts().actions().size()); ++row)
            if (s.w.shortcuts().actions()[size_t(row)].id == QStringLiteral("tool.box"))
                break;
        QVERIFY(!dialog.assign(row, QKeySequence(Qt::Key_1))); // the key of class "car"
        QVERIFY(dialog.assign(row, QKeySequence(Qt::Key_K)));
    }

    void drawMoveDeleteBoxesWithTheMouse()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "boxes");
        QTRY_VERIFY(s.imageShown());
        QTest::keyClick(s.canvas(), Qt::Key_2); // person
        drag(s.canvas(), QPointF(20, 30), QPointF(80, 100));
        auto a = label(s.w.store(), "boxes", 1);
        QVERIFY(a);
        QCOMPARE(a->payload.boxes.size(), size_t(1));
        const Box b = a->payload.boxes[0];
        QCOMPARE(b.classId, 1);
        QVERIFY(std::abs(b.left - 20) <= 1 && std::abs(b.top - 30) <= 1);
        QVERIFY(std::abs(b.width - 60) <= 1 && std::abs(b.height - 70) <= 1);
        // Move it by dragging its inside, nudge with arrows, then delete it.
        drag(s.canvas(), QPointF(50, 60), QPointF(60, 60));
        QVERIFY(std::abs(label(s.w.store(), "boxes", 1)->payload.boxes[0].left - (b.left + 10)) <= 1);
        const double before = label(s.w.store(), "boxes", 1)->payload.boxes[0].left;
        QTest::keyClick(s.canvas(), Qt::Key_Right);
        QTest::keyClick(s.canvas(), Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(label(s.w.store(), "boxes", 1)->payload.boxes[0].left, before + 11);
        QTest::keyClick(s.canvas(), Qt::Key_Delete);
        QVERIFY(label(s.w.store(), "boxes", 1)->payload.boxes.empty());
        // Undo brings it back; redo deletes again.
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(label(s.w.store(), "boxes", 1)->payload.boxes.size(), size_t(1));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(label(s.w.store(), "boxes", 1)->payload.boxes.empty());
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        // Copy the boxes over to the next image.
        QTest::keyClick(s.canvas(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(2));
        QTest::keyClick(s.canvas(), Qt::Key_V, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(label(s.w.store(), "boxes", 2)->payload.boxes.size(), size_t(1));
    }

    void polygonVertexMoveAndBrushStroke()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "seg-ref");
        QTRY_VERIFY(s.imageShown());
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Polygon);
        QTest::keyClick(s.canvas(), Qt::Key_2); // car
        click(s.canvas(), QPointF(10, 10));
        click(s.canvas(), QPointF(60, 10));
        click(s.canvas(), QPointF(60, 40));
        // Move the last vertex further down before closing.
        drag(s.canvas(), QPointF(60, 40), QPointF(60, 70));
        QTest::keyClick(s.canvas(), Qt::Key_Return);
        auto a = label(s.w.store(), "seg-ref", 1);
        QVERIFY(a);
        auto m = mask::decode(a->payload.mask);
        GW_VERIFY_OK(m);
        auto at = [&](int x, int y) { return int(m->pixels[size_t(y * m->width + x)]); };
        QCOMPARE(at(55, 60), 2); // inside the moved triangle: class id 1 + 1
        QCOMPARE(at(20, 60), 0);
        // A brush stroke with class "road" (id 0) across the bottom.
        QTest::keyClick(s.canvas(), Qt::Key_R);
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Brush);
        QTest::keyClick(s.canvas(), Qt::Key_1);
        drag(s.canvas(), QPointF(20, 120), QPointF(180, 120));
        m = mask::decode(label(s.w.store(), "seg-ref", 1)->payload.mask);
        QCOMPARE(int(m->pixels[size_t(120 * m->width + 100)]), 1);
        QCOMPARE(int(m->pixels[size_t(60 * m->width + 55)]), 2); // the polygon is still there
        // Undo the stroke, then the polygon.
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        m = mask::decode(label(s.w.store(), "seg-ref", 1)->payload.mask);
        QCOMPARE(int(m->pixels[size_t(120 * m->width + 100)]), 0);
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!label(s.w.store(), "seg-ref", 1));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(label(s.w.store(), "seg-ref", 1));
    }

    void objectsDrawnSelectedAndFoundByAnAssist()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "objects-ref");
        QTRY_VERIFY(s.imageShown());
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Polygon);
        QTest::keyClick(s.canvas(), Qt::Key_2); // car
        click(s.canvas(), QPointF(10, 10));
        click(s.canvas(), QPointF(60, 10));
        click(s.canvas(), QPointF(60, 60));
        QTest::keyClick(s.canvas(), Qt::Key_Return);
        auto a = label(s.w.store(), "objects-ref", 1);
        QVERIFY(a);
        QCOMPARE(a->payload.instances.size(), size_t(1));
        QCOMPARE(a->payload.instances[0].classId, 1);
        // Select it, retype it with a class key, delete it; undo brings it back.
        QTest::keyClick(s.canvas(), Qt::Key_V);
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Select);
        click(s.canvas(), QPointF(50, 20));
        QTest::keyClick(s.canvas(), Qt::Key_1);
        QCOMPARE(label(s.w.store(), "objects-ref", 1)->payload.instances[0].classId, 0);
        QTest::keyClick(s.canvas(), Qt::Key_Delete);
        QCOMPARE(label(s.w.store(), "objects-ref", 1)->payload.instances.size(), size_t(0));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(label(s.w.store(), "objects-ref", 1)->payload.instances.size(), size_t(1));
        // The magic wand runs off the GUI thread and says so; its region (the whole one-colour image) is a
        // proposal until Enter makes it an object.
        QTest::keyClick(s.canvas(), Qt::Key_W, Qt::ShiftModifier);
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Wand);
        click(s.canvas(), QPointF(150, 100));
        QTRY_VERIFY(s.canvas()->busyText().isEmpty());
        QCOMPARE(label(s.w.store(), "objects-ref", 1)->payload.instances.size(), size_t(1));
        QTest::keyClick(s.canvas(), Qt::Key_Return);
        a = label(s.w.store(), "objects-ref", 1);
        QCOMPARE(a->payload.instances.size(), size_t(2));
        QCOMPARE(instances::extent(a->payload.instances[1], kWidth, kHeight)->area, int64_t(kWidth) * kHeight);
        // GrabCut started and stopped with Esc: no edit, nothing busy.
        QTest::keyClick(s.canvas(), Qt::Key_C, Qt::ShiftModifier);
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::GrabCut);
        drag(s.canvas(), QPointF(20, 20), QPointF(120, 100));
        QTest::keyClick(s.canvas(), Qt::Key_Escape);
        QVERIFY(s.canvas()->busyText().isEmpty());
        QTest::qWait(300);
        QCOMPARE(label(s.w.store(), "objects-ref", 1)->payload.instances.size(), size_t(2));
    }

    void reopeningFindsTheSameAnnotations()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        std::vector<Box> drawn;
        {
            Screen s(project, "boxes");
            QTRY_VERIFY(s.imageShown());
            drag(s.canvas(), QPointF(100, 20), QPointF(150, 90));
            drawn = label(s.w.store(), "boxes", 1)->payload.boxes;
        } // closed without saving anything
        Screen again(project, "boxes");
        QTRY_VERIFY(again.imageShown());
        auto *tool = dynamic_cast<labeling::BoxTool *>(again.canvas()->tool());
        QVERIFY(tool);
        QCOMPARE(tool->boxes().size(), drawn.size());
        QCOMPARE(tool->boxes()[0].left, drawn[0].left);
        QCOMPARE(tool->boxes()[0].width, drawn[0].width);
    }

    void addMediaWithProgressFromTheWindow()
    {
        QTemporaryDir dir;
        const std::string project = test::path(dir, "empty.gwproj");
        {
            auto store = test::newProject(project);
            Job j;
            j.name = "animal";
            j.classes = {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#ff7f0e", "2", {}}};
            (void)store->createJob(j);
        }
        QDir().mkpath(dir.path() + QStringLiteral("/new/sub"));
        for (int i = 0; i < 5; ++i) {
            QImage img(40 + i, 30, QImage::Format_RGB32);
            img.fill(Qt::darkYellow);
            img.save(dir.path() + QStringLiteral("/new/sub/%1.png").arg(i));
        }
        Screen s(project, "animal");
        QVERIFY(s.w.addPaths({dir.path() + QStringLiteral("/new")}));
        QCOMPARE(*s.w.store()->countItems({}), int64_t(5));
        QTRY_COMPARE(s.w.itemList()->model()->rowCount(), 5);
        QCOMPARE(s.item(), int64_t(1)); // the first new item is open, ready for keys
        QTest::keyClick(s.canvas(), Qt::Key_1);
        QCOMPARE(label(s.w.store(), "animal", 1)->payload.classes, std::vector<int>{0});
        // A broken file is added, flagged and reported, not fatal.
        test::writeFile((dir.path() + QStringLiteral("/broken.jpg")).toStdString(), "not an image");
        QTimer::singleShot(200, [] {
            if (QWidget *box = QApplication::activeModalWidget())
                box->close();
        });
        QVERIFY(!s.w.addPaths({dir.path() + QStringLiteral("/broken.jpg")}));
        QCOMPARE(*s.w.store()->countItems({}), int64_t(6));
        QCOMPARE(s.w.store()->item(6)->flags, int(ItemCorrupt));
    }

    void galleryFiltersFromTheWindow()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        QTest::keyClick(s.canvas(), Qt::Key_2); // item 1: dog
        QTest::keyClick(s.canvas(), Qt::Key_1); // item 2: cat
        QTest::keyClick(s.canvas(), Qt::Key_2); // item 3: dog
        auto *model = s.w.itemList()->model();
        auto *gallery = qobject_cast<ui::GalleryModel *>(model);
        QVERIFY(gallery);
        gallery->setClassFilter(1);
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(model->index(1, 0).data(Qt::UserRole).toLongLong(), qint64(3));
        gallery->setClassFilter(std::nullopt);
        gallery->setFilter(ui::GalleryModel::Filter::Unlabeled);
        QCOMPARE(model->rowCount(), 3);
    }

    void aFilterThatMatchesNothingShowsNoItem()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        QTRY_VERIFY(s.imageShown());
        auto *filter = s.w.findChild<QComboBox *>(QStringLiteral("itemFilter"));
        QVERIFY(filter);
        // Nothing is labelled automatically: the list is empty, and so is the canvas, which says why.
        filter->setCurrentIndex(filter->findData(int(ui::GalleryModel::Filter::Auto)));
        QTRY_COMPARE(s.w.itemList()->model()->rowCount(), 0);
        QCOMPARE(s.item(), int64_t(0));
        QTRY_VERIFY(s.canvas()->statusText().contains(QStringLiteral("No item matches this filter")));
        // A class key now labels nothing (before, it labelled the item still shown, which the list hid).
        QTest::keyClick(s.canvas(), Qt::Key_2);
        for (int64_t item = 1; item <= 6; ++item)
            QVERIFY(!label(s.w.store(), "animal", item));
        // Back to every item: the first one is open again.
        filter->setCurrentIndex(filter->findData(int(ui::GalleryModel::Filter::All)));
        QCOMPARE(s.item(), int64_t(1));
    }

    void welcomeListsRecentProjectsAndMarksMissingOnes()
    {
        QTemporaryDir dir;
        const QString project = QFileInfo(QString::fromStdString(makeProject(dir))).absoluteFilePath();
        const QString gone = dir.path() + QStringLiteral("/moved-away.gwproj");
        QSettings().setValue(QStringLiteral("recentProjects"), QStringList{gone, project});
        ui::MainWindow w;
        w.show();
        QVERIFY(w.showingWelcome());
        QListWidget *list = w.welcomePage()->recentList();
        QCOMPARE(list->count(), 2);
        QVERIFY(w.welcomePage()->isMarkedMissing(gone));
        QVERIFY(!w.welcomePage()->isMarkedMissing(project));
        QVERIFY(list->item(0)->text().contains(QStringLiteral("not found")));
        // Removing the missing entry forgets it; nothing on disk is touched.
        list->setCurrentRow(0);
        QPushButton *remove = nullptr;
        for (QPushButton *b : w.welcomePage()->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Remove from List"))
                remove = b;
        QVERIFY(remove && remove->isEnabled());
        remove->click();
        QCOMPARE(QSettings().value(QStringLiteral("recentProjects")).toStringList(), QStringList{project});
        QCOMPARE(list->count(), 1);
        QVERIFY(QFileInfo::exists(project));
        // The one that is there opens.
        Q_EMIT list->itemActivated(list->item(0));
        QVERIFY(!w.showingWelcome());
        QCOMPARE(QString::fromStdString(w.store()->path()), project);
    }

    void openAFolderAsAProjectInOneStep()
    {
        QTemporaryDir dir;
        const QString shots = dir.path() + QStringLiteral("/shots");
        QDir().mkpath(shots);
        for (int i = 0; i < 3; ++i) {
            QImage img(40, 30, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 90, 200, 200));
            QVERIFY(img.save(shots + QStringLiteral("/%1.png").arg(i)));
        }
        {
            ui::MainWindow w;
            w.show();
            QVERIFY(w.openFolder(shots));
            QCOMPARE(QString::fromStdString(w.store()->path()), shots + QStringLiteral("/shots.gwproj"));
            QTRY_VERIFY(!w.folderIndexer()); // indexed in the background
            QCOMPARE(*w.store()->countItems({}), int64_t(3));
            // The first image is there to look at, and what to do next is on the canvas.
            QTRY_COMPARE(w.labelingPane()->currentItem(), int64_t(1));
            QVERIFY2(w.labelingPane()->canvas()->hintText().contains(QStringLiteral("create a job")),
                     qPrintable(w.labelingPane()->canvas()->hintText()));
            // The hint names the menu entry as the menu shows it.
            QVERIFY2(w.labelingPane()->canvas()->hintText().contains(w.action(QStringLiteral("app.newJob"))->text()),
                     qPrintable(w.labelingPane()->canvas()->hintText()));
            // Classes and entities belong to a job: their panels stay out of the way until there is one.
            QVERIFY(w.labelingPane()->findChild<QWidget *>(QStringLiteral("classBox"))->isHidden());
            QVERIFY(w.labelingPane()->findChild<QWidget *>(QStringLiteral("spanBox"))->isHidden());
            Job job;
            job.name = "look";
            job.type = TaskType::ImageClassification;
            job.classes = {{0, "a", "#ff0000", "1", {}}, {1, "b", "#00ff00", "2", {}}};
            GW_VERIFY_OK(w.store()->createJob(job));
            QVERIFY(w.openProject(QString::fromStdString(w.store()->path()))); // (the New Job dialog: tst_firsthour)
            QVERIFY(w.selectJob(QStringLiteral("look")));
            QVERIFY(!w.labelingPane()->findChild<QWidget *>(QStringLiteral("classBox"))->isHidden());
            QVERIFY(w.labelingPane()->findChild<QWidget *>(QStringLiteral("spanBox"))->isHidden()); // not for images
        }
        ui::MainWindow again;
        QVERIFY(again.openFolder(shots)); // the same project, nothing added twice
        QTRY_VERIFY(!again.folderIndexer());
        QCOMPARE(*again.store()->countItems({}), int64_t(3));
    }

    void labelsAreRecordedAsTheWorkerChosen()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            Screen s(project, "animal");
            QVERIFY(s.w.worker().size() > 0); // the login name until one is chosen
            s.w.setWorker(QStringLiteral("  alice "));
            QCOMPARE(s.w.worker(), QStringLiteral("alice"));
            QVERIFY(s.w.action(QStringLiteral("app.worker"))->text().contains(QStringLiteral("alice")));
            QTest::keyClick(s.canvas(), Qt::Key_2);
            QCOMPARE(label(s.w.store(), "animal", 1)->provenance.author, std::string("alice"));
            // Undo keeps working across the change: the redo brings back alice's label, restored by bob.
            s.w.setWorker(QStringLiteral("bob"));
            QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
            QVERIFY(!label(s.w.store(), "animal", 1));
            QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
            const Annotation redone = *label(s.w.store(), "animal", 1);
            QCOMPARE(redone.provenance.author, std::string("alice"));
            QVERIFY2(redone.extra.find("\"by\":\"bob\"") != std::string::npos, redone.extra.c_str());
            // A new label is bob's.
            const int64_t shown = s.item();
            QTest::keyClick(s.canvas(), Qt::Key_3);
            QCOMPARE(label(s.w.store(), "animal", shown)->provenance.author, std::string("bob"));
        }
        // The choice is kept for the next start (in the test location of the settings).
        Screen again(project, "animal");
        QCOMPARE(again.w.worker(), QStringLiteral("bob"));
        again.w.setWorker(QString()); // back to the login name
        QCOMPARE(again.w.worker().toStdString(), labeling::LabelingSession::defaultAuthor());
    }

    void oneCharacterClassesGetTheirOwnKey()
    {
        // Classes 0-9 used to get keys 1…9, 0: pressing "1" labelled "0".
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::NewJobDialog dialog;
        dialog.findChild<QLineEdit *>()->setText(QStringLiteral("digits"));
        dialog.findChild<QPlainTextEdit *>()->setPlainText(QStringLiteral("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\nx\nother"));
        Job job = dialog.job();
        QCOMPARE(job.classes.size(), size_t(12));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(job.classes[size_t(i)].shortcut, std::to_string(i));
        QCOMPARE(job.classes[10].shortcut, std::string("X"));
        QCOMPARE(job.classes[11].shortcut, std::string()); // every digit is taken
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            GW_VERIFY_OK((*store)->createJob(job));
        }
        Screen s(project, "digits");
        QTest::keyClick(s.canvas(), Qt::Key_1);
        QCOMPARE(label(s.w.store(), "digits", 1)->payload.classes, std::vector<int>{1});
        QTest::keyClick(s.canvas(), Qt::Key_X);
        QCOMPARE(label(s.w.store(), "digits", 2)->payload.classes, std::vector<int>{10});
        // Names of more than one character keep the digits in order.
        std::vector<LabelClass> named = {{0, "cat", "", "", {}}, {1, "7", "", "", {}}, {2, "dog", "", "", {}}};
        assignDefaultKeys(named);
        QCOMPARE(named[0].shortcut, std::string("1"));
        QCOMPARE(named[1].shortcut, std::string("7"));
        QCOMPARE(named[2].shortcut, std::string("2"));
    }

    void theAnnotatorFilterListsWhoLabeledAndSaysWhenItDoesNotApply()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            const int64_t job = (*store)->job("animal")->id;
            auto tx = (*store)->begin();
            for (const auto &[item, who] : std::vector<std::pair<int64_t, const char *>>{{1, "bob"}, {2, "alice"}, {3, "bob"}}) {
                Annotation a;
                a.jobId = job;
                a.itemId = item;
                a.payload.classes = {0};
                a.payload.classConfidence = {std::nullopt};
                a.provenance.author = who;
                GW_VERIFY_OK((*tx)->putAnnotation(a));
            }
            GW_VERIFY_OK((*tx)->commit());
            QCOMPARE(*(*store)->authors(job), (std::vector<std::string>{"alice", "bob"}));
        }
        Screen s(project, "animal");
        auto *who = s.w.findChild<QComboBox *>(QStringLiteral("annotatorFilter"));
        QCOMPARE(who->count(), 2);
        QCOMPARE(who->itemText(0), QStringLiteral("alice"));
        // Picking a name filters the list.
        who->setCurrentIndex(1);
        Q_EMIT who->activated(1);
        QCOMPARE(s.w.itemList()->model()->rowCount(), 2);
        // With the unlabeled list it cannot apply: disabled, and its tooltip says why.
        auto *filter = s.w.findChild<QComboBox *>(QStringLiteral("itemFilter"));
        filter->setCurrentIndex(filter->findData(int(ui::GalleryModel::Filter::Unlabeled)));
        QVERIFY(!who->isEnabled());
        QVERIFY(who->toolTip().contains(QStringLiteral("Unlabeled items have no class or annotator")));
        filter->setCurrentIndex(filter->findData(int(ui::GalleryModel::Filter::All)));
        QVERIFY(who->isEnabled());
    }

    void theToolsMenuIsNeverEmpty()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        auto *menu = s.w.findChild<QMenu *>(QStringLiteral("toolsMenu"));
        QVERIFY(menu);
        auto visible = [&] {
            QStringList texts;
            for (QAction *a : menu->actions())
                if (a->isVisible() && !a->isSeparator())
                    texts << a->text();
            return texts;
        };
        QCOMPARE(visible().size(), 1); // classification: how to label instead
        QVERIFY(visible().first().contains(QStringLiteral("class key")));
        QVERIFY(s.w.selectJob(QStringLiteral("boxes")));
        QVERIFY(!visible().isEmpty());
        QVERIFY(!visible().join(QLatin1Char(' ')).contains(QStringLiteral("No drawing tools")));
    }

    void theBrushOutlineGoesWithThePointer()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "seg-ref");
        QTRY_VERIFY(s.imageShown());
        QTest::keyClick(s.canvas(), Qt::Key_R);
        QCOMPARE(s.w.labelingPane()->toolKind(), ui::LabelingPane::ToolKind::Brush);
        const QImage before = s.canvas()->grab().toImage();
        mouse(s.canvas(), QEvent::MouseMove, s.canvas()->imageToWidget(QPointF(100, 75)), Qt::NoButton, Qt::NoButton);
        QVERIFY(s.canvas()->grab().toImage() != before); // the outline follows the pointer
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(s.canvas(), &leave);
        QCOMPARE(s.canvas()->grab().toImage(), before); // and goes when it leaves
    }

    void killDashNineLosesNothing()
    {
        // Child: label in the window, then die without any chance to clean up.
        if (qEnvironmentVariableIsSet("GW_CRASH_CHILD")) {
            Screen s(qEnvironmentVariable("GW_CRASH_PROJECT").toStdString(), "boxes");
            QTRY_VERIFY(s.imageShown());
            drag(s.canvas(), QPointF(30, 40), QPointF(90, 120));
            ::raise(SIGKILL);
        }
        // Parent: run the child and look at what the project holds afterwards.
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GW_CRASH_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("GW_CRASH_PROJECT"), QString::fromStdString(project));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("killDashNineLosesNothing")});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        auto a = label(store->get(), "boxes", 1);
        QVERIFY2(a, "the box drawn before kill -9 is in the project");
        QCOMPARE(a->payload.boxes.size(), size_t(1));
        QVERIFY(std::abs(a->payload.boxes[0].width - 60) <= 1);
    }

    void acceptRejectCorrectAutoLabelsWithUndo()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            auto job = (*store)->job("animal");
            auto tx = (*store)->begin();
            for (int64_t item = 1; item <= 3; ++item) {
                Annotation a;
                a.jobId = job->id;
                a.itemId = item;
                a.payload.classes = {0};
                a.payload.classConfidence = {std::nullopt};
                a.provenance.source = Source::Auto;
                a.provenance.humanAnnotated = false;
                a.provenance.author = "autolabel-run-1";
                a.provenance.confidence = 0.98;
                GW_VERIFY_OK((*tx)->putAnnotation(a));
            }
            GW_VERIFY_OK((*tx)->commit());
        }
        Screen s(project, "animal");
        // Accept: the label becomes the annotator's.
        QTest::keyClick(s.canvas(), Qt::Key_Return);
        QCOMPARE(label(s.w.store(), "animal", 1)->provenance.source, Source::Human);
        QCOMPARE(label(s.w.store(), "animal", 1)->payload.classes, std::vector<int>{0});
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(label(s.w.store(), "animal", 1)->provenance.source, Source::Auto);
        // Reject: the automatic label goes.
        QTest::keyClick(s.canvas(), Qt::Key_D);
        QTest::keyClick(s.canvas(), Qt::Key_Backspace);
        QVERIFY(!label(s.w.store(), "animal", 2));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(label(s.w.store(), "animal", 2)->provenance.source, Source::Auto);
        // Correct: a class key replaces it with a human label (and moves on).
        QTest::keyClick(s.canvas(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(3));
        QTest::keyClick(s.canvas(), Qt::Key_2);
        QCOMPARE(label(s.w.store(), "animal", 3)->provenance.source, Source::Human);
        QCOMPARE(label(s.w.store(), "animal", 3)->payload.classes, std::vector<int>{1});
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(label(s.w.store(), "animal", 3)->provenance.source, Source::Auto);
    }

    void cheatSheetListsActionsAndClassKeys()
    {
        labeling::ShortcutMap m = labeling::ShortcutMap::defaults();
        m.setClasses({{0, "cat", "#1f77b4", "1", {}}});
        const QString html = ui::CheatSheet::html(m);
        QVERIFY(html.contains(QStringLiteral("Next unlabeled item")));
        QVERIFY(html.contains(QStringLiteral("cat")));
        QVERIFY(html.contains(QStringLiteral("Undo")));
    }

    void refusesABadFileAndKeepsTheCurrentProject()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "junk.gwproj"), "not a project");
        ui::MainWindow w;
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
