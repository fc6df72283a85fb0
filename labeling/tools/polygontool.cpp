#include "labeling/tools/polygontool.h"

#include "labeling/tools/maskimage.h"

#include <QLineF>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gw::labeling {

namespace {

QPointF clampTo(QPointF p, QSize size)
{
    return QPointF(std::clamp(p.x(), 0.0, double(size.width())),
                   std::clamp(p.y(), 0.0, double(size.height())));
}

// Writes value into [from, to) of a row; returns how many bytes changed.
int fillSpan(uchar *line, int from, int to, uchar value)
{
    int changed = 0;
    for (int x = from; x < to; ++x)
        if (line[x] != value) {
            line[x] = value;
            ++changed;
        }
    return changed;
}

} // namespace

int fillPolygon(QImage &mask, const QPolygonF &polygon, uchar value)
{
    if (polygon.size() < 3 || mask.format() != QImage::Format_Indexed8)
        return 0;
    const QRectF bounds = polygon.boundingRect();
    // Rows whose centre (y + 0.5) is within the bounds.
    const int top = std::max(0, int(std::ceil(bounds.top() - 0.5)));
    const int bottom = std::min(mask.height() - 1, int(std::floor(bounds.bottom() - 0.5)));
    std::vector<double> crossings;
    int changed = 0;
    for (int y = top; y <= bottom; ++y) {
        const double yc = y + 0.5;
        crossings.clear();
        for (qsizetype i = 0, n = polygon.size(); i < n; ++i) {
            const QPointF &a = polygon[i], &b = polygon[(i + 1) % n];
            // Half-open in y, so a vertex on the scan line counts once and horizontal edges never.
            if ((a.y() <= yc) != (b.y() <= yc))
                crossings.push_back(a.x() + (yc - a.y()) * (b.x() - a.x()) / (b.y() - a.y()));
        }
        std::sort(crossings.begin(), crossings.end());
        uchar *line = nullptr;
        for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
            // Pixels whose centre x + 0.5 lies in [left crossing, right crossing).
            const int from = std::max(0, int(std::ceil(crossings[k] - 0.5)));
            const int to = std::min(mask.width(), int(std::ceil(crossings[k + 1] - 0.5)));
            if (from >= to)
                continue;
            if (!line)
                line = mask.scanLine(y);
            changed += fillSpan(line, from, to, value);
        }
    }
    return changed;
}

void PolygonTool::setPayload(const datasets::Payload &current, const ToolContext &ctx)
{
    syncMask(m_mask, m_payload.mask, current, ctx.imageSize, ctx.job);
    m_payload = current;
    m_polygon.clear();
    m_selected = -1;
    endDrag();
}

ToolPreview PolygonTool::preview(const ToolContext &ctx) const
{
    return openPolygonPreview(m_polygon, m_selected, m_cursor, ctx);
}

bool PolygonTool::pointer(const PointerEvent &event, const ToolContext &ctx)
{
    m_cursor = event.pos;
    switch (event.type) {
    case PointerEvent::Type::Press:
        if (event.button == Qt::RightButton) // closing with the right button, as in most annotation tools
            return m_polygon.size() >= 3 && close(ctx);
        return event.button == Qt::LeftButton && press(event.pos, ctx);
    case PointerEvent::Type::DoubleClick:
        if (event.button != Qt::LeftButton)
            return false;
        // The first click of the pair has placed the last vertex; a double-click too early is just a click.
        return m_polygon.size() >= 3 ? close(ctx) : press(event.pos, ctx);
    case PointerEvent::Type::Move: return drag(event.pos, ctx);
    case PointerEvent::Type::Release:
        if (event.button != Qt::LeftButton || !m_dragging)
            return false;
        if (m_closeOnRelease)
            return close(ctx);
        endDrag();
        return true;
    }
    return false;
}

bool PolygonTool::press(QPointF pos, const ToolContext &ctx)
{
    if (m_dragging)
        return false;
    if (const int hit = vertexAt(pos, ctx.viewScale); hit >= 0) {
        m_selected = hit;
        m_dragging = true;
        m_closeOnRelease = hit == 0 && m_polygon.size() >= 3;
        m_pressPos = pos;
        return true;
    }
    m_selected = -1;
    m_polygon << clampTo(pos, ctx.imageSize);
    return true;
}

bool PolygonTool::drag(QPointF pos, const ToolContext &ctx)
{
    if (!m_dragging)
        return false;
    if (m_closeOnRelease) {
        // A click on the first vertex closes the polygon; only a real drag moves the vertex.
        if (QLineF(m_pressPos, pos).length() <= kVertexScreenPx / ctx.viewScale)
            return false;
        m_closeOnRelease = false;
    }
    m_polygon[m_selected] = clampTo(pos, ctx.imageSize);
    return true;
}

bool PolygonTool::close(const ToolContext &ctx)
{
    const QPolygonF polygon = std::exchange(m_polygon, QPolygonF());
    m_selected = -1;
    endDrag();
    const int value = ctx.currentClassId + 1;
    if (value < 1 || value > 255)
        return true; // a mask pixel cannot hold this class
    if (m_mask.isNull() || (ctx.imageSize.isValid() && m_mask.size() != ctx.imageSize))
        m_mask = decodeMask(m_payload, ctx.imageSize, ctx.job);
    if (fillPolygon(m_mask, polygon, uchar(value)) == 0)
        return true; // nothing to record: degenerate, or already all of this class
    m_payload = withMask(m_payload, m_mask, ctx.job);
    finishEdit(m_payload, QStringLiteral("Polygon (%1)").arg(className(ctx.job, ctx.currentClassId)));
    return true;
}

bool PolygonTool::key(int key, Qt::KeyboardModifiers, const ToolContext &ctx)
{
    switch (key) {
    case Qt::Key_Return:
    case Qt::Key_Enter: return m_polygon.size() >= 3 && close(ctx);
    case Qt::Key_Delete: return removeVertex(m_selected);
    case Qt::Key_Backspace: return removeVertex(int(m_polygon.size()) - 1);
    case Qt::Key_Escape:
        if (m_polygon.isEmpty())
            return false;
        m_polygon.clear();
        m_selected = -1;
        endDrag();
        return true;
    default: return false;
    }
}

bool PolygonTool::removeVertex(int index)
{
    if (index < 0 || index >= m_polygon.size())
        return false;
    m_polygon.remove(index);
    if (m_selected == index) {
        m_selected = -1;
        endDrag();
    } else if (m_selected > index) {
        --m_selected;
    }
    return true;
}

int PolygonTool::vertexAt(QPointF pos, double viewScale) const
{
    const double tolerance = kVertexScreenPx / viewScale;
    int best = -1;
    double bestDistance = 0;
    for (int i = 0; i < m_polygon.size(); ++i) {
        const double d = QLineF(pos, m_polygon[i]).length();
        if (d <= tolerance && (best < 0 || d < bestDistance)) {
            best = i;
            bestDistance = d;
        }
    }
    return best;
}

void PolygonTool::endDrag()
{
    m_dragging = false;
    m_closeOnRelease = false;
}

} // namespace gw::labeling
