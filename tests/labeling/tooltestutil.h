#pragma once

// What the tool tests share: a job, a tool context, pointer events in image coordinates, boxes and masks.

#include "datasets/mask.h"
#include "labeling/tools/boxtool.h"
#include "labeling/tools/brushtool.h"
#include "labeling/tools/maskimage.h"
#include "labeling/tools/polygontool.h"

#include <QBuffer>
#include <QTest>

#include <cmath>
#include <numbers>

namespace gw::test::tools {

using namespace gw::datasets;
using namespace gw::labeling;

using Type = PointerEvent::Type;

/// Class ids differ from positions on purpose: masks store id + 1, never position + 1.
inline Job makeJob(TaskType type)
{
    Job j;
    j.id = 1;
    j.name = "job";
    j.type = type;
    j.classes = {
        {5, "road", "#ff0000", "1", {}}, {2, "car", "#00ff00", "2", {}}, {9, "sky", "#0000ff", "3", {}}};
    return j;
}

inline ToolContext context(const Job &job, QSize size, int classId = 5, double viewScale = 1.0)
{
    ToolContext c;
    c.job = &job;
    c.imageSize = size;
    c.currentClassId = classId;
    c.viewScale = viewScale;
    return c;
}

inline PointerEvent pointerEvent(Type type, QPointF pos, Qt::MouseButton button = Qt::LeftButton)
{
    PointerEvent e;
    e.type = type;
    e.pos = pos;
    e.button = type == Type::Move ? Qt::NoButton : button;
    e.buttons = type == Type::Release ? Qt::NoButton : Qt::MouseButtons(button);
    return e;
}

inline bool press(Tool &t, const ToolContext &c, QPointF p, Qt::MouseButton b = Qt::LeftButton)
{
    return t.pointer(pointerEvent(Type::Press, p, b), c);
}

inline bool moveTo(Tool &t, const ToolContext &c, QPointF p)
{
    return t.pointer(pointerEvent(Type::Move, p), c);
}

inline bool release(Tool &t, const ToolContext &c, QPointF p, Qt::MouseButton b = Qt::LeftButton)
{
    return t.pointer(pointerEvent(Type::Release, p, b), c);
}

inline void click(Tool &t, const ToolContext &c, QPointF p)
{
    press(t, c, p);
    release(t, c, p);
}

inline void drag(Tool &t, const ToolContext &c, QPointF from, QPointF to)
{
    press(t, c, from);
    moveTo(t, c, (from + to) / 2);
    moveTo(t, c, to);
    release(t, c, to);
}

inline Box box(QRectF r, int classId = 5, std::optional<double> confidence = std::nullopt)
{
    return Box{classId, r.x(), r.y(), r.width(), r.height(), confidence};
}

inline QRectF rect(const Box &b)
{
    return QRectF(b.left, b.top, b.width, b.height);
}

inline Payload boxPayload(std::initializer_list<QRectF> rects)
{
    Payload p;
    for (const QRectF &r : rects)
        p.boxes.push_back(box(r));
    return p;
}

inline QPointF centre(const QRectF &r)
{
    return r.center();
}

/// An Indexed8 mask of a size, all background.
inline QImage blank(QSize size)
{
    QImage m(size, QImage::Format_Indexed8);
    m.setColorTable(maskColorTable(nullptr));
    m.fill(0);
    return m;
}

inline int countValue(const QImage &mask, uchar value)
{
    int n = 0;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *line = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            n += line[x] == value;
    }
    return n;
}

inline uchar at(const QImage &mask, int x, int y)
{
    return mask.constScanLine(y)[x];
}

/// The stored values of a payload's mask, decoded the way the store and the exporter read it.
inline mask::IndexedMask storedValues(const Payload &p)
{
    auto m = mask::decode(p.mask);
    if (!m)
        qFatal("mask does not decode: %s", m.error().message.c_str());
    return *m;
}

inline bool sameValues(const mask::IndexedMask &m, const QImage &img)
{
    if (m.width != img.width() || m.height != img.height())
        return false;
    for (int y = 0; y < m.height; ++y)
        if (!std::equal(m.pixels.begin() + long(y) * m.width, m.pixels.begin() + long(y + 1) * m.width,
                        img.constScanLine(y)))
            return false;
    return true;
}

inline Payload maskPayload(const QImage &img, const Job &job)
{
    Payload p;
    p.mask = encodeMask(img, job);
    return p;
}

} // namespace gw::test::tools
