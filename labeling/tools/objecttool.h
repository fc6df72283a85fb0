#pragma once

// The object tool of instance segmentation: objects are drawn as polygons or boxes, or painted with a brush;
// selected, moved, nudged, deleted, given another class, brought forward or sent back. One tool in several modes,
// so that the selection stays when the mode changes (draw an object, then paint onto it). Each finished gesture
// is one edit of the item's objects; an assist's result (GrabCut, the wand, ...) arrives as a proposal that Enter
// accepts as a new object, or, with an object selected and Shift held, adds to it.

#include "datasets/mask.h"
#include "labeling/tools/tool.h"

#include <optional>

namespace gw::labeling {

class ObjectTool : public Tool
{
public:
    enum class Mode {
        Polygon, ///< click vertices; click the first (or double-click, or Enter) to close: a new object
        Box,     ///< drag a box: a new rectangular object
        Select,  ///< click an object to select it, drag to move it; Delete, Tab, arrows, Page Up/Down
        Brush,   ///< paint onto the selected object (none selected: a new painted object)
        Eraser,  ///< clear pixels of the selected object (none selected: of the object under the pointer)
    };
    static constexpr double kVertexScreenPx = 6;
    static constexpr double kMinBoxScreenPx = 3;
    static constexpr double kMinRadius = 1, kMaxRadius = 500, kDefaultRadius = 10, kRadiusStep = 1.25;

    Mode mode() const { return m_mode; }
    /// Drops a polygon or box in progress.
    void setMode(Mode mode);

    void setPayload(const datasets::Payload &current, const ToolContext &ctx) override;
    bool pointer(const PointerEvent &event, const ToolContext &ctx) override;
    bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;
    bool pointerLeft() override { return std::exchange(m_cursor, std::nullopt).has_value(); }
    bool usesBackspace() const override { return !m_polygon.isEmpty() || m_selected >= 0; }
    bool usesEnter() const override { return !m_polygon.isEmpty() || !m_proposal.isNull(); }
    bool wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;
    /// Page Up / Page Down reorder the selected object.
    bool wantsKey(int key) const override;
    const datasets::Payload *liveLabel() const override { return &m_live; }
    ToolPreview preview(const ToolContext &ctx) const override;

    /// The selected object's index in the label, -1 when none.
    int selected() const { return m_selected; }
    /// Selects an object (-1 or out of range: none). Ignored while a gesture is in progress.
    void select(int index);
    /// Gives the selected object another class (an edit); false when nothing changed.
    bool setSelectedClass(int classId);
    /// The topmost object whose pixels hold pos, -1 when none.
    int objectAt(QPointF pos) const;

    double radius() const { return m_radius; }
    void setRadius(double radius);
    void adjustRadius(int steps);

    /// An assist's result to show until Enter accepts it or Escape drops it (Format_Grayscale8 of the image's
    /// size, non-zero inside); a null image drops the proposal.
    void setProposal(const QImage &mask, int classId);
    const QImage &proposal() const { return m_proposal; }
    /// Accepts the proposal: a new object of its class, or, when add is set and an object is selected, its
    /// pixels joined to that object. True when an edit was made.
    bool acceptProposal(bool add, const ToolContext &ctx);

private:
    bool press(const PointerEvent &event, const ToolContext &ctx);
    bool move(QPointF pos, const ToolContext &ctx);
    bool release(const ToolContext &ctx);
    bool closePolygon(const ToolContext &ctx);
    void addObject(datasets::Instance object, const QString &text);
    void commit(const QString &text);
    bool cancel();
    void moveSelected(QPointF delta);
    void paintStroke(QPointF a, QPointF b);
    void endStroke();
    bool reorder(int by);

    Mode m_mode = Mode::Polygon;
    datasets::Payload m_committed; ///< the label as of the last edit
    datasets::Payload m_live;      ///< as shown: with a move or stroke in progress
    QSize m_imageSize;
    int64_t m_itemId = -1;
    int m_selected = -1;
    QPolygonF m_polygon;
    std::optional<QPointF> m_cursor;
    std::optional<QRectF> m_rubberBand;
    QPointF m_pressPos;
    bool m_dragging = false, m_moved = false;
    datasets::Instance m_startObject; ///< the moved object as it was at the press
    bool m_stroking = false;
    datasets::mask::IndexedMask m_stroke; ///< the painted object's pixels during a stroke
    QPointF m_last;
    int64_t m_strokeChanged = 0;
    bool m_strokeNew = false;
    double m_radius = kDefaultRadius;
    QImage m_proposal;
    int m_proposalClass = -1;
};

} // namespace gw::labeling
