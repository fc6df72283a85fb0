#pragma once

// The polygon tool for segmentation: click vertices, drag them into place, close the polygon, and it is
// filled into the class mask as one edit. The open polygon is not part of the label until it is closed.

#include "labeling/tools/tool.h"

namespace gw::labeling {

/// Sets every pixel of an Indexed8 mask whose centre lies inside the polygon (even-odd rule, the polygon
/// closed from its last vertex to its first) to value; returns how many pixels changed. A centre exactly on
/// a left or top edge is inside, on a right or bottom edge outside, so polygons sharing an edge never
/// both take a pixel. Touches only the rows and columns of the polygon's bounding rect.
int fillPolygon(QImage &mask, const QPolygonF &polygon, uchar value);

class PolygonTool : public Tool
{
public:
    /// Vertices are grabbed within this many screen pixels.
    static constexpr double kVertexScreenPx = 6;

    void setPayload(const datasets::Payload &current, const ToolContext &ctx) override;
    bool pointer(const PointerEvent &event, const ToolContext &ctx) override;
    bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;

    /// The open polygon being drawn, in image coordinates (not repeating its first vertex).
    const QPolygonF &polygon() const { return m_polygon; }
    bool usesBackspace() const override { return !m_polygon.isEmpty(); }
    /// Index into polygon() of the selected vertex, -1 when none.
    int selectedVertex() const { return m_selected; }
    /// The working mask (Format_Indexed8, stored values, class colours as its colour table).
    const QImage &mask() const { return m_mask; }
    const QImage *liveMask() const override { return &m_mask; }
    bool usesEnter() const override { return !m_polygon.isEmpty(); }
    bool pointerLeft() override { return std::exchange(m_cursor, std::nullopt).has_value(); }
    ToolPreview preview(const ToolContext &ctx) const override;

private:
    bool press(QPointF pos, const ToolContext &ctx);
    bool drag(QPointF pos, const ToolContext &ctx);
    bool close(const ToolContext &ctx);
    bool removeVertex(int index);
    int vertexAt(QPointF pos, double viewScale) const;
    void endDrag();

    datasets::Payload m_payload; ///< the label as of the last edit
    QImage m_mask;
    QPolygonF m_polygon;
    int m_selected = -1;
    bool m_dragging = false;
    bool m_closeOnRelease = false; ///< pressed on the first vertex: a click closes, a drag moves it
    QPointF m_pressPos;
    std::optional<QPointF> m_cursor; ///< the pointer, for the segment from the last vertex
};

} // namespace gw::labeling
