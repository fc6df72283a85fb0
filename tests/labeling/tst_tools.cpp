// The labeling tools without a window: boxes, polygons and the brush driven by pointer and key events in
// image coordinates, checked through their previews and the payloads of the edits they hand out.

#include "datasets/mask.h"
#include "labeling/tools/boxtool.h"
#include "labeling/tools/brushtool.h"
#include "labeling/tools/maskimage.h"
#include "labeling/tools/polygontool.h"

#include <QBuffer>
#include <QTest>

#include <cmath>
#include <numbers>

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;

Q_DECLARE_METATYPE(BoxTool::Handle)

namespace {

using Type = PointerEvent::Type;

/// Class ids differ from positions on purpose: masks store id + 1, never position + 1.
Job makeJob(TaskType type)
{
    Job j;
    j.id = 1;
    j.name = "job";
    j.type = type;
    j.classes = {
        {5, "road", "#ff0000", "1", {}}, {2, "car", "#00ff00", "2", {}}, {9, "sky", "#0000ff", "3", {}}};
    return j;
}

ToolContext context(const Job &job, QSize size, int classId = 5, double viewScale = 1.0)
{
    ToolContext c;
    c.job = &job;
    c.imageSize = size;
    c.currentClassId = classId;
    c.viewScale = viewScale;
    return c;
}

PointerEvent pointerEvent(Type type, QPointF pos, Qt::MouseButton button = Qt::LeftButton)
{
    PointerEvent e;
    e.type = type;
    e.pos = pos;
    e.button = type == Type::Move ? Qt::NoButton : button;
    e.buttons = type == Type::Release ? Qt::NoButton : Qt::MouseButtons(button);
    return e;
}

bool press(Tool &t, const ToolContext &c, QPointF p, Qt::MouseButton b = Qt::LeftButton)
{
    return t.pointer(pointerEvent(Type::Press, p, b), c);
}

bool moveTo(Tool &t, const ToolContext &c, QPointF p)
{
    return t.pointer(pointerEvent(Type::Move, p), c);
}

bool release(Tool &t, const ToolContext &c, QPointF p, Qt::MouseButton b = Qt::LeftButton)
{
    return t.pointer(pointerEvent(Type::Release, p, b), c);
}

void click(Tool &t, const ToolContext &c, QPointF p)
{
    press(t, c, p);
    release(t, c, p);
}

void drag(Tool &t, const ToolContext &c, QPointF from, QPointF to)
{
    press(t, c, from);
    moveTo(t, c, (from + to) / 2);
    moveTo(t, c, to);
    release(t, c, to);
}

Box box(QRectF r, int classId = 5, std::optional<double> confidence = std::nullopt)
{
    return Box{classId, r.x(), r.y(), r.width(), r.height(), confidence};
}

QRectF rect(const Box &b)
{
    return QRectF(b.left, b.top, b.width, b.height);
}

Payload boxPayload(std::initializer_list<QRectF> rects)
{
    Payload p;
    for (const QRectF &r : rects)
        p.boxes.push_back(box(r));
    return p;
}

QPointF centre(const QRectF &r)
{
    return r.center();
}

/// An Indexed8 mask of a size, all background.
QImage blank(QSize size)
{
    QImage m(size, QImage::Format_Indexed8);
    m.setColorTable(maskColorTable(nullptr));
    m.fill(0);
    return m;
}

int countValue(const QImage &mask, uchar value)
{
    int n = 0;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *line = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            n += line[x] == value;
    }
    return n;
}

uchar at(const QImage &mask, int x, int y)
{
    return mask.constScanLine(y)[x];
}

/// The stored values of a payload's mask, decoded the way the store and the exporter read it.
mask::IndexedMask storedValues(const Payload &p)
{
    auto m = mask::decode(p.mask);
    if (!m)
        qFatal("mask does not decode: %s", m.error().message.c_str());
    return *m;
}

bool sameValues(const mask::IndexedMask &m, const QImage &img)
{
    if (m.width != img.width() || m.height != img.height())
        return false;
    for (int y = 0; y < m.height; ++y)
        if (!std::equal(m.pixels.begin() + long(y) * m.width, m.pixels.begin() + long(y + 1) * m.width,
                        img.constScanLine(y)))
            return false;
    return true;
}

Payload maskPayload(const QImage &img, const Job &job)
{
    Payload p;
    p.mask = encodeMask(img, job);
    return p;
}

} // namespace

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

QTEST_GUILESS_MAIN(TestTools)
#include "tst_tools.moc"
