#include "labeling/tools/tool.h"

namespace gw::labeling {

namespace {

/// A dot of diameter screenPx at p, in image pixels for the view's scale.
QRectF dot(QPointF p, double screenPx, double viewScale)
{
    const double side = screenPx / (viewScale > 0 ? viewScale : 1.0);
    return QRectF(p.x() - side / 2, p.y() - side / 2, side, side);
}

} // namespace

ToolPreview openPolygonPreview(const QPolygonF &polygon, int selectedVertex, const std::optional<QPointF> &cursor,
                               const ToolContext &ctx)
{
    ToolPreview p;
    if (polygon.isEmpty())
        return p;
    const int cls = ctx.currentClassId;
    if (polygon.size() > 2)
        p.shapes.push_back({ToolPreview::Style::Fill, cls, polygon, true, {}, false});
    p.shapes.push_back({ToolPreview::Style::Outline, cls, polygon, false, {}, false});
    if (cursor)
        p.shapes.push_back({ToolPreview::Style::Dashed, cls, QPolygonF{polygon.last(), *cursor}, false, {}, false});
    for (int i = 0; i < polygon.size(); ++i) {
        const bool selected = i == selectedVertex;
        p.shapes.push_back({selected ? ToolPreview::Style::SelectedVertex : ToolPreview::Style::Vertex, cls, {}, true,
                            dot(polygon[i], selected ? 10 : 8, ctx.viewScale), true});
    }
    return p;
}

ToolPreview::Shape brushOutline(QPointF centre, double radius)
{
    return {ToolPreview::Style::Cursor, -1, {}, true, QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
            true};
}

} // namespace gw::labeling
