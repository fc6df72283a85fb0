#pragma once

// The bounding-box tool: draw boxes by dragging on empty image, select, move and resize them with the
// mouse, nudge, delete and cycle with keys. Each finished gesture hands out one payload edit.

#include "labeling/tools/tool.h"

#include <optional>
#include <vector>

namespace gw::labeling {

class BoxTool : public Tool
{
public:
    /// The resize handles' size on screen; they are grabbed within this distance of their centre.
    static constexpr double kHandleScreenPx = 6;
    /// A drawn box smaller than this on screen (either side) is taken for a click and not added.
    static constexpr double kMinBoxScreenPx = 3;

    /// Handles in the order of handles(): corners and edge midpoints clockwise from the top-left.
    enum class Handle { TopLeft, Top, TopRight, Right, BottomRight, Bottom, BottomLeft, Left };

    void setPayload(const datasets::Payload &current, const ToolContext &ctx) override;
    bool pointer(const PointerEvent &event, const ToolContext &ctx) override;
    bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;

    /// The boxes as they look now, including a move or resize in progress.
    const std::vector<datasets::Box> &boxes() const { return m_boxes; }
    /// Index of the selected box in boxes(), -1 when none.
    int selected() const { return m_selected; }
    bool usesBackspace() const override { return m_selected >= 0; }
    /// The box being drawn (normalised, clamped to the image), if any.
    std::optional<QRectF> rubberBand() const { return m_rubberBand; }
    /// The 8 resize handles of a box in image coordinates, kHandleScreenPx on screen at viewScale.
    std::vector<QRectF> handles(int box, double viewScale) const;

    const datasets::Payload *liveLabel() const override;
    ToolPreview preview(const ToolContext &ctx) const override;

    /// Gives the selected box another class (an edit "Change box class"); false when nothing changed.
    bool setSelectedClass(int classId);
    /// Selects a box (-1 or out of range: none). Ignored while a gesture is in progress.
    void select(int index);

private:
    enum class Drag { None, Draw, Move, Resize };

    bool press(QPointF pos, const ToolContext &ctx);
    bool move(QPointF pos, const ToolContext &ctx);
    bool release(const ToolContext &ctx);
    std::optional<Handle> handleAt(QPointF pos, double viewScale) const;
    int boxAt(QPointF pos) const;
    QRectF drawnRect(QPointF to) const;
    datasets::Box resized(QPointF delta) const;
    bool nudge(int key, Qt::KeyboardModifiers modifiers);
    bool cycle(bool backwards);
    bool cancel();
    void commit(const QString &text);

    datasets::Payload m_payload;          ///< the label being edited (boxes as of the last edit)
    std::vector<datasets::Box> m_boxes;   ///< live boxes
    int m_selected = -1;
    QSize m_imageSize;
    Drag m_drag = Drag::None;
    QPointF m_pressPos;                   ///< where the gesture started, clamped to the image
    datasets::Box m_startBox;             ///< the moved or resized box as it was at the press
    Handle m_handle = Handle::TopLeft;
    bool m_changed = false;               ///< the gesture has changed the box
    std::optional<QRectF> m_rubberBand;
    mutable datasets::Payload m_shown; ///< liveLabel()'s: the payload with the live boxes
};

} // namespace gw::labeling
