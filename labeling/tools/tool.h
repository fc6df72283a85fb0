#pragma once

// Labeling tools as small widget-free state machines (after Tiled's AbstractTool): they take pointer and key
// events in image coordinates, expose preview geometry for the view to paint, and hand out exactly one new
// payload when an edit is finished. The view (ui/) paints; the session (labeling/) turns the payload into an
// undo command that is committed to the store. Unit-tested without a window.

#include "datasets/types.h"

#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>

#include <optional>
#include <vector>

namespace gw::labeling {

/// A pointer event in image coordinates (pixels, origin at the image's top-left corner).
struct PointerEvent
{
    enum class Type { Press, Move, Release, DoubleClick };
    Type type = Type::Move;
    QPointF pos;
    Qt::MouseButton button = Qt::NoButton;     ///< the button that changed (Press/Release/DoubleClick)
    Qt::MouseButtons buttons = Qt::NoButton;   ///< buttons held
    Qt::KeyboardModifiers modifiers = Qt::NoModifier;
};

/// What a tool needs to know about the item and the view.
struct ToolContext
{
    const datasets::Job *job = nullptr;
    QSize imageSize;           ///< the image's size in pixels (as displayed, EXIF applied)
    int currentClassId = 0;    ///< the class new shapes get
    double viewScale = 1.0;    ///< screen pixels per image pixel: hit tolerances are in screen pixels
};

/// An edit the tool finished: the item's new payload and a short description for the undo history.
struct ToolEdit
{
    datasets::Payload payload;
    QString text;
};

class Tool
{
public:
    virtual ~Tool() = default;

    /// Starts editing an item's current label (empty payload when unlabeled). Drops any unfinished edit.
    virtual void setPayload(const datasets::Payload &current, const ToolContext &ctx) = 0;
    /// Handles a pointer event; true when the preview changed (the view repaints).
    virtual bool pointer(const PointerEvent &event, const ToolContext &ctx) = 0;
    /// Handles a key (Qt::Key); true when the tool used it. Escape cancels an edit in progress.
    virtual bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) = 0;
    /// The pointer left the view: hover feedback goes (a brush outline must not stay where the mouse was).
    /// True when the preview changed.
    virtual bool pointerLeft() { return false; }
    /// Whether Backspace edits something now (a selected box, a polygon being drawn); otherwise the window's
    /// Backspace (reject a label) gets it.
    virtual bool usesBackspace() const { return false; }
    /// The finished edit, once: the caller pushes it as an undo command.
    std::optional<ToolEdit> takeEdit() { return std::exchange(m_edit, std::nullopt); }

protected:
    void finishEdit(datasets::Payload payload, QString text) { m_edit = ToolEdit{std::move(payload), std::move(text)}; }

private:
    std::optional<ToolEdit> m_edit;
};

} // namespace gw::labeling
