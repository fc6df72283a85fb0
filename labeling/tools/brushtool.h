#pragma once

// The brush and eraser for segmentation masks: a stroke paints (or clears) a disc of a radius along the
// pointer's path straight into the working mask, and becomes one edit when the button is released.

#include "labeling/tools/tool.h"

#include <cstdint>

namespace gw::labeling {

class BrushTool : public Tool
{
public:
    enum class Mode { Paint, Erase };

    static constexpr double kMinRadius = 1, kMaxRadius = 500, kDefaultRadius = 10;
    /// One step of adjustRadius (a '[' / ']' key or a wheel notch) scales the radius by this.
    static constexpr double kRadiusStep = 1.25;

    explicit BrushTool(Mode mode = Mode::Paint) : m_mode(mode) {}

    void setPayload(const datasets::Payload &current, const ToolContext &ctx) override;
    bool pointer(const PointerEvent &event, const ToolContext &ctx) override;
    bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;

    Mode mode() const { return m_mode; }
    /// Paint with the current class or erase to background; takes effect at the next stroke.
    void setMode(Mode mode) { m_mode = mode; }
    /// The brush radius in image pixels.
    double radius() const { return m_radius; }
    /// Clamped to kMinRadius..kMaxRadius.
    void setRadius(double radius);
    /// Grows (steps > 0) or shrinks the radius by kRadiusStep per step.
    void adjustRadius(int steps);
    bool pointerLeft() override { return std::exchange(m_cursor, std::nullopt).has_value(); }
    /// The last pointer position (image coordinates), for the view's brush outline; none once it left.
    std::optional<QPointF> cursor() const { return m_cursor; }
    /// The working mask including the stroke in progress (Format_Indexed8, stored values).
    const QImage &mask() const { return m_mask; }
    const QImage *liveMask() const override { return &m_mask; }
    /// Ctrl + wheel sizes the brush.
    bool wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;
    ToolPreview preview(const ToolContext &ctx) const override;
    bool stroking() const { return m_stroking; }

private:
    void beginStroke(QPointF pos, const ToolContext &ctx);
    void endStroke(const ToolContext &ctx);
    void cancelStroke();
    /// Sets every pixel whose centre is within the radius of the segment a–b; returns how many changed.
    int64_t paintSegment(QPointF a, QPointF b);

    Mode m_mode;
    double m_radius = kDefaultRadius;
    std::optional<QPointF> m_cursor;
    datasets::Payload m_payload; ///< the label as of the last edit
    QImage m_mask;
    QImage m_before; ///< the mask at the stroke's start, for Escape
    bool m_stroking = false;
    uchar m_value = 0;
    int m_strokeClass = 0;
    QPointF m_last;
    int64_t m_changed = 0;
};

} // namespace gw::labeling
