#include "labeling/tools/brushtool.h"

#include "labeling/tools/maskimage.h"

#include <algorithm>
#include <cmath>

namespace gw::labeling {

void BrushTool::setRadius(double radius)
{
    m_radius = std::clamp(radius, kMinRadius, kMaxRadius);
}

void BrushTool::adjustRadius(int steps)
{
    setRadius(m_radius * std::pow(kRadiusStep, steps));
}

bool BrushTool::wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &)
{
    if (!(modifiers & Qt::ControlModifier))
        return false;
    adjustRadius(steps);
    return true;
}

ToolPreview BrushTool::preview(const ToolContext &) const
{
    ToolPreview p;
    if (m_cursor)
        p.shapes.push_back(brushOutline(*m_cursor, m_radius));
    return p;
}

void BrushTool::setPayload(const datasets::Payload &current, const ToolContext &ctx)
{
    cancelStroke();
    syncMask(m_mask, m_payload.mask, current, ctx.imageSize, ctx.job);
    m_payload = current;
}

bool BrushTool::pointer(const PointerEvent &event, const ToolContext &ctx)
{
    m_cursor = event.pos;
    switch (event.type) {
    case PointerEvent::Type::Press:
    case PointerEvent::Type::DoubleClick: // quick successive dabs arrive as a double-click
        if (event.button == Qt::LeftButton && !m_stroking)
            beginStroke(event.pos, ctx);
        return true;
    case PointerEvent::Type::Move:
        if (m_stroking) {
            m_changed += paintSegment(m_last, event.pos);
            m_last = event.pos;
        }
        return true; // the outline follows the pointer
    case PointerEvent::Type::Release:
        if (event.button == Qt::LeftButton && m_stroking)
            endStroke(ctx);
        return true;
    }
    return false;
}

bool BrushTool::key(int key, Qt::KeyboardModifiers, const ToolContext &)
{
    switch (key) {
    case Qt::Key_BracketLeft: adjustRadius(-1); return true;
    case Qt::Key_BracketRight: adjustRadius(1); return true;
    case Qt::Key_Escape:
        if (!m_stroking)
            return false;
        cancelStroke();
        return true;
    default: return false;
    }
}

void BrushTool::beginStroke(QPointF pos, const ToolContext &ctx)
{
    const int value = m_mode == Mode::Erase ? 0 : ctx.currentClassId + 1;
    if (m_mode == Mode::Paint && (value < 1 || value > 255))
        return; // a mask pixel cannot hold this class
    if (m_mask.isNull() || (ctx.imageSize.isValid() && m_mask.size() != ctx.imageSize))
        m_mask = decodeMask(m_payload, ctx.imageSize, ctx.job);
    // A shallow copy: the mask's first write copies it once, later writes of the stroke go in place.
    m_before = m_mask;
    m_value = uchar(value);
    m_strokeClass = ctx.currentClassId;
    m_stroking = true;
    m_changed = paintSegment(pos, pos);
    m_last = pos;
}

void BrushTool::endStroke(const ToolContext &ctx)
{
    m_stroking = false;
    m_before = QImage();
    if (m_changed == 0)
        return;
    m_payload = withMask(m_payload, m_mask, ctx.job);
    const QString text = m_value == 0
                             ? QStringLiteral("Erase")
                             : QStringLiteral("Brush stroke (%1)").arg(className(ctx.job, m_strokeClass));
    finishEdit(m_payload, text);
}

void BrushTool::cancelStroke()
{
    if (!m_stroking)
        return;
    m_mask = m_before;
    m_before = QImage();
    m_stroking = false;
    m_changed = 0;
}

int64_t BrushTool::paintSegment(QPointF a, QPointF b)
{
    const double r = m_radius, r2 = r * r;
    const QRectF bounds = QRectF(a, b).normalized().adjusted(-r, -r, r, r);
    // Pixels whose centre (x + 0.5, y + 0.5) can be within reach, clipped to the mask.
    const int x0 = std::max(0, int(std::floor(bounds.left())));
    const int x1 = std::min(m_mask.width() - 1, int(bounds.right()));
    const int y0 = std::max(0, int(std::floor(bounds.top())));
    const int y1 = std::min(m_mask.height() - 1, int(bounds.bottom()));
    const double dx = b.x() - a.x(), dy = b.y() - a.y(), length2 = dx * dx + dy * dy;
    int64_t changed = 0;
    for (int y = y0; y <= y1; ++y) {
        uchar *line = m_mask.scanLine(y);
        const double vy = y + 0.5 - a.y();
        for (int x = x0; x <= x1; ++x) {
            const double vx = x + 0.5 - a.x();
            // Distance to the segment: project onto it, clamped to its ends (a capsule, a disc when a == b).
            const double t = length2 > 0 ? std::clamp((vx * dx + vy * dy) / length2, 0.0, 1.0) : 0.0;
            const double ex = vx - t * dx, ey = vy - t * dy;
            if (ex * ex + ey * ey <= r2 && line[x] != m_value) {
                line[x] = m_value;
                ++changed;
            }
        }
    }
    return changed;
}

} // namespace gw::labeling
