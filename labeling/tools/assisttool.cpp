#include "labeling/tools/assisttool.h"

#include "datasets/instances.h"
#include "labeling/tools/maskimage.h"

#include <QLineF>

#include <algorithm>
#include <cmath>

namespace gw::labeling {

using datasets::TaskType;

namespace {

QPoint pixel(QPointF p)
{
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

assist::Stroke strokeOf(const QPolygonF &points, double viewScale)
{
    assist::Stroke s;
    for (const QPointF &p : points)
        s.points.push_back(pixel(p));
    // About 6 screen pixels wide, as the user sees the line.
    s.radiusPx = std::max(1, int(std::lround(3 / (viewScale > 0 ? viewScale : 1.0))));
    return s;
}

/// a ∪ b (either may be null).
QImage unite(const QImage &a, const QImage &b)
{
    if (a.isNull())
        return b;
    if (b.isNull() || a.size() != b.size())
        return a;
    QImage out = a.convertToFormat(QImage::Format_Grayscale8);
    for (int y = 0; y < out.height(); ++y) {
        uchar *o = out.scanLine(y);
        const uchar *s = b.constScanLine(y);
        for (int x = 0; x < out.width(); ++x)
            o[x] = o[x] || s[x] ? 255 : 0;
    }
    return out;
}

bool empty(const QImage &mask)
{
    for (int y = 0; y < mask.height(); ++y) {
        const uchar *row = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            if (row[x])
                return false;
    }
    return true;
}

} // namespace

void AssistTool::setKind(Kind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    reset();
}

void AssistTool::reset()
{
    m_proposal = QImage();
    m_problem.clear();
    m_button = Qt::NoButton;
    m_stroke.clear();
    m_rubberBand.reset();
    m_extreme.clear();
    m_grabCut.reset();
    m_foreground.clear();
    m_background.clear();
    m_wandAt.reset();
    m_wandBase = QImage();
    m_taken.assign(m_superpixels ? size_t(m_superpixels->count()) : 0, false);
    m_segments.clear();
    m_anchors.clear();
    m_anchorReady = false;
    m_job.reset();
    m_waitingFor = 0;
    m_pending = Pending::None;
}

void AssistTool::setPayload(const datasets::Payload &current, const ToolContext &ctx)
{
    m_payload = current;
    m_type = ctx.job ? ctx.job->type : TaskType::InstanceSegmentation;
    // Another item is another image: its superpixels and edges are worked out again. The view re-syncs the tool
    // after each edit of the same item, which keeps them.
    if (ctx.itemId != m_itemId || ctx.imageSize != m_imageSize) {
        m_superpixels.reset();
        m_contours = QImage();
        m_scissors.reset();
        m_scissorsBusy = std::make_shared<std::atomic_bool>(false); // an old worker clears the old object's flag
    }
    m_itemId = ctx.itemId;
    m_imageSize = ctx.imageSize;
    reset();
}

void AssistTool::ask(Pending what, QString text,
                     std::function<ToolJobResult(const QImage &, const std::atomic_bool *)> run)
{
    const uint64_t id = m_nextId++;
    m_job = ToolJob{id, std::move(text), std::move(run)};
    m_waitingFor = id;
    m_pending = what;
    m_problem.clear();
}

bool AssistTool::jobDone(uint64_t id, ToolJobResult result)
{
    if (id != m_waitingFor)
        return false;
    const Pending what = m_pending;
    m_waitingFor = 0;
    m_pending = Pending::None;
    if (!result.mask) {
        if (result.mask.error().code != Error::Code::Cancelled)
            m_problem = QString::fromStdString(result.mask.error().message);
        if (what == Pending::ScissorsAnchor && !m_anchors.empty()) { // that point did not take
            m_anchors.pop_back();
            if (!m_segments.empty())
                m_segments.pop_back();
            m_anchorReady = !m_anchors.empty();
        }
        return true;
    }
    switch (what) {
    case Pending::GrabCut:
        if (auto *state = std::any_cast<std::shared_ptr<const assist::GrabCutState>>(&result.state))
            m_grabCut = *state;
        m_proposal = *result.mask;
        break;
    case Pending::Wand: m_proposal = unite(m_wandBase, *result.mask); break;
    case Pending::Watershed: m_proposal = *result.mask; break;
    case Pending::Superpixels:
        if (auto *sp = std::any_cast<std::shared_ptr<const assist::Superpixels>>(&result.state)) {
            m_superpixels = *sp;
            m_contours = m_superpixels->contours();
            m_taken.assign(size_t(m_superpixels->count()), false);
        }
        break;
    case Pending::ScissorsBuild:
        if (auto *sc = std::any_cast<std::shared_ptr<assist::Scissors>>(&result.state))
            m_scissors = *sc;
        break;
    case Pending::ScissorsAnchor: m_anchorReady = true; break;
    case Pending::None: break;
    }
    if (!m_proposal.isNull() && empty(m_proposal)) {
        m_proposal = QImage();
        m_problem = QStringLiteral("Nothing found there");
    }
    return true;
}

bool AssistTool::pointer(const PointerEvent &event, const ToolContext &ctx)
{
    m_cursor = event.pos;
    switch (event.type) {
    case PointerEvent::Type::Press:
    case PointerEvent::Type::DoubleClick: return press(event, ctx);
    case PointerEvent::Type::Move:
        if (m_rubberBand) {
            m_rubberBand = QRectF(m_pressPos, event.pos).normalized().intersected(QRectF(QPointF(0, 0), QSizeF(ctx.imageSize)));
        } else if (m_button != Qt::NoButton) {
            m_stroke << event.pos;
            if (m_kind == Kind::Superpixels && m_superpixels)
                takeSuperpixels(strokeOf(QPolygonF{m_stroke[m_stroke.size() - 2], event.pos}, ctx.viewScale),
                                m_button == Qt::RightButton);
        }
        return true;
    case PointerEvent::Type::Release: return release(event, ctx);
    }
    return false;
}

bool AssistTool::press(const PointerEvent &event, const ToolContext &ctx)
{
    if (event.button != Qt::LeftButton && event.button != Qt::RightButton)
        return false;
    if (!ctx.imageSize.isValid())
        return false;
    m_button = event.button;
    m_pressPos = event.pos;
    m_stroke = QPolygonF{event.pos};
    const bool background = event.button == Qt::RightButton || (event.modifiers & Qt::AltModifier);
    switch (m_kind) {
    case Kind::GrabCut:
        // A box, or an extreme point (a click), until there is a result to correct; then strokes.
        if (!m_grabCut && !background)
            m_rubberBand = QRectF(event.pos, event.pos);
        return true;
    case Kind::Superpixels:
        if (!m_superpixels && m_pending != Pending::Superpixels) {
            ask(Pending::Superpixels, QStringLiteral("Finding superpixels…"),
                [](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
                    auto sp = assist::Superpixels::compute(image, {}, cancel);
                    if (!sp)
                        return {fail(sp.error()), {}};
                    return {QImage(), std::make_shared<const assist::Superpixels>(std::move(*sp))};
                });
            m_button = Qt::NoButton; // this press only started the work
            return true;
        }
        if (m_superpixels)
            takeSuperpixels(strokeOf(m_stroke, ctx.viewScale), background);
        return true;
    case Kind::Scissors:
        m_button = Qt::NoButton;
        scissorsClick(pixel(event.pos), ctx);
        return true;
    case Kind::Wand:
    case Kind::Watershed: return true;
    }
    return false;
}

bool AssistTool::release(const PointerEvent &event, const ToolContext &ctx)
{
    if (event.button != m_button || m_button == Qt::NoButton)
        return false;
    const bool background = m_button == Qt::RightButton || (event.modifiers & Qt::AltModifier);
    m_button = Qt::NoButton;
    const bool click = QLineF(m_pressPos, event.pos).length() * ctx.viewScale < kClickScreenPx;
    switch (m_kind) {
    case Kind::GrabCut: {
        if (m_rubberBand) {
            const QRectF r = *m_rubberBand;
            m_rubberBand.reset();
            if (click) {
                m_extreme.push_back(pixel(event.pos));
                if (m_extreme.size() < 4)
                    return true;
                const std::vector<QPoint> points = std::exchange(m_extreme, {});
                m_class = ctx.currentClassId;
                ask(Pending::GrabCut, QStringLiteral("Finding the object…"),
                    [points](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
                        auto r = assist::grabCutFromExtremePoints(image, points, {}, cancel);
                        if (!r)
                            return {fail(r.error()), {}};
                        return {r->mask, r->state};
                    });
                return true;
            }
            m_extreme.clear();
            const QRect box = r.toAlignedRect().intersected(QRect(QPoint(0, 0), ctx.imageSize));
            m_class = ctx.currentClassId;
            ask(Pending::GrabCut, QStringLiteral("Finding the object…"),
                [box](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
                    auto r = assist::grabCutFromBox(image, box, {}, cancel);
                    if (!r)
                        return {fail(r.error()), {}};
                    return {r->mask, r->state};
                });
            return true;
        }
        if (m_grabCut) {
            (background ? m_background : m_foreground).push_back(strokeOf(m_stroke, ctx.viewScale));
            askGrabCutRefine();
        }
        return true;
    }
    case Kind::Wand:
        if (!(event.modifiers & Qt::ShiftModifier))
            m_wandBase = QImage();
        else
            m_wandBase = m_proposal;
        m_wandAt = pixel(event.pos);
        m_class = ctx.currentClassId;
        askWand(ctx);
        return true;
    case Kind::Watershed:
        strokeDone(background, ctx);
        return true;
    case Kind::Superpixels:
    case Kind::Scissors: return true;
    }
    return false;
}

void AssistTool::askGrabCutRefine()
{
    auto state = m_grabCut;
    const auto foreground = m_foreground, background = m_background;
    ask(Pending::GrabCut, QStringLiteral("Correcting…"),
        [state, foreground, background](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
            auto r = assist::grabCutRefine(image, *state, foreground, background, {}, cancel);
            if (!r)
                return {fail(r.error()), {}};
            return {r->mask, r->state};
        });
}

void AssistTool::askWand(const ToolContext &)
{
    if (!m_wandAt)
        return;
    const QPoint at = *m_wandAt;
    assist::MagicWandOptions options;
    options.tolerance = m_tolerance;
    ask(Pending::Wand, QStringLiteral("Filling…"),
        [at, options](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
            auto r = assist::magicWand(image, at, options, cancel);
            if (!r)
                return {fail(r.error()), {}};
            return {*r, {}};
        });
}

void AssistTool::strokeDone(bool background, const ToolContext &ctx)
{
    (background ? m_background : m_foreground).push_back(strokeOf(m_stroke, ctx.viewScale));
    if (m_foreground.empty())
        return; // the object's scribble first
    m_class = ctx.currentClassId;
    const auto foreground = m_foreground, bg = m_background;
    ask(Pending::Watershed, QStringLiteral("Flooding from the scribbles…"),
        [foreground, bg](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
            auto r = assist::watershedForeground(image, foreground, bg, {}, cancel);
            if (!r)
                return {fail(r.error()), {}};
            return {*r, {}};
        });
}

void AssistTool::takeSuperpixels(const assist::Stroke &stroke, bool give)
{
    bool changed = false;
    for (int label : m_superpixels->labelsAlong(stroke))
        if (label >= 0 && size_t(label) < m_taken.size() && m_taken[size_t(label)] == give) {
            m_taken[size_t(label)] = !give;
            changed = true;
        }
    if (!changed)
        return;
    std::vector<int> labels;
    for (size_t i = 0; i < m_taken.size(); ++i)
        if (m_taken[i])
            labels.push_back(int(i));
    m_proposal = labels.empty() ? QImage() : m_superpixels->maskOf(labels);
}

void AssistTool::scissorsClick(QPoint at, const ToolContext &ctx)
{
    if (m_pending != Pending::None || m_scissorsBusy->load())
        return; // the last point is still being worked out (or an abandoned one still runs)
    if (!m_scissors) {
        ask(Pending::ScissorsBuild, QStringLiteral("Finding edges…"),
            [](const QImage &image, const std::atomic_bool *cancel) -> ToolJobResult {
                auto s = assist::Scissors::build(image, {}, cancel);
                if (!s)
                    return {fail(s.error()), {}};
                return {QImage(), std::make_shared<assist::Scissors>(std::move(*s))};
            });
        return;
    }
    m_class = ctx.currentClassId;
    if (!m_anchors.empty() && m_anchorReady) {
        const bool closing = m_anchors.size() >= 3
                             && QLineF(QPointF(m_anchors.front()), QPointF(at)).length() * ctx.viewScale <= 6;
        const QPoint to = closing ? m_anchors.front() : at;
        m_segments.push_back(m_scissors->pathTo(to));
        if (closing) {
            m_proposal = assist::maskFromPaths(m_segments, ctx.imageSize);
            m_segments.clear();
            m_anchors.clear();
            m_anchorReady = false;
            return;
        }
    }
    m_anchors.push_back(at);
    m_anchorReady = false;
    auto scissors = m_scissors;
    auto busy = m_scissorsBusy;
    busy->store(true);
    ask(Pending::ScissorsAnchor, QStringLiteral("Following edges from this point…"),
        [scissors, busy, at](const QImage &, const std::atomic_bool *cancel) -> ToolJobResult {
            auto r = scissors->setAnchor(at, cancel);
            busy->store(false);
            if (!r)
                return {fail(r.error()), {}};
            return {QImage(), {}};
        });
}

bool AssistTool::wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &ctx)
{
    // The wand's tolerance follows the wheel while its region is shown; otherwise the view zooms.
    if (m_kind != Kind::Wand || !m_wandAt || (modifiers & Qt::ControlModifier) || steps == 0)
        return false;
    m_tolerance = std::clamp(m_tolerance + 4 * steps, kMinTolerance, kMaxTolerance);
    askWand(ctx);
    return true;
}

bool AssistTool::accept(const ToolContext &ctx)
{
    if (m_proposal.isNull() || !ctx.job)
        return false;
    const QImage mask = m_proposal.convertToFormat(QImage::Format_Grayscale8);
    const QString what = m_kind == Kind::GrabCut        ? QStringLiteral("GrabCut")
                         : m_kind == Kind::Wand         ? QStringLiteral("magic wand")
                         : m_kind == Kind::Superpixels  ? QStringLiteral("superpixels")
                         : m_kind == Kind::Watershed    ? QStringLiteral("watershed")
                                                        : QStringLiteral("scissors");
    datasets::Payload p = m_payload;
    if (m_type == TaskType::InstanceSegmentation) {
        datasets::mask::IndexedMask own{mask.width(), mask.height(),
                                        std::vector<uint8_t>(size_t(mask.width()) * size_t(mask.height()), 0)};
        for (int y = 0; y < mask.height(); ++y) {
            const uchar *row = mask.constScanLine(y);
            for (int x = 0; x < mask.width(); ++x)
                own.pixels[size_t(y) * size_t(mask.width()) + size_t(x)] = row[x] ? 1 : 0;
        }
        p.instances.push_back(datasets::instances::fromBinary(own, m_class));
        p.imageWidth = mask.width();
        p.imageHeight = mask.height();
        p.imageDepth = p.imageDepth > 0 ? p.imageDepth : 3;
        reset();
        finishEdit(p, QStringLiteral("Add %1 (%2)").arg(className(ctx.job, m_class), what));
        return true;
    }
    // Semantic: the region painted with the class over what is there.
    QImage classes = decodeMask(m_payload, ctx.imageSize, ctx.job);
    const uchar value = uchar(std::clamp(m_class + 1, 0, 255));
    for (int y = 0; y < classes.height() && y < mask.height(); ++y) {
        const uchar *row = mask.constScanLine(y);
        uchar *out = classes.scanLine(y);
        for (int x = 0; x < classes.width() && x < mask.width(); ++x)
            if (row[x])
                out[x] = value;
    }
    const int cls = m_class;
    reset();
    finishEdit(withMask(p, classes, ctx.job), QStringLiteral("Paint %1 (%2)").arg(className(ctx.job, cls), what));
    return true;
}

bool AssistTool::key(int key, Qt::KeyboardModifiers, const ToolContext &ctx)
{
    switch (key) {
    case Qt::Key_Return:
    case Qt::Key_Enter: return accept(ctx);
    case Qt::Key_Escape: {
        const bool any = !m_proposal.isNull() || m_rubberBand || !m_extreme.empty() || !m_anchors.empty()
                         || m_waitingFor != 0 || !m_foreground.empty() || !m_background.empty();
        reset();
        return any;
    }
    case Qt::Key_BracketLeft:
    case Qt::Key_BracketRight:
        if (m_kind != Kind::Wand || !m_wandAt)
            return false;
        return wheel(key == Qt::Key_BracketRight ? 1 : -1, Qt::NoModifier, ctx);
    default: return false;
    }
}

ToolPreview AssistTool::preview(const ToolContext &ctx) const
{
    ToolPreview p;
    p.proposal = m_proposal;
    p.proposalClass = m_class;
    if (m_kind == Kind::Superpixels)
        p.lines = m_contours;
    if (m_rubberBand)
        p.shapes.push_back({ToolPreview::Style::Dashed, ctx.currentClassId, {}, true, *m_rubberBand, false});
    auto dot = [&](QPointF at, ToolPreview::Style style) {
        const double side = 8 / (ctx.viewScale > 0 ? ctx.viewScale : 1.0);
        p.shapes.push_back({style, ctx.currentClassId, {}, true, QRectF(at.x() + 0.5 - side / 2, at.y() + 0.5 - side / 2, side, side), true});
    };
    for (const QPoint &e : m_extreme)
        dot(e, ToolPreview::Style::Vertex);
    if (m_button != Qt::NoButton && m_stroke.size() > 1 && !m_rubberBand)
        p.shapes.push_back({ToolPreview::Style::Outline, m_button == Qt::RightButton ? -1 : ctx.currentClassId, m_stroke,
                            false, {}, false});
    // GrabCut's corrections and the watershed's scribbles stay visible: they are the input of what is shown.
    for (const auto *list : {&m_foreground, &m_background})
        for (const assist::Stroke &s : *list) {
            QPolygonF line;
            for (const QPoint &q : s.points)
                line << QPointF(q) + QPointF(0.5, 0.5);
            p.shapes.push_back({ToolPreview::Style::Outline, list == &m_foreground ? ctx.currentClassId : -1, line,
                                false, {}, false});
            if (line.size() == 1)
                dot(s.points.front(), ToolPreview::Style::Vertex);
        }
    // The outline in white: it runs along edges, often over objects of the class's colour.
    for (const auto &segment : m_segments) {
        QPolygonF line;
        for (const QPoint &q : segment)
            line << QPointF(q) + QPointF(0.5, 0.5);
        p.shapes.push_back({ToolPreview::Style::Outline, -1, line, false, {}, false});
    }
    if (m_kind == Kind::Scissors && m_anchorReady && m_scissors && m_cursor && m_pending == Pending::None
        && !m_scissorsBusy->load()) {
        QPolygonF line;
        for (const QPoint &q : m_scissors->pathTo(pixel(*m_cursor)))
            line << QPointF(q) + QPointF(0.5, 0.5);
        p.shapes.push_back({ToolPreview::Style::Dashed, -1, line, false, {}, false});
    }
    for (const QPoint &a : m_anchors)
        dot(a, ToolPreview::Style::Vertex);
    return p;
}

} // namespace gw::labeling
