// Text labeling driven like a person would: spans selected with the mouse (snapping to words) and the
// keyboard, typed by class keys, retyped, deleted, undone; offsets in code points survive export and import
// with accents, CJK, emoji and right-to-left text; multi-label text keys toggle.

#include "datasets/manifest.h"
#include "labeling/tools/spaneditor.h"
#include "testutil.h"
#include "ui/classpanel.h"
#include "ui/labelingpane.h"
#include "ui/noticebanner.h"
#include "ui/mainwindow.h"
#include "ui/textimportdialog.h"
#include "ui/textlabelview.h"

#include <QApplication>
#include <QComboBox>
#include <QAbstractItemView>
#include <QListWidget>
#include <QMouseEvent>
#include <QSettings>
#include <QTableWidget>
#include <QTest>

using namespace gw;
using namespace gw::datasets;

namespace {

const QString kFirst = QString::fromUtf8("\xF0\x9F\x8E\x89 Zo\xC3\xAB moved to \xE6\x9D\xB1\xE4\xBA\xAC in 2021.");
const QString kSecond = QString::fromUtf8("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 Ahmed \xD9\x81\xD9\x8A "
                                          "\xD8\xA7\xD9\x84\xD9\x82\xD8\xA7\xD9\x87\xD8\xB1\xD8\xA9");

std::string makeProject(const QTemporaryDir &dir)
{
    const std::string path = test::path(dir, "t.gwproj");
    auto store = test::newProject(path);
    auto tx = store->begin();
    QString longText;
    for (int i = 0; longText.size() < 100000; ++i)
        longText += QStringLiteral("Sentence %1 of a long report about Paris and Lagos. ").arg(i);
    for (const QString &t : {kFirst, kSecond, longText}) {
        Item it;
        it.kind = MediaKind::Text;
        it.text = t.toStdString();
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    Job ner;
    ner.name = "ner";
    ner.type = TaskType::NamedEntityRecognition;
    ner.classes = {{0, "PER", "#d62728", "1", {}}, {1, "LOC", "#1f77b4", "2", {}}, {2, "DATE", "#2ca02c", "3", {}}};
    (void)store->createJob(ner);
    Job topics;
    topics.name = "topics";
    topics.type = TaskType::TextClassificationMultiLabel;
    topics.classes = {{0, "travel", "#1f77b4", "1", {}}, {1, "family", "#ff7f0e", "2", {}}, {2, "work", "#2ca02c", "3", {}}};
    (void)store->createJob(topics);
    return path;
}

std::vector<Span> spansOf(ProjectStore *s, int64_t item)
{
    auto job = s->job("ner");
    auto a = s->currentAnnotation(job->id, item);
    return a && *a ? (*a)->payload.spans : std::vector<Span>{};
}

QPoint pointAt(ui::TextLabelView *v, int utf16)
{
    QTextCursor c(v->document());
    c.setPosition(utf16);
    return v->cursorRect(c).center() + QPoint(1, 0);
}

void mouse(QWidget *w, QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons held,
           Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QMouseEvent e(type, QPointF(pos), QPointF(w->mapToGlobal(pos)), button, held, mods);
    QApplication::sendEvent(w, &e);
}

void dragText(ui::TextLabelView *v, int from, int to, Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    const QPoint a = pointAt(v, from), b = pointAt(v, to);
    mouse(v->viewport(), QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton, mods);
    mouse(v->viewport(), QEvent::MouseMove, (a + b) / 2, Qt::NoButton, Qt::LeftButton, mods);
    mouse(v->viewport(), QEvent::MouseMove, b, Qt::NoButton, Qt::LeftButton, mods);
    mouse(v->viewport(), QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton, mods);
}

void clickText(ui::TextLabelView *v, int at)
{
    const QPoint p = pointAt(v, at);
    mouse(v->viewport(), QEvent::MouseButtonPress, p, Qt::LeftButton, Qt::LeftButton);
    mouse(v->viewport(), QEvent::MouseButtonRelease, p, Qt::LeftButton, Qt::NoButton);
}

struct Screen
{
    ui::MainWindow w;
    Screen(const std::string &project, const char *job)
    {
        w.show();
        if (!QTest::qWaitForWindowActive(&w))
            qWarning("window not active");
        if (!w.openProject(QString::fromStdString(project)) || !w.selectJob(QString::fromLatin1(job)))
            qFatal("cannot open the test project");
        view()->setFocus();
    }
    ui::TextLabelView *view() const { return w.labelingPane()->textView(); }
    int64_t item() const { return w.labelingPane()->currentItem(); }
};

} // namespace

class TestTextLabeling : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void spanByMouseSnapsToWordsAndKeyAssigns()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "ner");
        QCOMPARE(s.item(), int64_t(1));
        QCOMPARE(s.view()->toPlainText(), kFirst);
        const int zo = int(kFirst.indexOf(QStringLiteral("Zo")));
        dragText(s.view(), zo + 1, zo + 2); // inside the word: snaps to "Zoë"
        QCOMPARE(s.view()->textCursor().selectedText(), QString::fromUtf8("Zo\xC3\xAB"));
        QTest::keyClick(s.view(), Qt::Key_1);
        auto spans = spansOf(s.w.store(), 1);
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(spans[0].start, int64_t(2)); // code points: the emoji before counts once
        QCOMPARE(spans[0].end, int64_t(5));
        QCOMPARE(spans[0].classId, 0);
        QCOMPARE(s.item(), int64_t(1)); // spans do not advance
        // Alt keeps character precision.
        const int in = int(kFirst.indexOf(QStringLiteral("2021")));
        dragText(s.view(), in, in + 2, Qt::AltModifier);
        QCOMPARE(s.view()->textCursor().selectedText(), QStringLiteral("20"));
    }

    void anOverlapIsRefusedOnTheTextAndTheSelectedEntityIsNamed()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "ner");
        const int zo = int(kFirst.indexOf(QStringLiteral("Zo")));
        dragText(s.view(), zo + 1, zo + 2); // "Zoë"
        QTest::keyClick(s.view(), Qt::Key_1); // PER
        QCOMPARE(spansOf(s.w.store(), 1).size(), size_t(1));
        auto *notice = s.view()->findChild<ui::NoticeBanner *>();
        QVERIFY(notice);
        QVERIFY(!notice->isVisible());
        const int moved = int(kFirst.indexOf(QStringLiteral("moved")));
        dragText(s.view(), moved + 2, zo + 1); // "Zoë moved" overlaps "Zoë"
        QTest::keyClick(s.view(), Qt::Key_2);
        QCOMPARE(spansOf(s.w.store(), 1).size(), size_t(1)); // refused
        // Said on the text itself, in its words, not only in the status bar.
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(QString::fromUtf8("overlaps \u201cZo\xC3\xAB\u201d (PER)")), qPrintable(notice->text()));
        // A click on the entity selects it; the class panel names its class beside the one keys give.
        clickText(s.view(), zo + 1);
        const QString status = s.w.labelingPane()->classPanel()->statusText();
        QVERIFY2(status.contains(QStringLiteral("Selected entity: <u>PER</u>")), qPrintable(status));
    }

    void spanByKeyboardRetypeDeleteUndo()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "ner");
        const int tokyo = int(kFirst.indexOf(QString::fromUtf8("\xE6\x9D\xB1")));
        // Keyboard only: to the start, by word to Tokyo, then select two characters.
        QTest::keyClick(s.view(), Qt::Key_Home, Qt::ControlModifier);
        while (s.view()->textCursor().position() < tokyo)
            QTest::keyClick(s.view(), Qt::Key_Right);
        QTest::keyClick(s.view(), Qt::Key_Right, Qt::ShiftModifier);
        QTest::keyClick(s.view(), Qt::Key_Right, Qt::ShiftModifier);
        QTest::keyClick(s.view(), Qt::Key_2);
        auto spans = spansOf(s.w.store(), 1);
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(spans[0].start, int64_t(15));
        QCOMPARE(spans[0].end, int64_t(17));
        QCOMPARE(spans[0].classId, 1);
        // The span list shows it; a click on the span selects it; a key retypes it.
        QCOMPARE(s.w.labelingPane()->spanList()->count(), 1);
        clickText(s.view(), tokyo + 1);
        QCOMPARE(s.w.labelingPane()->spanEditor().selected(), 0);
        QTest::keyClick(s.view(), Qt::Key_3);
        QCOMPARE(spansOf(s.w.store(), 1)[0].classId, 2);
        QTest::keyClick(s.view(), Qt::Key_Delete);
        QVERIFY(spansOf(s.w.store(), 1).empty());
        QTest::keyClick(s.view(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(spansOf(s.w.store(), 1).size(), size_t(1));
        QTest::keyClick(s.view(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(spansOf(s.w.store(), 1)[0].classId, 1);
        // Overlapping spans are refused for this job.
        s.view()->selectRange(tokyo - 3, tokyo + 1);
        QTest::keyClick(s.view(), Qt::Key_1);
        QCOMPARE(spansOf(s.w.store(), 1).size(), size_t(1));
    }

    void rightToLeftAndLongDocuments()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "ner");
        QTest::keyClick(s.view(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(2));
        const int ahmed = int(kSecond.indexOf(QStringLiteral("Ahmed")));
        dragText(s.view(), ahmed + 1, ahmed + 3);
        QTest::keyClick(s.view(), Qt::Key_1);
        auto spans = spansOf(s.w.store(), 2);
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(spans[0].start, int64_t(6));
        QCOMPARE(spans[0].end, int64_t(11));
        // A 100,000-character document: label near its end.
        QTest::keyClick(s.view(), Qt::Key_D);
        QCOMPARE(s.item(), int64_t(3));
        const QString text = s.view()->toPlainText();
        QVERIFY(text.size() >= 100000);
        const int lagos = int(text.lastIndexOf(QStringLiteral("Lagos")));
        s.view()->selectRange(lagos, lagos + 5);
        QTest::keyClick(s.view(), Qt::Key_2);
        QCOMPARE(spansOf(s.w.store(), 3).at(0).start, int64_t(lagos));
    }

    void offsetsSurviveExportAndImport()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            Screen s(project, "ner");
            s.view()->selectRange(2, 5);
            QTest::keyClick(s.view(), Qt::Key_1);
            const int tokyo = int(kFirst.indexOf(QString::fromUtf8("\xE6\x9D\xB1")));
            s.view()->selectRange(tokyo, tokyo + 2);
            QTest::keyClick(s.view(), Qt::Key_2);
        }
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        ExportOptions out;
        out.outPath = test::path(dir, "out.manifest");
        out.jobs = {"ner"};
        GW_VERIFY_OK(exportManifest(**store, out));
        const std::string text = test::readFile(out.outPath);
        QVERIFY(text.find("{\"endOffset\":17,\"startOffset\":15,\"label\":\"LOC\"}") != std::string::npos);
        auto again = test::newProject(test::path(dir, "again.gwproj"));
        GW_VERIFY_OK(importManifest(*again, out.outPath, {}));
        const auto spans = spansOf(again.get(), 1);
        QCOMPARE(spans.size(), size_t(2));
        QCOMPARE(spans[1].start, int64_t(15));
        QCOMPARE(QString::fromStdString(again->item(1)->text), kFirst);
    }

    void importDialogPreviewsAndChoosesTheColumn()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        const std::string csv = test::path(dir, "reviews.csv");
        test::writeFile(csv, "id,review,stars\n1,\"Très bien, merci\",5\n2,\"Two\nlines\",3\n3,短い,4\n");
        ui::TextImportDialog dialog(QString::fromStdString(csv));
        QCOMPARE(dialog.choices(), (QStringList{QStringLiteral("id"), QStringLiteral("review"), QStringLiteral("stars")}));
        QCOMPARE(dialog.preview()->rowCount(), 3);
        QCOMPARE(dialog.preview()->item(1, 1)->text(), QStringLiteral("Two\nlines"));
        QVERIFY(dialog.choose(QStringLiteral("review")));
        QCOMPARE(dialog.options().column, std::string("review"));
        Screen s(project, "topics");
        QVERIFY(s.w.addPaths({QString::fromStdString(csv)}, dialog.options()));
        QCOMPARE(*s.w.store()->countItems({}), int64_t(6));
        QCOMPARE(QString::fromStdString(s.w.store()->item(4)->text), QStringLiteral("Très bien, merci"));
        QCOMPARE(s.w.store()->item(4)->extra, std::string(R"({"id":"1","stars":"5"})"));
        // A .jsonl offers its string fields; none chosen reads it as a manifest.
        const std::string jsonl = test::path(dir, "t.jsonl");
        test::writeFile(jsonl, "{\"body\":\"hello\",\"n\":1}\n");
        ui::TextImportDialog j(QString::fromStdString(jsonl));
        QCOMPARE(j.choices(), QStringList{QStringLiteral("body")});
        QVERIFY(j.choose(QStringLiteral("body")));
        QCOMPARE(j.options().field, std::string("body"));
    }

    void textListFilters()
    {
        QTemporaryDir dir;
        Screen s(makeProject(dir), "topics");
        QTest::keyClick(s.view(), Qt::Key_2); // item 1: family
        auto *filter = s.w.findChildren<QComboBox *>().at(1);
        QVERIFY(filter->findText(QStringLiteral("Unlabeled")) > 0);
        filter->setCurrentIndex(filter->findText(QStringLiteral("Unlabeled")));
        QCOMPARE(s.w.itemList()->model()->rowCount(), 2);
        QCOMPARE(s.item(), int64_t(2));
        filter->setCurrentIndex(filter->findText(QStringLiteral("Labeled")));
        QCOMPARE(s.w.itemList()->model()->rowCount(), 1);
    }

    void multiLabelTextKeysToggleAndRoundTrip()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        {
            Screen s(project, "topics");
            QTest::keyClick(s.view(), Qt::Key_1);
            QTest::keyClick(s.view(), Qt::Key_3);
            QTest::keyClick(s.view(), Qt::Key_2);
            QTest::keyClick(s.view(), Qt::Key_2); // toggled off again
            QCOMPARE(s.item(), int64_t(1)); // multi-label keys do not advance
        }
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        auto job = (*store)->job("topics");
        QCOMPARE((*(*store)->currentAnnotation(job->id, 1))->payload.classes, (std::vector<int>{0, 2}));
        ExportOptions out;
        out.outPath = test::path(dir, "topics.manifest");
        out.jobs = {"topics"};
        GW_VERIFY_OK(exportManifest(**store, out));
        auto again = test::newProject(test::path(dir, "topics.gwproj"));
        GW_VERIFY_OK(importManifest(*again, out.outPath, {}));
        auto j2 = again->job("topics");
        QCOMPARE((*again->currentAnnotation(j2->id, 1))->payload.classes, (std::vector<int>{0, 2}));
    }
};

QTEST_MAIN(TestTextLabeling)
#include "tst_textlabeling.moc"
