// The object tool of instance segmentation, without a window: each mode's gestures give exactly one edit of the
// item's objects, with the pixels a person would expect.

#include "datasets/instances.h"
#include "labeling/tools/objecttool.h"
#include "tooltestutil.h"

using namespace gw::test::tools;
using Mode = ObjectTool::Mode;

namespace {

constexpr QSize kSize(60, 40);

int64_t pixelsOf(const Instance &object)
{
    return gw::datasets::instances::extent(object, kSize.width(), kSize.height())->area;
}

bool covers(const Instance &object, int x, int y)
{
    return gw::datasets::instances::binary(object, kSize.width(), kSize.height())->pixels[size_t(y * kSize.width() + x)];
}

Instance rectangle(int cls, QRectF r)
{
    Instance i;
    i.classId = cls;
    i.polygons.push_back({r.left(), r.top(), r.right(), r.top(), r.right(), r.bottom(), r.left(), r.bottom()});
    return i;
}

Payload twoObjects()
{
    Payload p;
    p.imageWidth = kSize.width();
    p.imageHeight = kSize.height();
    p.instances = {rectangle(5, QRectF(5, 5, 20, 20)), rectangle(2, QRectF(15, 15, 20, 20))}; // overlapping
    return p;
}

} // namespace

class TestObjectTool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void polygonClosedOnItsFirstVertexIsANewObject()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, kSize, 9);
        ObjectTool t;
        t.setPayload({}, c);
        click(t, c, {10, 10});
        click(t, c, {30, 10});
        QVERIFY(t.usesEnter());
        QVERIFY(!t.takeEdit());
        click(t, c, {30, 30});
        click(t, c, {10.5, 10.5}); // within reach of the first vertex
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Add object"));
        QCOMPARE(edit->payload.instances.size(), size_t(1));
        QCOMPARE(edit->payload.instances[0].classId, 9);
        QCOMPARE(edit->payload.instances[0].polygons[0], (std::vector<double>{10, 10, 30, 10, 30, 30}));
        QCOMPARE(edit->payload.imageWidth, kSize.width());
        QCOMPARE(t.selected(), 0);
        // A second polygon is a second object, on top; Enter closes it, Backspace took its stray vertex.
        click(t, c, {40, 5});
        click(t, c, {50, 5});
        click(t, c, {55, 20});
        click(t, c, {58, 38});
        QVERIFY(t.key(Qt::Key_Backspace, {}, c));
        QVERIFY(t.key(Qt::Key_Return, {}, c));
        edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->payload.instances.size(), size_t(2));
        QCOMPARE(edit->payload.instances[1].polygons[0].size(), size_t(6));
        // Escape drops a polygon in progress without an edit.
        click(t, c, {1, 1});
        QVERIFY(t.key(Qt::Key_Escape, {}, c));
        QVERIFY(!t.usesEnter());
        QVERIFY(!t.takeEdit());
    }

    void aBoxDraggedIsARectangularObject()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, kSize, 2);
        ObjectTool t;
        t.setMode(Mode::Box);
        t.setPayload({}, c);
        drag(t, c, {10, 8}, {20, 18});
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(pixelsOf(edit->payload.instances[0]), int64_t(100));
        drag(t, c, {30, 30}, {31, 31}); // a click, not a box
        QVERIFY(!t.takeEdit());
        QVERIFY(t.preview(c).crosshair);
    }

    void selectMoveReorderRetypeDelete()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, kSize);
        ObjectTool t;
        t.setMode(Mode::Select);
        t.setPayload(twoObjects(), c);
        // Where they overlap the later one is on top.
        click(t, c, {20, 20});
        QCOMPARE(t.selected(), 1);
        click(t, c, {7, 7});
        QCOMPARE(t.selected(), 0);
        QVERIFY(!t.takeEdit()); // selecting is no edit
        QCOMPARE(t.preview(c).shapes.front().style, ToolPreview::Style::Selected);
        drag(t, c, {7, 7}, {10, 9});
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Move object"));
        QCOMPARE(edit->payload.instances[0].polygons[0][0], 8.0);
        QCOMPARE(edit->payload.instances[0].polygons[0][1], 7.0);
        QVERIFY(t.key(Qt::Key_Right, Qt::ShiftModifier, c));
        QCOMPARE(t.takeEdit()->payload.instances[0].polygons[0][0], 18.0);
        // Page Up brings it forward: it is drawn last now, and stays selected.
        QVERIFY(t.key(Qt::Key_PageUp, {}, c));
        edit = t.takeEdit();
        QCOMPARE(edit->payload.instances[1].classId, 5);
        QCOMPARE(t.selected(), 1);
        QVERIFY(t.setSelectedClass(9));
        QCOMPARE(t.takeEdit()->payload.instances[1].classId, 9);
        QVERIFY(t.key(Qt::Key_Tab, {}, c));
        QCOMPARE(t.selected(), 0);
        QVERIFY(t.key(Qt::Key_Delete, {}, c));
        edit = t.takeEdit();
        QCOMPARE(edit->payload.instances.size(), size_t(1));
        QCOMPARE(edit->payload.instances[0].classId, 9);
        QCOMPARE(t.selected(), -1);
        // Escape during a drag puts the object back.
        press(t, c, {25, 20});
        moveTo(t, c, {40, 30});
        QVERIFY(t.key(Qt::Key_Escape, {}, c));
        QCOMPARE(t.liveLabel()->instances[0].polygons[0][0], edit->payload.instances[0].polygons[0][0]);
    }

    void theSelectionStaysWithItsItemAndAGestureOwnsItsObject()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        ToolContext c = context(job, kSize);
        c.itemId = 1;
        ObjectTool t;
        t.setMode(Mode::Select);
        t.setPayload(twoObjects(), c);
        click(t, c, {7, 7});
        QCOMPARE(t.selected(), 0);
        t.setPayload(twoObjects(), c); // the view re-syncs after an edit of the same item: kept
        QCOMPARE(t.selected(), 0);
        QVERIFY(t.wantsKey(Qt::Key_PageUp));
        c.itemId = 2; // the next item has objects too, but none is selected there
        t.setPayload(twoObjects(), c);
        QCOMPARE(t.selected(), -1);
        QVERIFY(!t.key(Qt::Key_Delete, {}, c));
        QVERIFY(!t.wantsKey(Qt::Key_PageUp)); // Page Up / Down stay the window's
        // While an object is dragged, Tab, Delete and class changes wait: the drag owns the object.
        press(t, c, {7, 7});
        moveTo(t, c, {9, 9});
        QVERIFY(!t.key(Qt::Key_Tab, {}, c));
        QVERIFY(!t.key(Qt::Key_Delete, {}, c));
        QVERIFY(!t.setSelectedClass(9));
        release(t, c, {9, 9});
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->payload.instances.size(), size_t(2));
        QCOMPARE(edit->payload.instances[0].polygons[0][0], 7.0);
        QCOMPARE(edit->payload.instances[1].polygons[0][0], 15.0); // the other object is untouched
        // An outline is moved only as far as the image's edge.
        drag(t, c, {8, 8}, {-30, -30});
        edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->payload.instances[0].polygons[0][0], 0.0);
        QCOMPARE(edit->payload.instances[0].polygons[0][1], 0.0);
        QVERIFY(gw::datasets::instances::problem(edit->payload.instances[0], kSize.width(), kSize.height()).empty());
    }

    void brushAndEraserPaintTheSelectedObject()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, kSize, 2);
        ObjectTool t;
        t.setPayload(twoObjects(), c);
        t.setMode(Mode::Select);
        click(t, c, {7, 7});
        t.setMode(Mode::Brush);
        t.setRadius(3);
        drag(t, c, {5, 35}, {5, 35}); // a dab below the first object
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Paint onto object"));
        const Instance &painted = edit->payload.instances[0];
        QVERIFY(painted.painted());
        QVERIFY(covers(painted, 5, 35));
        QVERIFY(covers(painted, 10, 10)); // the outline's pixels are kept
        QCOMPARE(edit->payload.instances.size(), size_t(2));
        // Erasing all of an object removes it.
        t.setMode(Mode::Eraser);
        t.setRadius(40);
        drag(t, c, {15, 15}, {15, 16});
        edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Erase object"));
        QCOMPARE(edit->payload.instances.size(), size_t(1));
        // With nothing selected the brush paints a new object of the current class.
        t.setMode(Mode::Brush);
        t.setRadius(2);
        drag(t, c, {50, 5}, {55, 5});
        edit = t.takeEdit();
        QCOMPARE(edit->text, QStringLiteral("Paint object"));
        QCOMPARE(edit->payload.instances.back().classId, 2);
        QVERIFY(covers(edit->payload.instances.back(), 52, 5));
        QVERIFY(t.wheel(1, Qt::ControlModifier, c));
        QVERIFY(t.radius() > 2);
        QVERIFY(!t.wheel(1, Qt::NoModifier, c)); // the view zooms
    }

    void aProposalBecomesAnObjectOnEnter()
    {
        const Job job = makeJob(TaskType::InstanceSegmentation);
        const ToolContext c = context(job, kSize, 9);
        ObjectTool t;
        t.setPayload(twoObjects(), c);
        QImage proposal(kSize, QImage::Format_Grayscale8);
        proposal.fill(0);
        for (int y = 30; y < 36; ++y)
            for (int x = 40; x < 50; ++x)
                proposal.setPixel(x, y, qRgb(255, 255, 255));
        t.setProposal(proposal, 9);
        QVERIFY(t.usesEnter());
        QVERIFY(!t.preview(c).proposal.isNull());
        QVERIFY(t.key(Qt::Key_Return, {}, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->payload.instances.size(), size_t(3));
        QCOMPARE(edit->payload.instances[2].classId, 9);
        QCOMPARE(pixelsOf(edit->payload.instances[2]), int64_t(60)); // exactly the proposal's pixels
        // Shift+Enter adds the next proposal to the selected object; Escape drops one.
        t.setProposal(proposal, 9);
        QVERIFY(t.key(Qt::Key_Escape, {}, c));
        QVERIFY(!t.usesEnter());
        t.select(0);
        t.setProposal(proposal, 9);
        QVERIFY(t.key(Qt::Key_Return, Qt::ShiftModifier, c));
        edit = t.takeEdit();
        QCOMPARE(edit->text, QStringLiteral("Add to object"));
        QCOMPARE(edit->payload.instances.size(), size_t(3));
        QCOMPARE(pixelsOf(edit->payload.instances[0]), int64_t(400 + 60));
    }
};

QTEST_GUILESS_MAIN(TestObjectTool)
#include "tst_objecttool.moc"
