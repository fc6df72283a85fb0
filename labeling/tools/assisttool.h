#pragma once

// Assisted segmentation as a tool, for semantic and instance jobs: a few gestures ask an assist (assist.h) for a
// region, which is shown as a proposal; Enter accepts it as one edit (a new object, or the region painted with
// the current class), Escape drops it. The assists run off the GUI thread as ToolJobs.
//
//   GrabCut      drag a box around the object, or click its four extreme points (leftmost, topmost, rightmost,
//                bottommost); then drag over a missed part (left button) or a wrong part (right button) to
//                correct it
//   Wand         click a region of similar colour; the wheel widens or narrows the tolerance of the last
//                click; Shift + click adds another region
//   Superpixels  click or drag over superpixels to take them (right button: to give them back)
//   Watershed    scribble on the object (left button) and around it (right button)
//   Scissors     click points along the object's outline, the path between them follows edges; click the
//                first point to close

#include "labeling/assist/assist.h"
#include "labeling/tools/tool.h"

#include <memory>
#include <optional>

namespace gw::labeling {

class AssistTool : public Tool
{
public:
    enum class Kind { GrabCut, Wand, Superpixels, Watershed, Scissors };
    /// A press and release closer than this on screen is a click (an extreme point), not a box.
    static constexpr double kClickScreenPx = 4;
    static constexpr int kMinTolerance = 2, kMaxTolerance = 120, kDefaultTolerance = 24;

    Kind kind() const { return m_kind; }
    /// Drops the proposal and the gestures of the other kind.
    void setKind(Kind kind);

    void setPayload(const datasets::Payload &current, const ToolContext &ctx) override;
    bool pointer(const PointerEvent &event, const ToolContext &ctx) override;
    bool key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;
    bool pointerLeft() override { return std::exchange(m_cursor, std::nullopt).has_value(); }
    bool usesEnter() const override { return !m_proposal.isNull(); }
    bool wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &ctx) override;
    ToolPreview preview(const ToolContext &ctx) const override;
    std::optional<ToolJob> takeJob() override { return std::exchange(m_job, std::nullopt); }
    bool jobDone(uint64_t id, ToolJobResult result) override;

    /// The region found so far (Format_Grayscale8, non-zero inside), null when none.
    const QImage &proposal() const { return m_proposal; }
    /// Whether a job was handed out and has not come back.
    bool waiting() const { return m_waitingFor != 0; }
    /// Why the last job gave nothing (an assist's error), empty when it did.
    const QString &problem() const { return m_problem; }
    int tolerance() const { return m_tolerance; }
    /// Accepts the proposal: one edit. False when there is none.
    bool accept(const ToolContext &ctx);

private:
    enum class Pending { None, GrabCut, Wand, Superpixels, Watershed, ScissorsBuild, ScissorsAnchor };

    void ask(Pending what, QString text, std::function<ToolJobResult(const QImage &, const std::atomic_bool *)> run);
    void reset();
    bool press(const PointerEvent &event, const ToolContext &ctx);
    bool release(const PointerEvent &event, const ToolContext &ctx);
    void strokeDone(bool background, const ToolContext &ctx);
    void askWand(const ToolContext &ctx);
    void askGrabCutRefine();
    void takeSuperpixels(const assist::Stroke &stroke, bool give);
    void scissorsClick(QPoint at, const ToolContext &ctx);

    Kind m_kind = Kind::GrabCut;
    datasets::Payload m_payload;
    datasets::TaskType m_type = datasets::TaskType::InstanceSegmentation;
    QSize m_imageSize;
    int64_t m_itemId = -1;
    QImage m_proposal;
    int m_class = 0; ///< the class the proposal will get: the current class when it was asked for
    QString m_problem;
    std::optional<QPointF> m_cursor;

    // The gesture in progress.
    Qt::MouseButton m_button = Qt::NoButton;
    QPointF m_pressPos;
    QPolygonF m_stroke;
    std::optional<QRectF> m_rubberBand;

    // GrabCut: extreme points clicked so far, the last run's state and the corrections since.
    std::vector<QPoint> m_extreme;
    std::shared_ptr<const assist::GrabCutState> m_grabCut;
    std::vector<assist::Stroke> m_foreground, m_background;
    // Wand: the last click, and the proposal before it (Shift + click adds to it).
    std::optional<QPoint> m_wandAt;
    QImage m_wandBase;
    int m_tolerance = kDefaultTolerance;
    // Superpixels of this image, and those taken.
    std::shared_ptr<const assist::Superpixels> m_superpixels;
    QImage m_contours;
    std::vector<bool> m_taken;
    // Scissors: the outline's segments so far; the anchor is the last one's end.
    std::shared_ptr<assist::Scissors> m_scissors;
    std::vector<std::vector<QPoint>> m_segments;
    std::vector<QPoint> m_anchors;
    bool m_anchorReady = false;
    /// Set while a worker builds an anchor's paths in m_scissors, cleared by that worker when it ends (also when
    /// its result is no longer wanted): the object is not used from two threads at once.
    std::shared_ptr<std::atomic_bool> m_scissorsBusy = std::make_shared<std::atomic_bool>(false);

    std::optional<ToolJob> m_job;
    uint64_t m_nextId = 1, m_waitingFor = 0;
    Pending m_pending = Pending::None;
};

} // namespace gw::labeling
