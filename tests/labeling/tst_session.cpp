// The labeling session: every edit, undo and redo is committed to the store at once.

#include "datasets/json.h"
#include "labeling/labelcommands.h"
#include "labeling/labelingsession.h"
#include "testutil.h"

#include <QSignalSpy>
#include <QTest>

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;

namespace {

struct Fixture
{
    QTemporaryDir dir;
    std::unique_ptr<ProjectStore> store;
    Job job;

    explicit Fixture(TaskType type, std::vector<std::string> classes = {"cat", "dog", "cow"})
    {
        store = test::newProject(test::path(dir, "p.gwproj"));
        auto tx = store->begin();
        for (int i = 0; i < 3; ++i) {
            Item it;
            it.uri = "img" + std::to_string(i) + ".png";
            it.width = 100;
            it.height = 80;
            (void)(*tx)->addItem(it);
        }
        (void)(*tx)->commit();
        Job j;
        j.name = "job";
        j.type = type;
        for (size_t i = 0; i < classes.size(); ++i)
            j.classes.push_back({int(i), classes[i], defaultClassColor(int(i)), std::to_string(i + 1), {}});
        job = *store->createJob(j);
    }

    std::vector<int> storedClasses(int64_t item)
    {
        auto a = store->currentAnnotation(job.id, item);
        return a && *a ? (*a)->payload.classes : std::vector<int>{};
    }
};

Payload boxes(std::initializer_list<QRectF> rects)
{
    Payload p;
    for (const QRectF &r : rects)
        p.boxes.push_back({0, r.x(), r.y(), r.width(), r.height(), {}});
    p.imageWidth = 100;
    p.imageHeight = 80;
    p.imageDepth = 3;
    return p;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void editUndoRedoCommitEachStep()
    {
        Fixture f(TaskType::ImageClassification);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        QSignalSpy changed(&s, &LabelingSession::labelChanged);
        GW_VERIFY_OK(s.pressClass(1));
        QCOMPARE(f.storedClasses(1), std::vector<int>{1});
        GW_VERIFY_OK(s.pressClass(2));
        QCOMPARE(f.storedClasses(1), std::vector<int>{2});
        QCOMPARE(s.undoStack()->count(), 2);
        s.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{1});
        s.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{});
        QVERIFY(!s.current());
        s.undoStack()->redo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{1});
        s.undoStack()->redo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{2});
        QCOMPARE(changed.count(), 6);
        // Every step is a version in the item's history.
        QCOMPARE(f.store->history(f.job.id, 1)->size(), size_t(6));
        QCOMPARE((*f.store->currentAnnotation(f.job.id, 1))->provenance.author, std::string("ann"));
    }

    void redoUndoRedoGivesIdenticalState()
    {
        Fixture f(TaskType::BoundingBox);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(2));
        GW_VERIFY_OK(s.apply(boxes({QRectF(1, 2, 30, 40)}), QStringLiteral("Draw box")));
        const Payload after = s.payload();
        s.undoStack()->undo();
        s.undoStack()->redo();
        QCOMPARE(s.payload().boxes.size(), after.boxes.size());
        QCOMPARE(s.payload().boxes[0].width, 30.0);
        s.undoStack()->undo();
        QVERIFY(!f.store->currentAnnotation(f.job.id, 2)->has_value());
    }

    void nudgesMergeIntoOneStep()
    {
        Fixture f(TaskType::BoundingBox);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.apply(boxes({QRectF(10, 10, 5, 5)}), QStringLiteral("Draw box")));
        for (int x = 11; x <= 14; ++x)
            GW_VERIFY_OK(s.apply(boxes({QRectF(x, 10, 5, 5)}), QStringLiteral("Nudge box"), 1));
        QCOMPARE(s.undoStack()->count(), 2);
        s.undoStack()->undo();
        QCOMPARE((*f.store->currentAnnotation(f.job.id, 1))->payload.boxes[0].left, 10.0);
    }

    void undoWorksAcrossItems()
    {
        Fixture f(TaskType::ImageClassification);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(0));
        GW_VERIFY_OK(s.openItem(2));
        GW_VERIFY_OK(s.pressClass(1));
        s.undoStack()->undo();
        s.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{});
        QCOMPARE(f.storedClasses(2), std::vector<int>{});
    }

    void multiLabelKeysToggle()
    {
        Fixture f(TaskType::ImageClassificationMultiLabel);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(3));
        GW_VERIFY_OK(s.pressClass(0));
        GW_VERIFY_OK(s.pressClass(2));
        QCOMPARE(f.storedClasses(3), (std::vector<int>{0, 2}));
        GW_VERIFY_OK(s.pressClass(0));
        QCOMPARE(f.storedClasses(3), std::vector<int>{2});
        GW_VERIFY_OK(s.pressClass(2));
        QVERIFY(!f.store->currentAnnotation(f.job.id, 3)->has_value());
    }

    void invalidEditsAreRefusedAndNotPushed()
    {
        Fixture f(TaskType::BoundingBox);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        auto r = s.apply(boxes({QRectF(90, 0, 50, 10)}), QStringLiteral("Draw box"));
        QVERIFY(!r);
        QCOMPARE(s.undoStack()->count(), 0);
        QVERIFY(!f.store->currentAnnotation(f.job.id, 1)->has_value());
    }

    void undoRestoresAnAutoLabelWithItsProvenance()
    {
        Fixture f(TaskType::ImageClassification);
        Annotation a;
        a.jobId = f.job.id;
        a.itemId = 1;
        a.payload.classes = {2};
        a.payload.classConfidence = {std::nullopt};
        a.provenance.source = Source::Auto;
        a.provenance.humanAnnotated = false;
        a.provenance.author = "model-run-3";
        a.provenance.confidence = 0.97;
        {
            auto tx = f.store->begin();
            GW_VERIFY_OK((*tx)->putAnnotation(a));
            GW_VERIFY_OK((*tx)->commit());
        }
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.acceptCurrent());
        QCOMPARE((*f.store->currentAnnotation(f.job.id, 1))->provenance.source, Source::Human);
        s.undoStack()->undo();
        const auto restored = *f.store->currentAnnotation(f.job.id, 1);
        QCOMPARE(restored->provenance.source, Source::Auto);
        QCOMPARE(restored->provenance.author, std::string("model-run-3"));
        QCOMPARE(restored->provenance.confidence.value_or(0), 0.97);
    }

    void undoAndRedoAreNewVersionsDatedNow()
    {
        // History only moves forward: an undo writes the old label again as a new version, dated when it was
        // undone, that says which version it brings back and who undid it; a redo likewise.
        Fixture f(TaskType::ImageClassification);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(0));
        GW_VERIFY_OK(s.pressClass(1));
        QTest::qWait(2); // distinct microseconds at the least
        s.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{0});
        s.undoStack()->redo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{1});
        const auto h = *f.store->history(f.job.id, 1);
        QCOMPARE(h.size(), size_t(4));
        for (size_t i = 1; i < h.size(); ++i)
            QVERIFY2(h[i].annotation.provenance.createdUs > h[i - 1].annotation.provenance.createdUs,
                     qPrintable(QStringLiteral("version %1 is dated before version %2").arg(i + 1).arg(i)));
        auto restored = [&](size_t i) {
            json::Value extra;
            json::parse(h[i].annotation.extra, extra);
            return extra.find("restored") ? *extra.find("restored") : json::Value();
        };
        QVERIFY(restored(0).isNull() && restored(1).isNull());
        QCOMPARE(restored(2).find("how")->toString(), std::string("undo"));
        QCOMPARE(restored(2).find("by")->toString(), std::string("ann"));
        QCOMPARE(restored(2).find("version")->toInt(), h[0].annotation.id);
        QCOMPARE(h[2].annotation.payload.classes, std::vector<int>{0});
        QCOMPARE(restored(3).find("how")->toString(), std::string("redo"));
        QCOMPARE(restored(3).find("version")->toInt(), h[1].annotation.id);
    }

    void eachJobKeepsItsUndoHistory()
    {
        Fixture f(TaskType::ImageClassification);
        Job other = f.job;
        other.id = 0;
        other.name = "second";
        other = *f.store->createJob(other);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(2));
        s.setJob(other);
        QCOMPARE(s.undoStack()->count(), 0);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(1));
        s.setJob(f.job); // back: its edit can still be undone, and only its own
        QCOMPARE(s.undoStack()->count(), 1);
        s.undoGroup()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{});
        QCOMPARE((*f.store->currentAnnotation(other.id, 1))->payload.classes, std::vector<int>{1});
    }

    void undoLeavesALabelSomeoneElseChangedSinceAndSaysWho()
    {
        Fixture f(TaskType::ImageClassification);
        LabelingSession mine(*f.store, "ann");
        mine.setJob(f.job);
        GW_VERIFY_OK(mine.openItem(1));
        GW_VERIFY_OK(mine.pressClass(0));
        GW_VERIFY_OK(mine.pressClass(1));
        QCOMPARE(mine.undoStack()->count(), 2);
        // Bob, in another program on the same project, relabels the item.
        auto other = ProjectStore::open(test::path(f.dir, "p.gwproj"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(other);
        LabelingSession bobs(**other, "bob");
        bobs.setJob(f.job);
        GW_VERIFY_OK(bobs.openItem(1));
        GW_VERIFY_OK(bobs.pressClass(2));
        // Ann's undo would put back her first label over bob's: it does not, and says who changed it.
        QSignalSpy failed(&mine, &LabelingSession::failed);
        mine.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{2});
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("bob")), qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(mine.undoStack()->count(), 1); // that step is gone; the older one refuses the same way
        mine.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{2});
        QCOMPARE(mine.undoStack()->count(), 0);
        // Bob's own undo still works: his label is the one there.
        bobs.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{1});
    }

    void undoLeavesTheSameLabelGivenBySomeoneElse()
    {
        Fixture f(TaskType::ImageClassification);
        LabelingSession mine(*f.store, "ann");
        mine.setJob(f.job);
        GW_VERIFY_OK(mine.openItem(1));
        GW_VERIFY_OK(mine.pressClass(0));
        GW_VERIFY_OK(mine.pressClass(1));
        LabelingSession bobs(*f.store, "bob");
        bobs.setJob(f.job);
        GW_VERIFY_OK(bobs.openItem(1));
        GW_VERIFY_OK(bobs.pressClass(1)); // bob says the same: it is his label now
        QSignalSpy failed(&mine, &LabelingSession::failed);
        mine.undoStack()->undo();
        QCOMPARE(failed.count(), 1);
        QCOMPARE((*f.store->currentAnnotation(f.job.id, 1))->provenance.author, std::string("bob"));
    }

    void undoAfterAnUndoneEditStillChecksTheRightVersion()
    {
        Fixture f(TaskType::ImageClassification);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(0));
        GW_VERIFY_OK(s.clearLabel());
        s.undoStack()->undo(); // back to class 0 (a new version)
        s.undoStack()->undo(); // and to no label
        QCOMPARE(f.storedClasses(1), std::vector<int>{});
        s.undoStack()->redo();
        s.undoStack()->redo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{});
        s.undoStack()->undo();
        QCOMPARE(f.storedClasses(1), std::vector<int>{0});
        QCOMPARE(s.undoStack()->undoLimit(), LabelingSession::kUndoLimit);
    }

    void eachKindOfChangeIsACommandOfItsOwn()
    {
        Fixture f(TaskType::ImageClassificationMultiLabel);
        LabelingSession s(*f.store, "ann");
        s.setJob(f.job);
        GW_VERIFY_OK(s.openItem(1));
        GW_VERIFY_OK(s.pressClass(0));
        GW_VERIFY_OK(s.pressClass(1));
        GW_VERIFY_OK(s.clearLabel());
        QCOMPARE(s.undoStack()->count(), 3);
        QVERIFY(dynamic_cast<const ToggleClassCommand *>(s.undoStack()->command(0)));
        QCOMPARE(s.undoStack()->command(1)->text(), QStringLiteral("Add dog"));
        QVERIFY(dynamic_cast<const ClearLabelCommand *>(s.undoStack()->command(2)));

        Fixture boxesJob(TaskType::BoundingBox);
        LabelingSession b(*boxesJob.store, "ann");
        b.setJob(boxesJob.job);
        GW_VERIFY_OK(b.openItem(1));
        GW_VERIFY_OK(b.apply(boxes({{10, 10, 20, 20}}), QStringLiteral("Draw box")));
        GW_VERIFY_OK(b.apply(boxes({{11, 10, 20, 20}}), QStringLiteral("Nudge box"), LabelChange::Nudge));
        GW_VERIFY_OK(b.apply(boxes({{12, 10, 20, 20}}), QStringLiteral("Nudge box"), LabelChange::Nudge));
        GW_VERIFY_OK(b.apply(boxes({{12, 10, 20, 20}, {40, 40, 10, 10}}), QStringLiteral("Copy 1 box"),
                             LabelChange::CopyBoxes));
        QCOMPARE(b.undoStack()->count(), 3); // the nudges are one step
        QVERIFY(dynamic_cast<const EditShapesCommand *>(b.undoStack()->command(0)));
        QVERIFY(dynamic_cast<const NudgeBoxCommand *>(b.undoStack()->command(1)));
        QVERIFY(dynamic_cast<const CopyBoxesCommand *>(b.undoStack()->command(2)));
        b.undoStack()->undo();
        b.undoStack()->undo(); // both nudges at once
        QCOMPARE((*boxesJob.store->currentAnnotation(boxesJob.job.id, 1))->payload.boxes.front().left, 10.0);
    }

    void editsSurviveReopening()
    {
        Fixture f(TaskType::ImageClassification);
        {
            LabelingSession s(*f.store, "ann");
            s.setJob(f.job);
            GW_VERIFY_OK(s.openItem(2));
            GW_VERIFY_OK(s.pressClass(2));
        }
        auto reopened = ProjectStore::open(test::path(f.dir, "p.gwproj"), ProjectStore::OpenMode::OpenExisting);
        QCOMPARE((*(*reopened)->currentAnnotation(f.job.id, 2))->payload.classes, std::vector<int>{2});
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
