// Review mode in the window: choosing a review job shows the reviewed job's labels; Enter accepts one, Backspace
// rejects it with a reason (the item goes back to its annotator, who sees why), and an edit fixes it before Enter.

#include "datasets/review.h"
#include "labeling/labelingsession.h"
#include "ui/reviewjobdialog.h"
#include "windowtestutil.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QSettings>

using namespace gw::datasets;
using gw::test::Screen;

namespace {

std::string reviewProject(const QTemporaryDir &dir)
{
    const std::string path = gw::test::makeProject(dir);
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
    const Job boxes = *(*store)->job("boxes");
    auto tx = (*store)->begin();
    for (int64_t item = 1; item <= 3; ++item) {
        Annotation a;
        a.jobId = boxes.id;
        a.itemId = item;
        a.payload.boxes.push_back({0, 20.0 * double(item), 20, 40, 30, std::nullopt});
        a.payload.imageWidth = gw::test::kWidth;
        a.payload.imageHeight = gw::test::kHeight;
        a.payload.imageDepth = 3;
        a.provenance.author = "alice";
        (void)(*tx)->putAnnotation(a);
    }
    (void)(*tx)->commit();
    auto check = review::chainedJob(JobKind::Review, boxes, "boxes-check");
    (void)(*store)->createJob(*check);
    return path;
}

QString info(gw::ui::MainWindow &w)
{
    QString all;
    for (QLabel *l : w.labelingPane()->findChildren<QLabel *>())
        all += l->text() + QLatin1Char('\n');
    return all;
}

} // namespace

class TestReviewMode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QSettings().remove(QStringLiteral("worker")); }

    void enterAcceptsBackspaceRejectsWithAReasonAndAnEditFixes()
    {
        QTemporaryDir dir;
        const std::string project = reviewProject(dir);
        Screen s(project, "boxes-check");
        s.w.setWorker(QStringLiteral("rita"));
        ProjectStore *store = s.w.store();
        const Job check = *store->job("boxes-check");
        // The reviewed job's labels are what the pane shows and edits.
        QCOMPARE(s.w.labelingPane()->job().name, std::string("boxes"));
        QVERIFY(s.w.labelingPane()->review());
        QCOMPARE(s.item(), 1);
        QVERIFY2(info(s.w).contains(QStringLiteral("not reviewed yet")), qPrintable(info(s.w)));
        auto *bar = s.w.labelingPane()->findChild<QLabel *>(QStringLiteral("reviewBar"));
        QVERIFY(bar && bar->isVisible() && bar->text().contains(QStringLiteral("Backspace")));

        QTest::keyClick(s.canvas(), Qt::Key_Return);
        auto verdict = review::currentVerdict(*store, check, 1);
        QVERIFY(verdict && *verdict);
        QCOMPARE(check.classById((*verdict)->payload.classes.front())->name, std::string("accept"));
        QCOMPARE((*verdict)->provenance.author, std::string("rita"));
        QCOMPARE(s.item(), 2); // on to the next

        // Backspace asks why; cancelling gives no verdict.
        QString asked;
        s.w.labelingPane()->askReason = [&](const QString &q) -> std::optional<QString> {
            asked = q;
            return std::nullopt;
        };
        QTest::keyClick(s.canvas(), Qt::Key_Backspace);
        QVERIFY(!asked.isEmpty());
        QVERIFY(!*review::currentVerdict(*store, check, 2));
        QVERIFY(gw::test::label(store, "boxes", 2));
        s.w.labelingPane()->askReason = [](const QString &) { return std::optional<QString>(QStringLiteral("the box misses the tail")); };
        QTest::keyClick(s.canvas(), Qt::Key_Backspace);
        QVERIFY(!gw::test::label(store, "boxes", 2)); // sent back
        QCOMPARE((*review::rejectionOf(*store, store->job("boxes")->id, 2))->reason, std::string("the box misses the tail"));
        QCOMPARE(s.item(), 3);

        // A fix: the reviewer moves the box (an edit of the reviewed job's label in their name), then accepts.
        gw::test::drag(s.canvas(), {120, 100}, {160, 130});
        QCOMPARE(gw::test::label(store, "boxes", 3)->provenance.author, std::string("rita"));
        QCOMPARE(gw::test::label(store, "boxes", 3)->payload.boxes.size(), size_t(2));
        QTest::keyClick(s.canvas(), Qt::Key_Return);
        verdict = review::currentVerdict(*store, check, 3);
        QVERIFY(verdict && *verdict);
        QVERIFY((*verdict)->extra.find("\"fixed\":true") != std::string::npos);

        // The annotator, back on the job, sees why item 2 came back.
        QVERIFY(s.w.selectJob(QStringLiteral("boxes")));
        QVERIFY(!s.w.labelingPane()->review());
        QVERIFY(!bar->isVisible());
        s.w.setWorker(QStringLiteral("alice"));
        s.w.showMyQueue();
        QCOMPARE(s.item(), 2);
        QVERIFY2(info(s.w).contains(QStringLiteral("the box misses the tail")), qPrintable(info(s.w)));
    }

    void aVerificationJudgesWithoutChangingTheLabel()
    {
        QTemporaryDir dir;
        const std::string project = reviewProject(dir);
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            auto verify = review::chainedJob(JobKind::Verification, *(*store)->job("boxes"), "verify-boxes");
            QVERIFY((*store)->createJob(*verify));
        }
        Screen s(project, "verify-boxes");
        s.w.setWorker(QStringLiteral("vera"));
        ProjectStore *store = s.w.store();
        const Job verify = *store->job("verify-boxes");
        const Annotation before = *gw::test::label(store, "boxes", 1);
        gw::test::drag(s.canvas(), {120, 100}, {160, 130}); // refused: the label stays as it is
        QCOMPARE(gw::test::label(store, "boxes", 1)->id, before.id);
        s.w.labelingPane()->askReason = [](const QString &) { return std::optional<QString>(QStringLiteral("too wide")); };
        QTest::keyClick(s.canvas(), Qt::Key_Backspace);
        auto verdict = review::currentVerdict(*store, verify, 1);
        QVERIFY(verdict && *verdict);
        QCOMPARE(verify.classById((*verdict)->payload.classes.front())->name, std::string("incorrect"));
        QVERIFY((*verdict)->extra.find("too wide") != std::string::npos);
        QVERIFY(gw::test::label(store, "boxes", 1)); // nothing is sent back by a verification
        QCOMPARE(s.item(), 2);
    }

    void theReviewDialogOffersWhatTheJobAllows()
    {
        QTemporaryDir dir;
        const std::string project = reviewProject(dir);
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        gw::ui::ReviewJobDialog boxes(*(*store)->job("boxes"));
        auto *kind = boxes.findChild<QComboBox *>();
        QCOMPARE(kind->count(), 3); // review, verification, adjustment
        QCOMPARE(boxes.job().name, std::string("boxes-review"));
        QVERIFY(boxes.problem().isEmpty());
        QVERIFY((*store)->createJob(boxes.job()));
        kind->setCurrentIndex(2);
        QCOMPARE(boxes.job().kind, JobKind::Adjustment);
        QCOMPARE(boxes.job().name, std::string("adjust-boxes"));
        gw::ui::ReviewJobDialog seg(*(*store)->job("seg-ref"));
        seg.findChild<QComboBox *>()->setCurrentIndex(2);
        QCOMPARE(seg.job().name, std::string("adjust-seg-ref")); // Ground Truth: segmentation names end in -ref
        QVERIFY(seg.problem().isEmpty());
        gw::ui::ReviewJobDialog animal(*(*store)->job("animal"));
        QCOMPARE(animal.findChild<QComboBox *>()->count(), 1); // only a review for classes
    }

    void myQueueInReviewHandsOutTheLabelsToReview()
    {
        QTemporaryDir dir;
        const std::string project = reviewProject(dir);
        Screen s(project, "boxes-check");
        s.w.setWorker(QStringLiteral("rita"));
        s.w.showMyQueue();
        QAbstractItemModel *m = s.w.itemList()->model();
        QCOMPARE(m->rowCount(), 3); // the three labeled items, not all six
        const auto leases = s.w.store()->leases(s.w.store()->job("boxes-check")->id, "rita");
        QCOMPARE(leases->size(), size_t(3));
        QCOMPARE(s.item(), 1);
    }
};

QTEST_MAIN(TestReviewMode)
#include "tst_review.moc"
