// The labeling tools without a window: mask images and the box tool driven by pointer and key events in
// image coordinates, checked through their previews and the payloads of the edits they hand out. (Polygon and
// brush: tst_masktools.cpp.)

#include "tooltestutil.h"

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;
using namespace gw::test::tools;

Q_DECLARE_METATYPE(BoxTool::Handle)

class TestTools : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- mask images ----

    void decodeMaskWithoutMaskIsBlank()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        const QImage m = decodeMask(Payload{}, QSize(30, 20), &job);
        QCOMPARE(m.format(), QImage::Format_Indexed8);
        QCOMPARE(m.size(), QSize(30, 20));
        QCOMPARE(countValue(m, 0), 600);
        QCOMPARE(m.colorTable().size(), 256);
        QCOMPARE(m.color(5 + 1), qRgb(255, 0, 0));
        QCOMPARE(m.color(9 + 1), qRgb(0, 0, 255));
        QCOMPARE(qAlpha(m.color(0)), 0);
    }

    void encodeDecodeMaskRoundTrip()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        QImage img = blank(QSize(7, 5));
        img.scanLine(1)[2] = 6;
        img.scanLine(4)[6] = 10;
        img.scanLine(0)[0] = 3;
        const Payload p = maskPayload(img, job);
        QVERIFY(sameValues(storedValues(p), img));
        const QImage back = decodeMask(p, QSize(7, 5));
        QCOMPARE(back.format(), QImage::Format_Indexed8);
        QCOMPARE(at(back, 2, 1), uchar(6));
        QCOMPARE(at(back, 6, 4), uchar(10));
        QCOMPARE(at(back, 0, 0), uchar(3));
        QCOMPARE(countValue(back, 0), 35 - 3);
        // Without a job the colours come from the stored palette.
        QCOMPARE(back.color(2 + 1), qRgb(0, 255, 0));
        QCOMPARE(qAlpha(back.color(0)), 0);
    }

    void decodeMaskReadsOneBitPalettes()
    {
        QImage mono(5, 3, QImage::Format_Mono);
        mono.setColorTable({qRgb(0, 0, 0), qRgb(255, 0, 0)});
        mono.fill(0);
        mono.setPixel(4, 2, 1);
        QByteArray bytes;
        QBuffer buf(&bytes);
        buf.open(QIODevice::WriteOnly);
        QVERIFY(mono.save(&buf, "PNG"));
        Payload p;
        p.mask.assign(bytes.constData(), size_t(bytes.size()));
        const QImage m = decodeMask(p, QSize(5, 3));
        QCOMPARE(at(m, 4, 2), uchar(1));
        QCOMPARE(countValue(m, 0), 14);
    }

    void decodeMaskOfAnotherSizeIsCroppedOrPadded()
    {
        const Job job = makeJob(TaskType::SemanticSegmentation);
        QImage img = blank(QSize(4, 4));
        img.fill(6);
        const Payload p = maskPayload(img, job);
        const QImage larger = decodeMask(p, QSize(6, 5), &job);
        QCOMPARE(larger.size(), QSize(6, 5));
        QCOMPARE(countValue(larger, 6), 16);
        QCOMPARE(at(larger, 4, 0), uchar(0));
        const QImage smaller = decodeMask(p, QSize(2, 3), &job);
        QCOMPARE(countValue(smaller, 6), 6);
    }

    // ---- box tool ----

    void drawBox_data()
    {
        QTest::addColumn<QPointF>("from");
        QTest::addColumn<QPointF>("to");
        QTest::addColumn<QRectF>("expected");
        QTest::newRow("down-right") << QPointF(10, 20) << QPointF(50, 60) << QRectF(10, 20, 40, 40);
        QTest::newRow("up-left") << QPointF(50, 60) << QPointF(10, 20) << QRectF(10, 20, 40, 40);
        QTest::newRow("snaps to whole pixels")
            << QPointF(10.4, 20.6) << QPointF(30.2, 40.7) << QRectF(10, 21, 20, 20);
        QTest::newRow("clamped left and top") << QPointF(-15, -7) << QPointF(30, 30) << QRectF(0, 0, 30, 30);
        QTest::newRow("clamped right and bottom")
            << QPointF(70, 50) << QPointF(150, 120) << QRectF(70, 50, 30, 30);
        QTest::newRow("clamped while dragging out")
            << QPointF(90, 10) << QPointF(-40, 200) << QRectF(0, 10, 90, 70);
    }

    void drawBox()
    {
        QFETCH(QPointF, from);
        QFETCH(QPointF, to);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80), 9);
        BoxTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(press(t, c, from));
        QVERIFY(moveTo(t, c, to));
        QCOMPARE(t.rubberBand().value_or(QRectF()), expected);
        QVERIFY(!t.takeEdit());
        QVERIFY(release(t, c, to));
        QVERIFY(!t.rubberBand());
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Draw box"));
        QCOMPARE(edit->payload.boxes.size(), size_t(1));
        const Box &b = edit->payload.boxes[0];
        QCOMPARE(rect(b), expected);
        QCOMPARE(b.classId, 9);
        QVERIFY(!b.confidence);
        QCOMPARE(edit->payload.imageWidth, 100);
        QCOMPARE(edit->payload.imageHeight, 80);
        QCOMPARE(edit->payload.imageDepth, 3);
        QCOMPARE(t.selected(), 0);
        QVERIFY(!t.takeEdit()); // handed out once
    }

    void tooSmallDragMakesNoBox_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<QPointF>("delta");
        QTest::addColumn<bool>("added");
        QTest::newRow("2 px at 1x") << 1.0 << QPointF(2, 10) << false;
        QTest::newRow("2 px high at 1x") << 1.0 << QPointF(10, 2) << false;
        QTest::newRow("3 px at 1x") << 1.0 << QPointF(3, 3) << true;
        QTest::newRow("10 image px at 0.25x") << 0.25 << QPointF(10, 40) << false;
        QTest::newRow("12 image px at 0.25x") << 0.25 << QPointF(12, 12) << true;
        QTest::newRow("1 image px at 4x") << 4.0 << QPointF(1, 1) << true;
        QTest::newRow("a fraction at 8x") << 8.0 << QPointF(0.4, 5) << false;
    }

    void tooSmallDragMakesNoBox()
    {
        QFETCH(double, scale);
        QFETCH(QPointF, delta);
        QFETCH(bool, added);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80), 5, scale);
        BoxTool t;
        t.setPayload(boxPayload({QRectF(60, 60, 10, 10)}), c);
        t.select(0);
        drag(t, c, QPointF(20, 20), QPointF(20, 20) + delta);
        auto edit = t.takeEdit();
        QCOMPARE(bool(edit), added);
        QCOMPARE(t.boxes().size(), size_t(added ? 2 : 1));
        QCOMPARE(t.selected(), added ? 1 : -1); // a click on empty image deselects
    }

    void pressInsideSelectsTopmost()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(10, 10, 40, 40), QRectF(30, 30, 40, 40)}), c);
        click(t, c, QPointF(40, 40));
        QCOMPARE(t.selected(), 1);
        click(t, c, QPointF(15, 15));
        QCOMPARE(t.selected(), 0);
        QVERIFY(!t.takeEdit()); // selecting is no edit
    }

    void moveBox()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        Payload p = boxPayload({QRectF(10, 10, 20, 20), QRectF(50, 50, 10, 10)});
        p.boxes[0].confidence = 0.7;
        p.boxes[1].confidence = 0.6;
        p.imageDepth = 1;
        t.setPayload(p, c);
        press(t, c, QPointF(15, 15));
        QCOMPARE(t.selected(), 0);
        moveTo(t, c, QPointF(20, 22));
        QCOMPARE(rect(t.boxes()[0]), QRectF(15, 17, 20, 20)); // live preview
        moveTo(t, c, QPointF(25, 30));
        release(t, c, QPointF(25, 30));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Move box"));
        QCOMPARE(rect(edit->payload.boxes[0]), QRectF(20, 25, 20, 20));
        QVERIFY(!edit->payload.boxes[0].confidence);              // edited by a person now
        QVERIFY(edit->payload.boxes[1].confidence == 0.6);       // untouched
        QCOMPARE(edit->payload.imageDepth, 1);                    // kept from the incoming payload
        QCOMPARE(t.selected(), 0);
    }

    void clickOnBoxWithoutMovingIsNoEdit()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(10, 10, 20, 20)}), c);
        press(t, c, QPointF(15, 15));
        moveTo(t, c, QPointF(15.3, 14.8)); // a jitter below half a pixel
        release(t, c, QPointF(15.3, 14.8));
        QVERIFY(!t.takeEdit());
        QCOMPARE(t.selected(), 0);
        QCOMPARE(rect(t.boxes()[0]), QRectF(10, 10, 20, 20));
    }

    void moveIsClamped_data()
    {
        QTest::addColumn<QPointF>("delta");
        QTest::addColumn<QRectF>("expected");
        // A 20 x 20 box at (40, 30) in a 100 x 80 image.
        QTest::newRow("left") << QPointF(-100, 0) << QRectF(0, 30, 20, 20);
        QTest::newRow("right") << QPointF(100, 0) << QRectF(80, 30, 20, 20);
        QTest::newRow("top") << QPointF(0, -100) << QRectF(40, 0, 20, 20);
        QTest::newRow("bottom") << QPointF(0, 100) << QRectF(40, 60, 20, 20);
        QTest::newRow("bottom-right corner") << QPointF(500, 500) << QRectF(80, 60, 20, 20);
        QTest::newRow("to the edge exactly") << QPointF(40, 30) << QRectF(80, 60, 20, 20);
    }

    void moveIsClamped()
    {
        QFETCH(QPointF, delta);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(40, 30, 20, 20)}), c);
        drag(t, c, QPointF(50, 40), QPointF(50, 40) + delta);
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(rect(edit->payload.boxes[0]), expected);
    }

    void resizeByHandle_data()
    {
        QTest::addColumn<BoxTool::Handle>("handle");
        QTest::addColumn<QRectF>("expected");
        // The box (20, 20, 40, 30); each handle is dragged by (+5, +7).
        using H = BoxTool::Handle;
        QTest::newRow("top-left") << H::TopLeft << QRectF(25, 27, 35, 23);
        QTest::newRow("top") << H::Top << QRectF(20, 27, 40, 23);
        QTest::newRow("top-right") << H::TopRight << QRectF(20, 27, 45, 23);
        QTest::newRow("right") << H::Right << QRectF(20, 20, 45, 30);
        QTest::newRow("bottom-right") << H::BottomRight << QRectF(20, 20, 45, 37);
        QTest::newRow("bottom") << H::Bottom << QRectF(20, 20, 40, 37);
        QTest::newRow("bottom-left") << H::BottomLeft << QRectF(25, 20, 35, 37);
        QTest::newRow("left") << H::Left << QRectF(25, 20, 35, 30);
    }

    void resizeByHandle()
    {
        QFETCH(BoxTool::Handle, handle);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        Payload p = boxPayload({QRectF(20, 20, 40, 30)});
        p.boxes[0].confidence = 0.9;
        t.setPayload(p, c);
        t.select(0);
        const QPointF grab = centre(t.handles(0, c.viewScale)[size_t(handle)]);
        drag(t, c, grab, grab + QPointF(5, 7));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Resize box"));
        QCOMPARE(rect(edit->payload.boxes[0]), expected);
        QVERIFY(!edit->payload.boxes[0].confidence);
        QCOMPARE(t.selected(), 0);
    }

    void resizeCrossingOverNormalises_data()
    {
        QTest::addColumn<BoxTool::Handle>("handle");
        QTest::addColumn<QPointF>("to");
        QTest::addColumn<QRectF>("expected");
        // The box (20, 20, 40, 30): right edge 60, bottom 50.
        QTest::newRow("top-left past bottom-right") << BoxTool::Handle::TopLeft << QPointF(80, 70)
                                                    << QRectF(60, 50, 20, 20);
        QTest::newRow("left past right")
            << BoxTool::Handle::Left << QPointF(70, 35) << QRectF(60, 20, 10, 30);
        QTest::newRow("bottom past top")
            << BoxTool::Handle::Bottom << QPointF(40, 5) << QRectF(20, 5, 40, 15);
        QTest::newRow("bottom-right past top-left") << BoxTool::Handle::BottomRight << QPointF(10, 12)
                                                    << QRectF(10, 12, 10, 8);
    }

    void resizeCrossingOverNormalises()
    {
        QFETCH(BoxTool::Handle, handle);
        QFETCH(QPointF, to);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(20, 20, 40, 30)}), c);
        t.select(0);
        const QPointF grab = centre(t.handles(0, 1.0)[size_t(handle)]);
        press(t, c, grab);
        moveTo(t, c, to);
        QVERIFY(t.boxes()[0].width > 0 && t.boxes()[0].height > 0); // also while dragging
        release(t, c, to);
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(rect(edit->payload.boxes[0]), expected);
    }

    void resizeIsClamped_data()
    {
        QTest::addColumn<BoxTool::Handle>("handle");
        QTest::addColumn<QPointF>("to");
        QTest::addColumn<QRectF>("expected");
        using H = BoxTool::Handle;
        // The box (20, 20, 40, 30) in a 100 x 80 image.
        QTest::newRow("left edge") << H::Left << QPointF(-50, 35) << QRectF(0, 20, 60, 30);
        QTest::newRow("top edge") << H::Top << QPointF(40, -50) << QRectF(20, 0, 40, 50);
        QTest::newRow("right edge") << H::Right << QPointF(500, 35) << QRectF(20, 20, 80, 30);
        QTest::newRow("bottom edge") << H::Bottom << QPointF(40, 500) << QRectF(20, 20, 40, 60);
        QTest::newRow("top-left corner") << H::TopLeft << QPointF(-50, -50) << QRectF(0, 0, 60, 50);
        QTest::newRow("bottom-right corner") << H::BottomRight << QPointF(500, 500) << QRectF(20, 20, 80, 60);
    }

    void resizeIsClamped()
    {
        QFETCH(BoxTool::Handle, handle);
        QFETCH(QPointF, to);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(20, 20, 40, 30)}), c);
        t.select(0);
        drag(t, c, centre(t.handles(0, 1.0)[size_t(handle)]), to);
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(rect(edit->payload.boxes[0]), expected);
    }

    void resizeToNothingKeepsTheBox()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(20, 20, 40, 30)}), c);
        t.select(0);
        drag(t, c, QPointF(60, 35), QPointF(20, 35)); // the right edge onto the left one
        QVERIFY(!t.takeEdit());
        QCOMPARE(rect(t.boxes()[0]), QRectF(20, 20, 40, 30));
    }

    void handlesGeometry_data()
    {
        QTest::addColumn<double>("scale");
        QTest::newRow("1x") << 1.0;
        QTest::newRow("4x") << 4.0;
        QTest::newRow("0.5x") << 0.5;
    }

    void handlesGeometry()
    {
        QFETCH(double, scale);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80), 5, scale);
        BoxTool t;
        t.setPayload(boxPayload({QRectF(20, 20, 40, 30)}), c);
        const std::vector<QRectF> h = t.handles(0, scale);
        QCOMPARE(h.size(), size_t(8));
        const QPointF centres[] = {{20, 20}, {40, 20}, {60, 20}, {60, 35},
                                   {60, 50}, {40, 50}, {20, 50}, {20, 35}};
        for (size_t i = 0; i < 8; ++i) {
            QCOMPARE(h[i].center(), centres[i]);
            QCOMPARE(h[i].width() * scale, BoxTool::kHandleScreenPx);
            QCOMPARE(h[i].height() * scale, BoxTool::kHandleScreenPx);
        }
        QVERIFY(t.handles(1, scale).empty());
        QVERIFY(t.handles(-1, scale).empty());
    }

    void handleHitTest_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("offsetScreenPx");
        QTest::addColumn<bool>("selected");
        QTest::addColumn<bool>("resizes");
        QTest::newRow("1x, 5 px away") << 1.0 << 5.0 << true << true;
        QTest::newRow("1x, 7 px away") << 1.0 << 7.0 << true << false;
        QTest::newRow("4x, 5 px away") << 4.0 << 5.0 << true << true;
        QTest::newRow("4x, 8 px away") << 4.0 << 8.0 << true << false;
        QTest::newRow("0.5x, 5 px away") << 0.5 << 5.0 << true << true;
        QTest::newRow("0.5x, 7 px away") << 0.5 << 7.0 << true << false;
        QTest::newRow("unselected box has no handles") << 1.0 << 2.0 << false << false;
    }

    void handleHitTest()
    {
        QFETCH(double, scale);
        QFETCH(double, offsetScreenPx);
        QFETCH(bool, selected);
        QFETCH(bool, resizes);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(200, 200), 5, scale);
        BoxTool t;
        t.setPayload(boxPayload({QRectF(40, 40, 80, 60)}), c);
        if (selected)
            t.select(0);
        // Up and to the right of the top-right corner (120, 40): outside the box.
        const double d = offsetScreenPx / scale;
        const QPointF from(120 + d, 40 - d);
        drag(t, c, from, from + QPointF(20, 20));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, resizes ? QStringLiteral("Resize box") : QStringLiteral("Draw box"));
        QCOMPARE(edit->payload.boxes.size(), size_t(resizes ? 1 : 2));
        if (resizes)
            QCOMPARE(rect(edit->payload.boxes[0]), QRectF(40, 60, 100, 40));
    }

    void deleteBox_data()
    {
        QTest::addColumn<int>("key");
        QTest::newRow("Delete") << int(Qt::Key_Delete);
        QTest::newRow("Backspace") << int(Qt::Key_Backspace);
    }

    void deleteBox()
    {
        QFETCH(int, key);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(0, 0, 10, 10), QRectF(20, 20, 10, 10), QRectF(40, 40, 10, 10)}), c);
        QVERIFY(!t.key(key, Qt::NoModifier, c)); // nothing selected
        QVERIFY(!t.takeEdit());
        click(t, c, QPointF(25, 25));
        QCOMPARE(t.selected(), 1);
        QVERIFY(t.key(key, Qt::NoModifier, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Delete box"));
        QCOMPARE(edit->payload.boxes.size(), size_t(2));
        QCOMPARE(rect(edit->payload.boxes[0]), QRectF(0, 0, 10, 10));
        QCOMPARE(rect(edit->payload.boxes[1]), QRectF(40, 40, 10, 10));
        QCOMPARE(t.selected(), -1);
        QCOMPARE(t.boxes().size(), size_t(2));
    }

    void nudge_data()
    {
        QTest::addColumn<QRectF>("start");
        QTest::addColumn<int>("key");
        QTest::addColumn<bool>("shift");
        QTest::addColumn<QRectF>("expected");
        const QRectF mid(40, 30, 10, 10);
        QTest::newRow("right 1") << mid << int(Qt::Key_Right) << false << QRectF(41, 30, 10, 10);
        QTest::newRow("left 1") << mid << int(Qt::Key_Left) << false << QRectF(39, 30, 10, 10);
        QTest::newRow("up 1") << mid << int(Qt::Key_Up) << false << QRectF(40, 29, 10, 10);
        QTest::newRow("down 1") << mid << int(Qt::Key_Down) << false << QRectF(40, 31, 10, 10);
        QTest::newRow("shift+right 10") << mid << int(Qt::Key_Right) << true << QRectF(50, 30, 10, 10);
        QTest::newRow("shift+up 10") << mid << int(Qt::Key_Up) << true << QRectF(40, 20, 10, 10);
        QTest::newRow("shift+left clamped") << QRectF(3, 30, 10, 10) << int(Qt::Key_Left) << true
                                            << QRectF(0, 30, 10, 10);
        QTest::newRow("shift+down clamped") << QRectF(40, 65, 10, 10) << int(Qt::Key_Down) << true
                                            << QRectF(40, 70, 10, 10);
        QTest::newRow("shift+right clamped") << QRectF(85, 30, 10, 10) << int(Qt::Key_Right) << true
                                             << QRectF(90, 30, 10, 10);
        QTest::newRow("up clamped") << QRectF(40, 0.5, 10, 10) << int(Qt::Key_Up) << false
                                    << QRectF(40, 0, 10, 10);
    }

    void nudge()
    {
        QFETCH(QRectF, start);
        QFETCH(int, key);
        QFETCH(bool, shift);
        QFETCH(QRectF, expected);
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({start}), c);
        QVERIFY(!t.key(key, Qt::NoModifier, c)); // nothing selected: the view may use the key
        t.select(0);
        QVERIFY(t.key(key, shift ? Qt::ShiftModifier : Qt::NoModifier, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Nudge box"));
        QCOMPARE(rect(edit->payload.boxes[0]), expected);
    }

    void nudgeIsOneEditPerKeyAndNoneAtTheEdge()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(2, 10, 10, 10)}), c);
        t.select(0);
        for (double expectedLeft : {1.0, 0.0}) {
            QVERIFY(t.key(Qt::Key_Left, Qt::NoModifier, c));
            auto edit = t.takeEdit();
            QVERIFY(edit);
            QCOMPARE(edit->payload.boxes[0].left, expectedLeft);
        }
        QVERIFY(t.key(Qt::Key_Left, Qt::NoModifier, c)); // used, but the box cannot move
        QVERIFY(!t.takeEdit());
    }

    void tabCyclesSelection()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(Payload{}, c);
        QVERIFY(!t.key(Qt::Key_Tab, Qt::NoModifier, c)); // no boxes
        t.setPayload(boxPayload({QRectF(0, 0, 10, 10), QRectF(20, 20, 10, 10), QRectF(40, 40, 10, 10)}), c);
        QCOMPARE(t.selected(), -1);
        const int forward[] = {0, 1, 2, 0};
        for (int expected : forward) {
            QVERIFY(t.key(Qt::Key_Tab, Qt::NoModifier, c));
            QCOMPARE(t.selected(), expected);
        }
        QVERIFY(t.key(Qt::Key_Backtab, Qt::ShiftModifier, c));
        QCOMPARE(t.selected(), 2);
        QVERIFY(t.key(Qt::Key_Tab, Qt::ShiftModifier, c));
        QCOMPARE(t.selected(), 1);
        t.select(-1);
        QVERIFY(t.key(Qt::Key_Backtab, Qt::ShiftModifier, c));
        QCOMPARE(t.selected(), 2);
        QVERIFY(!t.takeEdit());
    }

    void escapeRestoresMove()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(10, 10, 20, 20)}), c);
        press(t, c, QPointF(15, 15));
        moveTo(t, c, QPointF(45, 35));
        QCOMPARE(rect(t.boxes()[0]), QRectF(40, 30, 20, 20));
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c));
        QCOMPARE(rect(t.boxes()[0]), QRectF(10, 10, 20, 20));
        QVERIFY(!moveTo(t, c, QPointF(50, 40))); // the gesture is over
        release(t, c, QPointF(50, 40));
        QVERIFY(!t.takeEdit());
        QCOMPARE(rect(t.boxes()[0]), QRectF(10, 10, 20, 20));
        QCOMPARE(t.selected(), 0);
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c)); // then deselects
        QCOMPARE(t.selected(), -1);
        QVERIFY(!t.key(Qt::Key_Escape, Qt::NoModifier, c)); // then is not used
    }

    void escapeCancelsResizeAndDrawing()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(10, 10, 20, 20)}), c);
        t.select(0);
        press(t, c, QPointF(30, 30));
        moveTo(t, c, QPointF(60, 60));
        QCOMPARE(rect(t.boxes()[0]), QRectF(10, 10, 50, 50));
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c));
        QCOMPARE(rect(t.boxes()[0]), QRectF(10, 10, 20, 20));
        release(t, c, QPointF(60, 60));
        press(t, c, QPointF(50, 50));
        moveTo(t, c, QPointF(70, 70));
        QVERIFY(t.rubberBand());
        QVERIFY(t.key(Qt::Key_Escape, Qt::NoModifier, c));
        QVERIFY(!t.rubberBand());
        release(t, c, QPointF(70, 70));
        QVERIFY(!t.takeEdit());
        QCOMPARE(t.boxes().size(), size_t(1));
    }

    void changeClassOfSelected()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        Payload p = boxPayload({QRectF(10, 10, 20, 20), QRectF(40, 40, 20, 20)});
        p.boxes[1].confidence = 0.8;
        t.setPayload(p, c);
        QVERIFY(!t.setSelectedClass(9)); // nothing selected
        QVERIFY(!t.takeEdit());
        t.select(1);
        QVERIFY(!t.setSelectedClass(5)); // already that class
        QVERIFY(t.setSelectedClass(9));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text, QStringLiteral("Change box class"));
        QCOMPARE(edit->payload.boxes[1].classId, 9);
        QVERIFY(!edit->payload.boxes[1].confidence);
        QCOMPARE(edit->payload.boxes[0].classId, 5);
        QCOMPARE(rect(edit->payload.boxes[1]), QRectF(40, 40, 20, 20));
    }

    void ownEditComingBackKeepsSelection()
    {
        const Job job = makeJob(TaskType::BoundingBox);
        const ToolContext c = context(job, QSize(100, 80));
        BoxTool t;
        t.setPayload(boxPayload({QRectF(10, 10, 20, 20), QRectF(40, 40, 20, 20)}), c);
        t.select(1);
        QVERIFY(t.key(Qt::Key_Right, Qt::NoModifier, c));
        auto edit = t.takeEdit();
        QVERIFY(edit);
        t.setPayload(edit->payload, c); // the view re-syncs after the commit
        QCOMPARE(t.selected(), 1);
        t.setPayload(boxPayload({QRectF(10, 10, 20, 20)}), c); // another item
        QCOMPARE(t.selected(), -1);
    }
};

QTEST_GUILESS_MAIN(TestTools)
#include "tst_tools.moc"
