#pragma once

// Labeling tools as small widget-free state machines (after Tiled's AbstractTool): they take pointer and key
// events in image coordinates, expose preview geometry for the view to paint, and hand out exactly one new
// payload when an edit is finished. The view (ui/) paints; the session (labeling/) turns the payload into an
// undo command that is committed to the store. Unit-tested without a window.

#include "datasets/result.h"
#include "datasets/types.h"

#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>

#include <any>
#include <cstdint>
#include <atomic>
#include <functional>
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
    int64_t itemId = 0;        ///< the item shown: a tool keeps work done on its image while it stays
};

/// What a tool shows over the image besides the label, in image coordinates: the canvas paints every tool's
/// preview the same way, so that a tool is added without touching the canvas.
struct ToolPreview
{
    enum class Style {
        Outline,        ///< a line in the shape's colour (an open polygon, a path along edges)
        Fill,           ///< a light fill (the area an open polygon will close over)
        Dashed,         ///< a dashed line (a box being drawn, the segment to the pointer)
        Selected,       ///< a thick line (the selected shape)
        Handle,         ///< a small filled square (resize handles)
        Vertex,         ///< a dot (a polygon's vertices)
        SelectedVertex, ///< a bigger white dot
        Cursor,         ///< a white outline (the brush, a click's reach)
    };
    struct Shape
    {
        Style style = Style::Outline;
        int classId = -1;     ///< its colour; -1: white
        QPolygonF points;     ///< a line through the points, closed when `closed`; empty: rect is the shape
        bool closed = true;
        QRectF rect;          ///< in image pixels (tools size handles and dots for ToolContext::viewScale)
        bool ellipse = false; ///< rect is an ellipse's bounds
    };
    std::vector<Shape> shapes;
    bool crosshair = false; ///< guides across the image at the pointer (placing boxes)
    /// A proposal not yet part of the label (an assist's result): Format_Grayscale8 of the image's size, non-zero
    /// inside; shown tinted in proposalClass's colour.
    QImage proposal;
    int proposalClass = -1;
    /// Thin lines over the image (superpixel boundaries): Format_Grayscale8 of the image's size, non-zero on a
    /// line.
    QImage lines;
};

/// What a job gives back: a mask (Format_Grayscale8 of the image's size) or why there is none, and what the tool
/// keeps for its next job (an assist's state: GrabCut's models, an image's superpixels).
struct ToolJobResult
{
    Result<QImage> mask;
    std::any state;
};

/// Work a tool needs done on the image's pixels that may take a while (an assist): the view runs it on a worker
/// thread with the decoded image, shows that it is busy, and hands the result back through Tool::jobDone. Escape
/// (or a new job) sets cancel.
struct ToolJob
{
    uint64_t id = 0;
    QString what; ///< what the view says while it runs ("Finding the object…")
    std::function<ToolJobResult(const QImage &image, const std::atomic_bool *cancel)> run;
};

/// An edit the tool finished: the item's new payload and a short description for the undo history.
struct ToolEdit
{
    datasets::Payload payload;
    QString text;
};

/// The preview of a polygon being drawn: a light fill of the area it will close over, its outline, the segment
/// from its last vertex to the pointer, and its vertices (the selected one bigger), in the current class's colour.
ToolPreview openPolygonPreview(const QPolygonF &polygon, int selectedVertex, const std::optional<QPointF> &cursor,
                               const ToolContext &ctx);
/// A brush's outline: a white circle of radius (image pixels) at centre.
ToolPreview::Shape brushOutline(QPointF centre, double radius);

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
    /// Whether the tool takes a key the window would otherwise have (Page Up / Page Down to reorder objects).
    virtual bool wantsKey(int key) const
    {
        (void)key;
        return false;
    }
    /// Whether Enter edits something now (closes a polygon, accepts a proposal); otherwise it is the window's.
    virtual bool usesEnter() const { return false; }
    /// A wheel turn with modifiers held (Ctrl: the brush's size, a wand's tolerance); true when the tool used it,
    /// otherwise the view zooms.
    virtual bool wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &ctx)
    {
        (void)steps, (void)modifiers, (void)ctx;
        return false;
    }
    /// The label as the tool shows it while editing (boxes being moved, objects), painted instead of the
    /// session's; nullptr when the session's label is what to show.
    virtual const datasets::Payload *liveLabel() const { return nullptr; }
    /// Segmentation: the working class mask (Format_Indexed8, stored values, class colours), painted instead of
    /// the label's mask; nullptr when the tool keeps none.
    virtual const QImage *liveMask() const { return nullptr; }
    /// What to draw over the label now.
    virtual ToolPreview preview(const ToolContext &ctx) const
    {
        (void)ctx;
        return {};
    }

    /// A job to run off the GUI thread, once (see ToolJob).
    virtual std::optional<ToolJob> takeJob() { return std::nullopt; }
    /// A job's result; false when the tool no longer waits for it (another job replaced it). The view repaints
    /// and takes any edit that follows.
    virtual bool jobDone(uint64_t id, ToolJobResult result)
    {
        (void)id, (void)result;
        return false;
    }

    /// The finished edit, once: the caller pushes it as an undo command.
    std::optional<ToolEdit> takeEdit() { return std::exchange(m_edit, std::nullopt); }

protected:
    void finishEdit(datasets::Payload payload, QString text) { m_edit = ToolEdit{std::move(payload), std::move(text)}; }

private:
    std::optional<ToolEdit> m_edit;
};

} // namespace gw::labeling
