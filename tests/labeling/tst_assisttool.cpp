// The assist tool without a window, on labelme's real photos: gestures become jobs, a job's result is shown as a
// proposal, and Enter makes it one edit — a new object in an instance job, the class painted in a semantic one.
// Jobs run here in the test's thread, as the view would run them on its pool.

#include "assistdata.h"
#include "datasets/instances.h"
#include "labeling/tools/assisttool.h"
#include "testutil.h"
#include "tooltestutil.h"

#include <QPainter>

using namespace gw::test::tools;
using namespace gw::test::assist;
using Kind = AssistTool::Kind;

namespace {

/// Runs the tool's pending job on image and hands back the result; false when there was none.
bool runJob(AssistTool &t, const QImage &image)
{
    auto job = t.takeJob();
    if (!job)
        return false;
    std::atomic_bool cancel = false;
    return t.jobDone(job->id, job->run(image, &cancel));
}

const Photo &largestObjectPhoto(const std::vector<Photo> &photos, const Object **object)
{
    const Photo *best = &photos.front();
    *object = &best->objects.front();
    for (const Photo &p : photos)
        for (const Object &o : p.objects)
            if (o.area > (*object)->area) {
                best = &p;
                *object = &o;
            }
    return *best;
}

} // namespace

class TestAssistTool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!examplesInstalled())
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        m_photos = vocPhotos();
        QVERIFY(!m_photos.empty());
    }

    void grabCutBoxBecomesAnObjectOnEnter()
    {
        const Object *object = nullptr;
        const Photo &photo = largestObjectPhoto(m_photos, &object);
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, photo.image.size(), 2);
        AssistTool t;
        t.setPayload({}, c);
        const QRect box = boundsOf(object->mask);
        drag(t, c, box.topLeft(), box.bottomRight() + QPoint(1, 1));
        QVERIFY(t.waiting());
        QVERIFY(!t.usesEnter()); // nothing to accept until the result is back
        QVERIFY(runJob(t, photo.image));
        QVERIFY(!t.proposal().isNull());
        // What GrabCut finds in the box the user dragged (how well it finds objects is tst_assist's).
        auto direct = gw::labeling::assist::grabCutFromBox(photo.image, box);
        GW_VERIFY_OK(direct);
        QCOMPARE(gw::labeling::assist::iou(t.proposal(), direct->mask), 1.0);
        QVERIFY(!t.takeEdit()); // a proposal is not a label yet
        QVERIFY(t.key(Qt::Key_Return, {}, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->payload.instances.size(), size_t(1));
        QCOMPARE(edit->payload.instances[0].classId, 2);
        QVERIFY(edit->text.contains(QStringLiteral("GrabCut")));
        // The object holds exactly the proposal's pixels.
        auto own = gw::datasets::instances::binary(edit->payload.instances[0], photo.image.width(), photo.image.height());
        GW_VERIFY_OK(own);
        QImage ownImage(own->width, own->height, QImage::Format_Grayscale8);
        for (int y = 0; y < own->height; ++y)
            for (int x = 0; x < own->width; ++x)
                ownImage.scanLine(y)[x] = own->pixels[size_t(y * own->width + x)] ? 255 : 0;
        QCOMPARE(gw::labeling::assist::iou(ownImage, direct->mask), 1.0);
    }

    void extremePointsAndACorrection()
    {
        const Object *object = nullptr;
        const Photo &photo = largestObjectPhoto(m_photos, &object);
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, photo.image.size(), 9);
        AssistTool t;
        t.setPayload({}, c);
        const std::vector<QPoint> points = extremePoints(object->mask);
        for (size_t i = 0; i < points.size(); ++i) {
            click(t, c, QPointF(points[i]) + QPointF(0.5, 0.5));
            QCOMPARE(t.waiting(), i == 3); // the fourth click asks
        }
        QVERIFY(runJob(t, photo.image));
        const double before = gw::labeling::assist::iou(t.proposal(), object->mask);
        QVERIFY2(before > 0.6, qPrintable(QString::number(before)));
        // A background stroke across a corner of the image far from the object: a job, and the object stays.
        drag(t, c, {1, 1}, {6, 6}); // left button: first a stroke on the object side
        press(t, c, {2, 2}, Qt::RightButton);
        moveTo(t, c, {5, 5});
        release(t, c, {5, 5}, Qt::RightButton);
        QVERIFY(t.waiting());
        QVERIFY(runJob(t, photo.image));
        QVERIFY(!t.proposal().isNull());
        QVERIFY(t.key(Qt::Key_Escape, {}, c));
        QVERIFY(t.proposal().isNull());
        QVERIFY(!t.takeEdit());
    }

    void wandPaintsTheClassInASemanticJob()
    {
        const Photo &photo = m_photos.front();
        const Object &object = photo.objects.front();
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, photo.image.size(), 9);
        AssistTool t;
        t.setKind(Kind::Wand);
        t.setPayload({}, c);
        click(t, c, deepestPoint(object.mask));
        QVERIFY(runJob(t, photo.image));
        QVERIFY(!t.proposal().isNull());
        const int64_t narrow = countSet(t.proposal());
        // The wheel widens the tolerance and asks again: a larger region.
        QVERIFY(t.wheel(3, Qt::NoModifier, c));
        QCOMPARE(t.tolerance(), AssistTool::kDefaultTolerance + 12);
        QVERIFY(runJob(t, photo.image));
        QVERIFY(countSet(t.proposal()) >= narrow);
        QVERIFY(!t.wheel(1, Qt::ControlModifier, c)); // Ctrl + wheel is the view's
        const QImage region = t.proposal();
        QVERIFY(t.key(Qt::Key_Return, {}, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        const auto stored = storedValues(edit->payload);
        int64_t painted = 0;
        for (int y = 0; y < region.height(); ++y)
            for (int x = 0; x < region.width(); ++x)
                if (region.constScanLine(y)[x]) {
                    QCOMPARE(int(stored.pixels[size_t(y * stored.width + x)]), 9 + 1);
                    ++painted;
                }
        QCOMPARE(painted, countSet(region));
    }

    void superpixelsAreComputedOnceAndTakenByStrokes()
    {
        const Photo &photo = m_photos.front();
        const Object &object = photo.objects.front();
        const Job job = makeJob(TaskType::InstanceSegmentation);
        ToolContext c = context(job, photo.image.size(), 5);
        c.itemId = 7;
        AssistTool t;
        t.setKind(Kind::Superpixels);
        t.setPayload({}, c);
        const QPoint at = deepestPoint(object.mask);
        click(t, c, at); // the first click starts the computation
        QVERIFY(runJob(t, photo.image));
        QVERIFY(!t.preview(c).lines.isNull()); // their boundaries are shown
        click(t, c, at);
        QVERIFY(!t.waiting()); // taking superpixels needs no job
        QVERIFY(!t.proposal().isNull());
        QVERIFY(t.proposal().pixelColor(at).value() > 0);
        press(t, c, at, Qt::RightButton);
        release(t, c, at, Qt::RightButton);
        QVERIFY(t.proposal().isNull()); // given back
        // Re-synced after an edit of the same item: the superpixels stay; another item: they go.
        t.setPayload({}, c);
        click(t, c, at);
        QVERIFY(!t.waiting());
        c.itemId = 8;
        t.setPayload({}, c);
        click(t, c, at);
        QVERIFY(t.waiting());
    }

    void watershedAndScissors()
    {
        const Object *object = nullptr;
        const Photo &photo = largestObjectPhoto(m_photos, &object);
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, photo.image.size(), 5);
        AssistTool t;
        t.setKind(Kind::Watershed);
        t.setPayload({}, c);
        const QPoint in = deepestPoint(object->mask);
        drag(t, c, in, in + QPoint(3, 0));
        QVERIFY(runJob(t, photo.image));
        const QRect box = boundsOf(object->mask).adjusted(-8, -8, 8, 8).intersected(QRect(QPoint(0, 0), photo.image.size()));
        press(t, c, box.topLeft(), Qt::RightButton);
        moveTo(t, c, box.topRight());
        moveTo(t, c, box.bottomRight());
        moveTo(t, c, box.bottomLeft());
        release(t, c, box.bottomLeft(), Qt::RightButton);
        QVERIFY(runJob(t, photo.image));
        // The object's scribble is in the region, and the region inside the background's ring.
        QVERIFY(t.proposal().pixelColor(in).value() > 0);
        QImage outside = t.proposal().copy();
        QPainter(&outside).fillRect(box, Qt::black);
        QVERIFY(countSet(outside) < countSet(t.proposal()) / 10);

        // Scissors: the first click finds the edges, then each click is an anchor; clicking the first closes.
        t.setKind(Kind::Scissors);
        const std::vector<QPoint> points = extremePoints(object->mask);
        click(t, c, points[0]);
        QVERIFY(runJob(t, photo.image)); // edges
        for (const QPoint &p : points) {
            click(t, c, p);
            QVERIFY(runJob(t, photo.image)); // the anchor's paths
        }
        click(t, c, points[0]);
        QVERIFY(!t.proposal().isNull());
        QVERIFY2(gw::labeling::assist::iou(t.proposal(), object->mask) > 0.3,
                 qPrintable(QString::number(gw::labeling::assist::iou(t.proposal(), object->mask))));
    }

    void aResultForAnotherItemIsDropped()
    {
        const Photo &photo = m_photos.front();
        const Job job = makeJob(TaskType::InstanceSegmentation);
        ToolContext c = context(job, photo.image.size(), 5);
        c.itemId = 1;
        AssistTool t;
        t.setKind(Kind::Wand);
        t.setPayload({}, c);
        click(t, c, deepestPoint(photo.objects.front().mask));
        auto job1 = t.takeJob();
        QVERIFY(job1);
        c.itemId = 2;
        t.setPayload({}, c); // the next item is shown before the wand is done
        std::atomic_bool cancel = false;
        QVERIFY(!t.jobDone(job1->id, job1->run(photo.image, &cancel)));
        QVERIFY(t.proposal().isNull());
    }

private:
    std::vector<Photo> m_photos;
};

QTEST_GUILESS_MAIN(TestAssistTool)
#include "tst_assisttool.moc"
