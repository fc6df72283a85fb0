// Classes edited from the window as an annotator or lead would: renamed in place, recoloured, re-keyed and
// reordered with undo (in the editor and with Ctrl+Z in the window), merged and removed with their labels
// rewritten on a worker thread; the class panel says what the next object gets and what the selected one has;
// refusals appear on the canvas.

#include "labeling/labelingsession.h"
#include "labeling/tools/boxtool.h"
#include "ui/classeditor.h"
#include "ui/classpanel.h"
#include "ui/noticebanner.h"
#include "windowtestutil.h"

#include <QComboBox>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>

#include <memory>

using namespace gw;
using namespace gw::datasets;
using namespace gw::test;

namespace {

/// Labels items of job "animal" (cat 0, dog 1, cow 2) as another program would.
void labelAnimals(const std::string &project, const std::vector<std::pair<int64_t, int>> &labels)
{
    auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    QVERIFY(store);
    const int64_t job = (*store)->job("animal")->id;
    auto tx = (*store)->begin();
    for (const auto &[item, cls] : labels) {
        Annotation a;
        a.jobId = job;
        a.itemId = item;
        a.payload.classes = {cls};
        a.payload.classConfidence = {std::nullopt};
        a.provenance.author = "someone";
        QVERIFY((*tx)->putAnnotation(a));
    }
    QVERIFY((*tx)->commit());
}

QStringList classNames(const Job &job)
{
    QStringList out;
    for (const LabelClass &c : job.classes)
        out << QString::fromStdString(c.name);
    return out;
}

QStringList names(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *n : list)
        out << QString::fromUtf8(n);
    return out;
}

QStringList comboTexts(const QComboBox *box)
{
    QStringList out;
    for (int i = 0; i < box->count(); ++i)
        out << box->itemText(i);
    return out;
}

} // namespace

class TestClassEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void renameRecolourRekeyAndMoveWithUndo()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        Screen s(project, "animal");
        QCOMPARE(s.item(), int64_t(1));
        std::unique_ptr<ui::ClassEditor> editor(s.w.makeClassEditor());
        QVERIFY(editor);
        QTableWidget *table = editor->table();
        QCOMPARE(table->rowCount(), 3);
        // Renamed in place, as a double-click and typing would.
        table->item(0, 0)->setText(QStringLiteral("kitten"));
        QCOMPARE(classNames(*s.w.store()->job("animal")), names({"kitten", "dog", "cow"}));
        // The window follows: class panel, class filter, and the key still labels the renamed class.
        const QString panel = s.w.labelingPane()->classPanel()->findChild<QTableWidget *>()->item(0, 0)->text();
        QCOMPARE(panel, QStringLiteral("kitten"));
        QVERIFY2(comboTexts(s.w.findChild<QComboBox *>(QStringLiteral("classFilter"))).contains(QStringLiteral("kitten")),
                 qPrintable(comboTexts(s.w.findChild<QComboBox *>(QStringLiteral("classFilter"))).join(QLatin1Char(','))));
        // A name another class has is refused where the user looks, and the table shows the stored name again.
        table->item(1, 0)->setText(QStringLiteral("cow"));
        QVERIFY2(editor->error().contains(QStringLiteral("already has a class named 'cow'")), qPrintable(editor->error()));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("dog"));
        // Colour, key, place.
        QVERIFY(editor->setColor(2, QStringLiteral("#00AA00")));
        QCOMPARE(s.w.store()->job("animal")->classById(2)->color, std::string("#00aa00"));
        QVERIFY(!editor->setKey(2, QKeySequence(Qt::Key_N))); // "Next unlabeled" has it
        QVERIFY2(editor->error().contains(QStringLiteral("Next unlabeled")), qPrintable(editor->error()));
        QVERIFY(editor->setKey(2, QKeySequence(Qt::Key_C)));
        QVERIFY(editor->moveClass(2, -1));
        QVERIFY(editor->moveClass(2, -1));
        QCOMPARE(classNames(*s.w.store()->job("animal")), names({"cow", "kitten", "dog"}));
        QVERIFY(!editor->findChild<QPushButton *>(QStringLiteral("moveUp"))->isEnabled()); // first: cannot go up
        // The new key labels at once in the window.
        editor.reset();
        s.canvas()->setFocus();
        QTest::keyClick(s.canvas(), Qt::Key_C);
        QCOMPARE(label(s.w.store(), "animal", 1)->payload.classes, std::vector<int>{2});
        // Ctrl+Z in the window undoes the label, then the class edits, newest first.
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // the label
        QVERIFY(!label(s.w.store(), "animal", 1));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // second move
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // first move
        QCOMPARE(classNames(*s.w.store()->job("animal")), names({"kitten", "dog", "cow"}));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // key
        QCOMPARE(s.w.store()->job("animal")->classById(2)->shortcut, std::string("3"));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // colour
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier); // rename
        QCOMPARE(classNames(*s.w.store()->job("animal")), names({"cat", "dog", "cow"}));
        QCOMPARE(s.w.labelingPane()->classPanel()->findChild<QTableWidget *>()->item(0, 0)->text(), QStringLiteral("cat"));
        QTest::keyClick(s.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier); // redo the rename
        QCOMPARE(s.w.store()->job("animal")->classById(0)->name, std::string("kitten"));
        // Every change is in the change log, by the annotator, and the editor shows it.
        std::unique_ptr<ui::ClassEditor> again(s.w.makeClassEditor());
        QListWidget *log = again->changeLog();
        QVERIFY2(log->count() >= 8, qPrintable(QString::number(log->count())));
        QVERIFY2(log->item(0)->text().contains(QStringLiteral("'cat' -> 'kitten'")), qPrintable(log->item(0)->text()));
        QVERIFY(log->item(0)->text().contains(QString::fromStdString(s.w.labelingPane()->session()->author())));
    }

    void addMergeAndRemoveRewriteLabels()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        labelAnimals(project, {{1, 0}, {2, 1}, {3, 2}, {4, 2}});
        Screen s(project, "animal");
        QCOMPARE(s.item(), int64_t(1));
        std::unique_ptr<ui::ClassEditor> editor(s.w.makeClassEditor());
        // Added at the end; a one-letter name gets its letter as key.
        QVERIFY(editor->addClass(QStringLiteral(" y ")));
        auto job = s.w.store()->job("animal");
        QCOMPARE(classNames(*job), names({"cat", "dog", "cow", "y"}));
        QCOMPARE(job->classByName("y")->shortcut, std::string("Y"));
        QVERIFY(!editor->addClass(QStringLiteral("a,b")));
        QVERIFY2(editor->error().contains(QStringLiteral("comma")), qPrintable(editor->error()));
        // Merge cow into dog: items 3 and 4 become dog, cow is gone, the history keeps what they were.
        QVERIFY(editor->removeClass(2, 1));
        QCOMPARE(label(s.w.store(), "animal", 3)->payload.classes, std::vector<int>{1});
        QCOMPARE(label(s.w.store(), "animal", 4)->payload.classes, std::vector<int>{1});
        QCOMPARE(classNames(*s.w.store()->job("animal")), names({"cat", "dog", "y"}));
        QCOMPARE(s.w.store()->history(job->id, 3)->size(), size_t(2));
        // The window: the panel lists three classes and counts dog's three items once it has counted.
        auto *panel = s.w.labelingPane()->classPanel()->findChild<QTableWidget *>();
        QCOMPARE(panel->rowCount(), 3);
        QTRY_COMPARE(panel->item(1, 2)->text(), QStringLiteral("3"));
        // Removing cat without a new home takes it off item 1, which loses its label (its history stays).
        QVERIFY(editor->removeClass(0, std::nullopt));
        QVERIFY(!label(s.w.store(), "animal", 1));
        QCOMPARE(s.w.labelingPane()->currentItem(), int64_t(1)); // the annotator stays on the item
        QVERIFY(!s.w.labelingPane()->session()->current());
        // Each is in the change log with who did it.
        auto changes = s.w.store()->changes();
        QCOMPARE(changes->back().what, std::string("remove-class"));
        QCOMPARE(changes->back().author, s.w.labelingPane()->session()->author());
    }

    void theEditorOpensFromTheJobMenuAndThePanel()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "boxes");
        s.w.action(QStringLiteral("app.editClasses"))->trigger();
        auto *editor = s.w.findChild<ui::ClassEditor *>();
        QVERIFY(editor);
        QTRY_VERIFY(editor->isVisible());
        QCOMPARE(editor->table()->rowCount(), 2);
        editor->close();
        QTRY_VERIFY(!s.w.findChild<ui::ClassEditor *>()); // deleted on close
        s.w.labelingPane()->classPanel()->findChild<QPushButton *>(QStringLiteral("editClasses"))->click();
        QTRY_VERIFY(s.w.findChild<ui::ClassEditor *>());
        s.w.findChild<ui::ClassEditor *>()->close();
    }

    void thePanelSaysWhatTheNextAndTheSelectedBoxGet()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "boxes");
        QTRY_VERIFY(s.imageShown());
        ui::ClassPanel *panel = s.w.labelingPane()->classPanel();
        QVERIFY2(panel->statusText().contains(QStringLiteral("New boxes: <b>car</b>")), qPrintable(panel->statusText()));
        QTest::keyClick(s.canvas(), Qt::Key_2); // person for the next box
        QVERIFY2(panel->statusText().contains(QStringLiteral("New boxes: <b>person</b>")), qPrintable(panel->statusText()));
        drag(s.canvas(), QPointF(20, 30), QPointF(80, 100)); // drawn and selected
        QVERIFY2(panel->statusText().contains(QStringLiteral("Selected box: <u>person</u>")), qPrintable(panel->statusText()));
        QTest::keyClick(s.canvas(), Qt::Key_1); // the selected box becomes a car
        QCOMPARE(label(s.w.store(), "boxes", 1)->payload.boxes[0].classId, 0);
        QVERIFY2(panel->statusText().contains(QStringLiteral("Selected box: <u>car</u>")), qPrintable(panel->statusText()));
        click(s.canvas(), QPointF(150, 130)); // outside: nothing selected
        QVERIFY2(!panel->statusText().contains(QStringLiteral("Selected")), qPrintable(panel->statusText()));
    }

    void whatTheCanvasSaysShowsOnTheCanvas()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            Annotation a;
            a.jobId = (*store)->job("animal")->id;
            a.itemId = 1;
            a.payload.classes = {1};
            a.payload.classConfidence = {0.7};
            a.provenance.source = Source::Auto;
            a.provenance.author = "model";
            auto tx = (*store)->begin();
            QVERIFY((*tx)->putAnnotation(a));
            QVERIFY((*tx)->commit());
        }
        Screen s(project, "animal");
        auto *notice = s.canvas()->findChild<ui::NoticeBanner *>();
        QVERIFY(notice);
        QVERIFY(!notice->isVisible());
        QTest::keyClick(s.canvas(), Qt::Key_Backspace); // reject the model's label
        QVERIFY(!label(s.w.store(), "animal", 1));
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(QStringLiteral("press the right class key")), qPrintable(notice->text()));
        QVERIFY(notice->geometry().top() < s.canvas()->height() / 4); // at the top of the canvas, not in a corner
        QTest::keyClick(s.canvas(), Qt::Key_1); // the banner takes no keys: the next one labels
        QCOMPARE(label(s.w.store(), "animal", 1)->payload.classes, std::vector<int>{0});
    }
};

QTEST_MAIN(TestClassEditor)
#include "tst_classeditor.moc"
