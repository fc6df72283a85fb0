// The mask tools without a window: the polygon tool (vertices, closing, filling the class mask) and the brush
// and eraser, driven by pointer and key events in image coordinates and checked through the masks they hand out.

#include "tooltestutil.h"

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;
using namespace gw::test::tools;

class TestMaskTools : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- polygon tool ----

    void polygonAddsClampedVertices()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80));
        PolygonTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(press(t, c, QPointF(10, 10)));
        release(t, c, QPointF(10, 10));
        click(t, c, QPointF(50.5, 12.25));
        click(t, c, QPointF(-5, 200));
        QCOMPARE(t.polygon(), QPolygonF({QPointF(10, 10), QPointF(50.5, 12.25), QPointF(0, 80)}));
        QCOMPARE(t.selectedVertex(), -1);
        QVERIFY(!t.takeEdit());
        QCOMPARE(countValue(t.mask(), 0), 8000); // nothing is filled before the polygon is closed
    }

    void polygonDragsVertex()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80), 5, 2.0);
        PolygonTool t;
        t.setPayload(Payload{}, c);
        for (QPointF p : {QPointF(10, 10), QPointF(50, 10), QPointF(50, 40)})
            click(t, c, p);
        press(t, c, QPointF(52, 11)); // 2.2 image px = 4.5 screen px from vertex 1
        QCOMPARE(t.selectedVertex(), 1);
        QVERIFY(moveTo(t, c, QPointF(60, 20)));
        QCOMPARE(t.polygon()[1], QPointF(60, 20));
        moveTo(t, c, QPointF(300, -4));
        release(t, c, QPointF(300, -4));
        QCOMPARE(t.polygon()[1], QPointF(100, 0)); // clamped
        QCOMPARE(t.polygon().size(), 3);
        QVERIFY(!t.takeEdit());
        QVERIFY(!moveTo(t, c, QPointF(70, 70))); // the drag ended with the release
        QCOMPARE(t.polygon()[1], QPointF(100, 0));
        click(t, c, QPointF(50, 44)); // 4 image px = 8 screen px from vertex 2: a new vertex
        QCOMPARE(t.polygon().size(), 4);
        QCOMPARE(t.selectedVertex(), -1);
    }

    void polygonDeletesVertices()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80));
        PolygonTool t;
        t.setPayload(Payload{}, c);
        for (QPointF p : {QPointF(10, 10), QPointF(50, 10), QPointF(50, 40), QPointF(10, 40)})
            click(t, c, p);
        QVERIFY(!t.key(Qt::Key_Delete, Qt::NoModifier, c)); // no vertex selected
        click(t, c, QPointF(50, 11));
        QCOMPARE(t.selectedVertex(), 1);
        QVERIFY(t.key(Qt::Key_Delete, Qt::NoModifier, c));
        QCOMPARE(t.polygon(), QPolygonF({QPointF(10, 10), QPointF(50, 40), QPointF(10, 40)}));
        QCOMPARE(t.selectedVertex(), -1);
        QVERIFY(t.key(Qt::Key_Backspace, Qt::NoModifier, c));
        QCOMPARE(t.polygon(), QPolygonF({QPointF(10, 10), QPointF(50, 40)}));
        click(t, c, QPointF(10, 10));
        QCOMPARE(t.selectedVertex(), 0); // two vertices: the first one is selected, not closed
        QVERIFY(t.key(Qt::Key_Backspace, Qt::NoModifier, c));
        QCOMPARE(t.selectedVertex(), 0);
        QVERIFY(!t.takeEdit());
    }

    void polygonCloses_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("click on the first vertex") << QStringLiteral("first");
        QTest::newRow("Enter") << QStringLiteral("enter");
        QTest::newRow("Return") << QStringLiteral("return");
        QTest::newRow("double-click") << QStringLiteral("double");
        QTest::newRow("right button") << QStringLiteral("right");
    }

    void polygonCloses()
    {
        QFETCH(QString, how);
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80), 2);
        PolygonTool t;
        t.setPayload(Payload{}, c);
        const QPointF corners[] = {{10, 10}, {30, 10}, {30, 20}, {10, 20}};
        for (const QPointF &p : corners)
            click(t, c, p);
        if (how == QLatin1String("first")) {
            click(t, c, QPointF(11, 12));
        } else if (how == QLatin1String("enter")) {
            QVERIFY(t.key(Qt::Key_Enter, Qt::NoModifier, c));
        } else if (how == QLatin1String("return")) {
            QVERIFY(t.key(Qt::Key_Return, Qt::NoModifier, c));
        } else if (how == QLatin1String("double")) {
            // Qt delivers a double-click as press, release, double-click, release at the last vertex.
            QVERIFY(t.pointer(pointerEvent(Type::DoubleClick, corners[3]), c));
            release(t, c, corners[3]);
        } else {
            QVERIFY(press(t, c, QPointF(70, 70), Qt::RightButton));
            release(t, c, QPointF(70, 70), Qt::RightButton);
        }
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Polygon (car)"));
        QVERIFY(t.polygon().isEmpty());
        QCOMPARE(t.selectedVertex(), -1);
        QCOMPARE(countValue(t.mask(), 3), 200); // [10, 30) x [10, 20), no extra vertex added
        QVERIFY(sameValues(storedValues(edit->payload), t.mask()));
    }

    void polygonClosingNeedsThreeVertices()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80));
        PolygonTool t;
        t.setPayload(Payload{}, c);
        click(t, c, QPointF(10, 10));
        click(t, c, QPointF(30, 10));
        QVERIFY(!t.key(Qt::Key_Return, Qt::NoModifier, c));
        QVERIFY(!press(t, c, QPointF(20, 30), Qt::RightButton));
        QVERIFY(t.pointer(pointerEvent(Type::DoubleClick, QPointF(20, 30)), c)); // too early: a plain click
        QCOMPARE(t.polygon().size(), 3);
        QVERIFY(!t.takeEdit());
    }

    void polygonFirstVertexDragMovesIt()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80));
        PolygonTool t;
        t.setPayload(Payload{}, c);
        for (QPointF p : {QPointF(10, 10), QPointF(30, 10), QPointF(30, 20)})
            click(t, c, p);
        press(t, c, QPointF(10, 10));
        moveTo(t, c, QPointF(12, 11)); // within the click tolerance: still a click
        QCOMPARE(t.polygon()[0], QPointF(10, 10));
        moveTo(t, c, QPointF(5, 5));
        release(t, c, QPointF(5, 5));
        QVERIFY(!t.takeEdit());
        QCOMPARE(t.polygon().size(), 3);
        QCOMPARE(t.polygon()[0], QPointF(5, 5));
    }

    void polygonEscapeDropsIt()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(100, 80));
        PolygonTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(!t.key(Qt::Key_Escape, Qt::NoModifier, c));
        for (QPointF p : {QPointF(10, 10), QPointF(30, 10), QPointF(30, 20)})
            click(t, c, p);
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c));
        QVERIFY(t.polygon().isEmpty());
        QVERIFY(!t.key(Qt::Key_Return, Qt::NoModifier, c));
        QVERIFY(!t.takeEdit());
        QCOMPARE(countValue(t.mask(), 0), 8000);
    }

    void fillRectangle_data()
    {
        QTest::addColumn<QRectF>("polygon");
        QTest::addColumn<QRect>("pixels");
        QTest::newRow("whole pixels") << QRectF(2, 3, 5, 6) << QRect(2, 3, 5, 6);
        // Pixel centres x + 0.5 in [2.4, 7.5) and y + 0.5 in [3.6, 9.5).
        QTest::newRow("fractions") << QRectF(QPointF(2.4, 3.6), QPointF(7.5, 9.5)) << QRect(2, 4, 5, 5);
        QTest::newRow("through centres") << QRectF(QPointF(1.5, 1.5), QPointF(4.5, 3.5)) << QRect(1, 1, 3, 2);
        QTest::newRow("clipped") << QRectF(QPointF(-3, -3), QPointF(4, 20)) << QRect(0, 0, 4, 12);
        QTest::newRow("between centres") << QRectF(QPointF(2.6, 2), QPointF(3.4, 8)) << QRect();
    }

    void fillRectangle()
    {
        QFETCH(QRectF, polygon);
        QFETCH(QRect, pixels);
        QImage m = blank(QSize(12, 12));
        const int changed = fillPolygon(m, QPolygonF(polygon), 7);
        QCOMPARE(changed, pixels.width() * pixels.height());
        for (int y = 0; y < 12; ++y)
            for (int x = 0; x < 12; ++x)
                QVERIFY2(at(m, x, y) == (pixels.contains(x, y) ? 7 : 0),
                         qPrintable(QStringLiteral("pixel %1,%2").arg(x).arg(y)));
    }

    void fillTriangle()
    {
        // The right angle at the origin, legs of 20: centre (x + 0.5, y + 0.5) inside iff x + y + 1 < 20.
        QImage m = blank(QSize(24, 24));
        const QPolygonF triangle({QPointF(0, 0), QPointF(20, 0), QPointF(0, 20)});
        QCOMPARE(fillPolygon(m, triangle, 4), 190);
        for (int y = 0; y < 24; ++y)
            for (int x = 0; x < 24; ++x)
                QVERIFY2(at(m, x, y) == (x + y <= 18 ? 4 : 0),
                         qPrintable(QStringLiteral("pixel %1,%2").arg(x).arg(y)));
        QCOMPARE(fillPolygon(m, triangle, 4), 0); // already filled: nothing changes
    }

    void fillSelfIntersectingIsEvenOdd()
    {
        // A square traced twice over: even-odd leaves it empty (non-zero winding would fill it).
        QImage m = blank(QSize(10, 10));
        const QPolygonF twice({QPointF(1, 1), QPointF(5, 1), QPointF(5, 5), QPointF(1, 5), QPointF(1, 1),
                               QPointF(5, 1), QPointF(5, 5), QPointF(1, 5)});
        QCOMPARE(fillPolygon(m, twice, 1), 0);
        QCOMPARE(countValue(m, 1), 0);
    }

    void polygonRasterizesTriangleThroughTheTool()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(40, 30), 9);
        PolygonTool t;
        t.setPayload(Payload{}, c);
        for (QPointF p : {QPointF(4, 2), QPointF(34, 2), QPointF(4, 26)})
            click(t, c, p);
        QVERIFY(t.key(Qt::Key_Return, Qt::NoModifier, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Polygon (sky)"));
        const mask::IndexedMask stored = storedValues(edit->payload);
        QVERIFY(sameValues(stored, t.mask()));
        const auto v = [&](int x, int y) { return int(stored.pixels[size_t(y * stored.width + x)]); };
        QCOMPARE(v(4, 2), 10);   // just inside the corner
        QCOMPARE(v(3, 2), 0);    // left of it
        QCOMPARE(v(4, 1), 0);    // above it
        QCOMPARE(v(10, 10), 10); // inside
        QCOMPARE(v(30, 20), 0);  // beyond the hypotenuse
        QCOMPARE(v(32, 2), 10);  // the far corner: the hypotenuse crosses row 2's centres at x = 33.375
        QCOMPARE(v(33, 2), 0);
        QCOMPARE(v(4, 25), 10);
        QCOMPARE(v(4, 26), 0);
        QCOMPARE(edit->payload.maskUri, std::string());
    }

    void polygonKeepsOtherClassesOutside()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(40, 30), 5);
        QImage start = blank(QSize(40, 30));
        for (int y = 0; y < 30; ++y)
            std::fill_n(start.scanLine(y), 20, uchar(3)); // class 2 on the left half
        Payload p = maskPayload(start, job);
        p.maskUri = "masks/7.png";
        PolygonTool t;
        t.setPayload(p, c);
        QCOMPARE(countValue(t.mask(), 3), 600);
        for (QPointF q : {QPointF(10, 5), QPointF(30, 5), QPointF(30, 15), QPointF(10, 15)})
            click(t, c, q);
        QVERIFY(t.key(Qt::Key_Return, Qt::NoModifier, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Polygon (road)"));
        const mask::IndexedMask stored = storedValues(edit->payload);
        for (int y = 0; y < 30; ++y)
            for (int x = 0; x < 40; ++x) {
                const bool inside = x >= 10 && x < 30 && y >= 5 && y < 15;
                const int expected = inside ? 6 : (x < 20 ? 3 : 0);
                QCOMPARE(int(stored.pixels[size_t(y * 40 + x)]), expected);
            }
        QVERIFY(edit->payload.maskUri.empty()); // the mask is ours now: export writes it
    }

    void polygonAlreadyFilledIsNoEdit()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(40, 30), 5);
        QImage start = blank(QSize(40, 30));
        start.fill(6);
        PolygonTool t;
        t.setPayload(maskPayload(start, job), c);
        for (QPointF q : {QPointF(10, 5), QPointF(30, 5), QPointF(30, 15)})
            click(t, c, q);
        QVERIFY(t.key(Qt::Key_Return, Qt::NoModifier, c));
        QVERIFY(!t.takeEdit());
        QVERIFY(t.polygon().isEmpty());
    }

    // ---- brush ----

    void brushDiscArea_data()
    {
        QTest::addColumn<double>("radius");
        QTest::addColumn<QPointF>("where");
        QTest::newRow("r 5 on a corner") << 5.0 << QPointF(100, 100);
        QTest::newRow("r 10 on a centre") << 10.0 << QPointF(100.5, 100.5);
        QTest::newRow("r 40 anywhere") << 40.0 << QPointF(100.3, 99.8);
        QTest::newRow("r 90") << 90.0 << QPointF(100, 100);
    }

    void brushDiscArea()
    {
        QFETCH(double, radius);
        QFETCH(QPointF, where);
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(200, 200), 2);
        BrushTool t;
        t.setPayload(Payload{}, c);
        t.setRadius(radius);
        click(t, c, where);
        const double area = std::numbers::pi * radius * radius;
        const int painted = countValue(t.mask(), 3);
        QVERIFY2(std::abs(painted - area) / area < 0.04,
                 qPrintable(QStringLiteral("%1 pixels for %2").arg(painted).arg(area)));
        // A disc: everything well inside is painted, nothing beyond the radius.
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 200; ++x) {
                const double d = std::hypot(x + 0.5 - where.x(), y + 0.5 - where.y());
                if (d < radius - 0.01)
                    QCOMPARE(at(t.mask(), x, y), uchar(3));
                else if (d > radius + 0.01)
                    QCOMPARE(at(t.mask(), x, y), uchar(0));
            }
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Brush stroke (car)"));
    }

    void brushFastMoveLeavesNoGap()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(200, 100), 9);
        BrushTool t;
        t.setPayload(Payload{}, c);
        t.setRadius(3);
        press(t, c, QPointF(10, 50));
        moveTo(t, c, QPointF(190, 50)); // one event across the image
        moveTo(t, c, QPointF(190, 90)); // and a corner
        release(t, c, QPointF(190, 90));
        for (int x = 10; x < 190; ++x)
            for (int y = 48; y <= 51; ++y)
                QCOMPARE(at(t.mask(), x, y), uchar(10));
        for (int y = 50; y < 90; ++y)
            QCOMPARE(at(t.mask(), 189, y), uchar(10));
        QCOMPARE(at(t.mask(), 100, 45), uchar(0));
        QCOMPARE(at(t.mask(), 100, 54), uchar(0));
        const double capsules = 2 * 3.0 * (180 + 40) + std::numbers::pi * 9;
        QVERIFY(std::abs(countValue(t.mask(), 10) - capsules) / capsules < 0.05);
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QVERIFY(sameValues(storedValues(edit->payload), t.mask()));
    }

    void eraserClears()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40), 5);
        QImage start = blank(QSize(60, 40));
        for (int y = 0; y < 40; ++y)
            std::fill_n(start.scanLine(y), 30, uchar(y < 20 ? 3 : 10)); // two classes on the left half
        BrushTool t(BrushTool::Mode::Erase);
        QCOMPARE(t.mode(), BrushTool::Mode::Erase);
        t.setPayload(maskPayload(start, job), c);
        t.setRadius(4);
        drag(t, c, QPointF(10, 0), QPointF(10, 40)); // a vertical cut through both classes
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Erase"));
        const mask::IndexedMask stored = storedValues(edit->payload);
        QVERIFY(sameValues(stored, t.mask()));
        for (int y = 0; y < 40; ++y) {
            QCOMPARE(at(t.mask(), 8, y), uchar(0));
            QCOMPARE(at(t.mask(), 11, y), uchar(0));
            QCOMPARE(at(t.mask(), 20, y), uchar(y < 20 ? 3 : 10));
            QCOMPARE(at(t.mask(), 2, y), uchar(y < 20 ? 3 : 10));
        }
        t.setMode(BrushTool::Mode::Paint);
        click(t, c, QPointF(45, 20));
        edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Brush stroke (road)"));
        QCOMPARE(at(t.mask(), 45, 20), uchar(6));
    }

    void brushRadius()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40));
        BrushTool t;
        QCOMPARE(t.radius(), BrushTool::kDefaultRadius);
        QVERIFY(t.key(Qt::Key_BracketRight, Qt::NoModifier, c));
        QCOMPARE(t.radius(), 12.5);
        QVERIFY(t.key(Qt::Key_BracketLeft, Qt::NoModifier, c));
        QVERIFY(t.key(Qt::Key_BracketLeft, Qt::NoModifier, c));
        QCOMPARE(t.radius(), 8.0);
        t.adjustRadius(2);
        QCOMPARE(t.radius(), 12.5);
        t.setRadius(0.2);
        QCOMPARE(t.radius(), 1.0);
        t.setRadius(1000);
        QCOMPARE(t.radius(), 500.0);
        t.adjustRadius(1);
        QCOMPARE(t.radius(), 500.0);
        t.adjustRadius(-100);
        QCOMPARE(t.radius(), 1.0);
        QVERIFY(!t.key(Qt::Key_A, Qt::NoModifier, c));
        QVERIFY(!t.takeEdit());
    }

    void brushNoOpStrokeIsNoEdit()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40), 5);
        BrushTool t;
        t.setPayload(Payload{}, c);
        drag(t, c, QPointF(20, 20), QPointF(30, 20));
        QVERIFY(t.takeEdit());
        drag(t, c, QPointF(20, 20), QPointF(30, 20)); // the same class over itself
        QVERIFY(!t.takeEdit());
        drag(t, c, QPointF(-50, -50), QPointF(-20, -30)); // outside the image
        QVERIFY(!t.takeEdit());
        t.setMode(BrushTool::Mode::Erase);
        drag(t, c, QPointF(50, 5), QPointF(55, 5)); // erasing background
        QVERIFY(!t.takeEdit());
        t.setMode(BrushTool::Mode::Paint);
        drag(t, c, QPointF(50, 5), QPointF(55, 5));
        QVERIFY(t.takeEdit());
        const ToolContext noClass = context(job, QSize(60, 40), -1); // would paint background
        drag(t, noClass, QPointF(52, 5), QPointF(52, 30));
        QVERIFY(!t.takeEdit());
        QCOMPARE(at(t.mask(), 52, 5), uchar(6));
    }

    void brushWorksBeforeAnyPayload()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40), 2);
        BrushTool t;
        click(t, c, QPointF(30, 20));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(t.mask().size(), QSize(60, 40));
        QCOMPARE(at(t.mask(), 30, 20), uchar(3));
        QVERIFY(sameValues(storedValues(edit->payload), t.mask()));
    }

    void brushEscapeCancelsStroke()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40), 5);
        BrushTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(!t.key(Qt::Key_Escape, Qt::NoModifier, c));
        press(t, c, QPointF(20, 20));
        moveTo(t, c, QPointF(40, 20));
        QVERIFY(t.stroking());
        QVERIFY(countValue(t.mask(), 6) > 0); // the preview includes the stroke
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c));
        QVERIFY(!t.stroking());
        QCOMPARE(countValue(t.mask(), 0), 2400);
        moveTo(t, c, QPointF(50, 30));
        release(t, c, QPointF(50, 30));
        QVERIFY(!t.takeEdit());
        QCOMPARE(countValue(t.mask(), 0), 2400);
    }

    void brushCursorFollowsPointer()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(60, 40), 5);
        BrushTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(!t.cursor());
        QVERIFY(moveTo(t, c, QPointF(12.5, 7.25)));
        QCOMPARE(t.cursor().value_or(QPointF()), QPointF(12.5, 7.25));
        QVERIFY(!t.takeEdit()); // hovering paints nothing
        QCOMPARE(countValue(t.mask(), 0), 2400);
    }

    void brushPayloadDecodesToStoredValues()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(64, 48), 9);
        BrushTool t;
        Payload start;
        start.maskUri = "s3://bucket/masks/1.png";
        t.setPayload(start, c);
        drag(t, c, QPointF(10, 10), QPointF(40, 30));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        const mask::IndexedMask stored = storedValues(edit->payload);
        QCOMPARE(stored.width, 64);
        QCOMPARE(stored.height, 48);
        QVERIFY(sameValues(stored, t.mask()));
        QCOMPARE(stored.pixels[size_t(20 * 64 + 25)], uint8_t(10));
        QVERIFY(edit->payload.maskUri.empty());
        // The PNG's palette carries the class colours at id + 1, as the store keeps masks.
        QImage png;
        QVERIFY(png.loadFromData(reinterpret_cast<const uchar *>(edit->payload.mask.data()),
                                 int(edit->payload.mask.size())));
        QCOMPARE(png.format(), QImage::Format_Indexed8);
        QCOMPARE(png.color(10), qRgb(0, 0, 255));
        // Undo/redo hands the payload back: the tool shows exactly what it stored.
        t.setPayload(edit->payload, c);
        QVERIFY(sameValues(stored, t.mask()));
        t.setPayload(Payload{}, c);
        QCOMPARE(countValue(t.mask(), 0), 64 * 48);
    }

    void brushPaintsInPlaceOnLargeMasks()
    {
        // A stroke copies the mask once (for Escape) and then writes in place: no copy of a 12-megapixel
        // mask per mouse move. Checked by where the pixels live, not by timing (timings are benchmarks).
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const ToolContext c = context(job, QSize(4000, 3000), 5);
        BrushTool t;
        t.setPayload(Payload{}, c);
        t.setRadius(20);
        press(t, c, QPointF(100, 100));
        const QImage before = t.mask(); // shares the stroke's copy; must not see the stroke
        moveTo(t, c, QPointF(101.5, 101));
        const uchar *bits = t.mask().constBits();
        for (int i = 2; i <= 2000; ++i)
            moveTo(t, c, QPointF(100 + i * 1.5, 100 + i));
        QCOMPARE(t.mask().constBits(), bits);
        release(t, c, QPointF(3100, 2100));
        QVERIFY(t.takeEdit());
        QCOMPARE(at(t.mask(), 1600, 1100), uchar(6));
        QCOMPARE(at(before, 1600, 1100), uchar(0));
    }
};

QTEST_GUILESS_MAIN(TestMaskTools)
#include "tst_masktools.moc"
