#include "labeling/tools/boxtool.h"

#include <algorithm>
#include <cmath>

namespace gw::labeling {

using datasets::Box;

namespace {

// Box coordinates snap to whole image pixels (Ground Truth writes integers); a box that came in with
// fractions keeps them when moved, as moves and resizes apply whole-pixel deltas.
double snap(double v)
{
    return std::round(v);
}

QPointF clampTo(QPointF p, QSize size)
{
    return QPointF(std::clamp(p.x(), 0.0, double(size.width())),
                   std::clamp(p.y(), 0.0, double(size.height())));
}

bool sameBox(const Box &a, const Box &b)
{
    return a.classId == b.classId && a.left == b.left && a.top == b.top && a.width == b.width
           && a.height == b.height && a.confidence == b.confidence;
}

bool sameBoxes(const std::vector<Box> &a, const std::vector<Box> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), sameBox);
}

QPointF handleCentre(const Box &b, BoxTool::Handle h)
{
    const double l = b.left, t = b.top, r = b.left + b.width, bo = b.top + b.height;
    const double cx = l + b.width / 2, cy = t + b.height / 2;
    switch (h) {
    case BoxTool::Handle::TopLeft: return {l, t};
    case BoxTool::Handle::Top: return {cx, t};
    case BoxTool::Handle::TopRight: return {r, t};
    case BoxTool::Handle::Right: return {r, cy};
    case BoxTool::Handle::BottomRight: return {r, bo};
    case BoxTool::Handle::Bottom: return {cx, bo};
    case BoxTool::Handle::BottomLeft: return {l, bo};
    case BoxTool::Handle::Left: return {l, cy};
    }
    return {};
}

constexpr BoxTool::Handle kHandles[] = {BoxTool::Handle::TopLeft,     BoxTool::Handle::Top,
                                        BoxTool::Handle::TopRight,    BoxTool::Handle::Right,
                                        BoxTool::Handle::BottomRight, BoxTool::Handle::Bottom,
                                        BoxTool::Handle::BottomLeft,  BoxTool::Handle::Left};

} // namespace

void BoxTool::setPayload(const datasets::Payload &current, const ToolContext &ctx)
{
    // The view re-syncs the tool after each committed edit: keep the selection when our own edit comes back.
    const bool echo = m_drag == Drag::None && sameBoxes(current.boxes, m_boxes);
    m_payload = current;
    m_boxes = current.boxes;
    m_imageSize = ctx.imageSize;
    m_drag = Drag::None;
    m_rubberBand.reset();
    m_changed = false;
    if (!echo || m_selected >= int(m_boxes.size()))
        m_selected = -1;
}

bool BoxTool::pointer(const PointerEvent &event, const ToolContext &ctx)
{
    m_imageSize = ctx.imageSize;
    switch (event.type) {
    case PointerEvent::Type::Press:
    case PointerEvent::Type::DoubleClick: // a quick second press arrives as a double-click: treat it alike
        return event.button == Qt::LeftButton && m_drag == Drag::None && press(event.pos, ctx);
    case PointerEvent::Type::Move: return move(event.pos, ctx);
    case PointerEvent::Type::Release: return event.button == Qt::LeftButton && release(ctx);
    }
    return false;
}

bool BoxTool::press(QPointF pos, const ToolContext &ctx)
{
    m_changed = false;
    if (m_selected >= 0)
        if (const auto h = handleAt(pos, ctx.viewScale)) {
            m_drag = Drag::Resize;
            m_handle = *h;
            m_pressPos = pos;
            m_startBox = m_boxes[size_t(m_selected)];
            return true;
        }
    if (const int hit = boxAt(pos); hit >= 0) {
        m_selected = hit;
        m_drag = Drag::Move;
        m_pressPos = pos;
        m_startBox = m_boxes[size_t(hit)];
        return true;
    }
    m_selected = -1;
    m_drag = Drag::Draw;
    const QPointF p = clampTo(pos, m_imageSize);
    m_pressPos = QPointF(snap(p.x()), snap(p.y()));
    m_rubberBand = QRectF(m_pressPos, QSizeF(0, 0));
    return true;
}

bool BoxTool::move(QPointF pos, const ToolContext &)
{
    switch (m_drag) {
    case Drag::None: return false;
    case Drag::Draw: m_rubberBand = drawnRect(pos); return true;
    case Drag::Move: {
        const QPointF delta(snap(pos.x() - m_pressPos.x()), snap(pos.y() - m_pressPos.y()));
        Box b = m_startBox;
        // The box keeps its size and stops at the image's edges.
        b.left = std::clamp(b.left + delta.x(), 0.0, std::max(0.0, m_imageSize.width() - b.width));
        b.top = std::clamp(b.top + delta.y(), 0.0, std::max(0.0, m_imageSize.height() - b.height));
        m_boxes[size_t(m_selected)] = b;
        m_changed = !sameBox(b, m_startBox);
        return true;
    }
    case Drag::Resize:
        m_boxes[size_t(m_selected)] = resized(pos - m_pressPos);
        m_changed = !sameBox(m_boxes[size_t(m_selected)], m_startBox);
        return true;
    }
    return false;
}

bool BoxTool::release(const ToolContext &ctx)
{
    const Drag drag = std::exchange(m_drag, Drag::None);
    switch (drag) {
    case Drag::None: return false;
    case Drag::Draw: {
        const QRectF r = *std::exchange(m_rubberBand, std::nullopt);
        const double minSide = std::max(kMinBoxScreenPx / ctx.viewScale, 1.0);
        if (r.width() >= minSide && r.height() >= minSide) {
            m_boxes.push_back(
                Box{ctx.currentClassId, r.left(), r.top(), r.width(), r.height(), std::nullopt});
            m_selected = int(m_boxes.size()) - 1;
            commit(QStringLiteral("Draw box"));
        }
        return true;
    }
    case Drag::Move:
        if (m_changed)
            commit(QStringLiteral("Move box"));
        return true;
    case Drag::Resize: {
        const Box &b = m_boxes[size_t(m_selected)];
        if (!(b.width > 0) || !(b.height > 0)) // squashed flat: a box needs an area, keep the old one
            m_boxes[size_t(m_selected)] = m_startBox;
        else if (m_changed)
            commit(QStringLiteral("Resize box"));
        return true;
    }
    }
    return false;
}

QRectF BoxTool::drawnRect(QPointF to) const
{
    const QPointF p = clampTo(to, m_imageSize);
    return QRectF(m_pressPos, QPointF(snap(p.x()), snap(p.y()))).normalized();
}

Box BoxTool::resized(QPointF delta) const
{
    const double dx = snap(delta.x()), dy = snap(delta.y());
    double l = m_startBox.left, t = m_startBox.top;
    double r = l + m_startBox.width, b = t + m_startBox.height;
    const Handle g = m_handle; // the grabbed handle
    const bool left = g == Handle::TopLeft || g == Handle::Left || g == Handle::BottomLeft;
    const bool right = g == Handle::TopRight || g == Handle::Right || g == Handle::BottomRight;
    const bool top = g == Handle::TopLeft || g == Handle::Top || g == Handle::TopRight;
    const bool bottom = g == Handle::BottomLeft || g == Handle::Bottom || g == Handle::BottomRight;
    const double w = m_imageSize.width(), h = m_imageSize.height();
    if (left)
        l = std::clamp(l + dx, 0.0, w);
    if (right)
        r = std::clamp(r + dx, 0.0, w);
    if (top)
        t = std::clamp(t + dy, 0.0, h);
    if (bottom)
        b = std::clamp(b + dy, 0.0, h);
    // Dragging an edge across the opposite one flips the box instead of giving it a negative size.
    Box out = m_startBox;
    out.left = std::min(l, r);
    out.top = std::min(t, b);
    out.width = std::abs(r - l);
    out.height = std::abs(b - t);
    return out;
}

const datasets::Payload *BoxTool::liveLabel() const
{
    m_shown = m_payload;
    m_shown.boxes = m_boxes;
    return &m_shown;
}

ToolPreview BoxTool::preview(const ToolContext &ctx) const
{
    ToolPreview p;
    p.crosshair = true;
    if (m_selected >= 0 && m_selected < int(m_boxes.size())) {
        const datasets::Box &b = m_boxes[size_t(m_selected)];
        ToolPreview::Shape selected;
        selected.style = ToolPreview::Style::Selected;
        selected.classId = b.classId;
        selected.rect = QRectF(b.left, b.top, b.width, b.height);
        p.shapes.push_back(selected);
        for (const QRectF &h : handles(m_selected, ctx.viewScale))
            p.shapes.push_back({ToolPreview::Style::Handle, b.classId, {}, true, h, false});
    }
    if (m_rubberBand)
        p.shapes.push_back({ToolPreview::Style::Dashed, ctx.currentClassId, {}, true, *m_rubberBand, false});
    return p;
}

std::vector<QRectF> BoxTool::handles(int box, double viewScale) const
{
    std::vector<QRectF> out;
    if (box < 0 || box >= int(m_boxes.size()) || !(viewScale > 0))
        return out;
    const double side = kHandleScreenPx / viewScale;
    for (Handle h : kHandles) {
        const QPointF c = handleCentre(m_boxes[size_t(box)], h);
        out.emplace_back(c.x() - side / 2, c.y() - side / 2, side, side);
    }
    return out;
}

std::optional<BoxTool::Handle> BoxTool::handleAt(QPointF pos, double viewScale) const
{
    if (m_selected < 0 || !(viewScale > 0))
        return std::nullopt;
    // Grabbed within kHandleScreenPx of the centre (twice the painted half-size); the nearest handle wins on
    // small boxes where the areas overlap.
    const double tolerance = kHandleScreenPx / viewScale;
    std::optional<Handle> best;
    double bestDistance = 0;
    for (Handle h : kHandles) {
        const QPointF d = pos - handleCentre(m_boxes[size_t(m_selected)], h);
        if (std::abs(d.x()) > tolerance || std::abs(d.y()) > tolerance)
            continue;
        const double distance = std::hypot(d.x(), d.y());
        if (!best || distance < bestDistance) {
            best = h;
            bestDistance = distance;
        }
    }
    return best;
}

int BoxTool::boxAt(QPointF pos) const
{
    for (int i = int(m_boxes.size()) - 1; i >= 0; --i) {
        const Box &b = m_boxes[size_t(i)];
        if (pos.x() >= b.left && pos.x() <= b.left + b.width && pos.y() >= b.top &&
            pos.y() <= b.top + b.height)
            return i;
    }
    return -1;
}

bool BoxTool::key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx)
{
    m_imageSize = ctx.imageSize;
    if (key == Qt::Key_Escape)
        return cancel();
    if (m_drag != Drag::None)
        return false; // no key edits in the middle of a gesture
    switch (key) {
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (m_selected < 0)
            return false;
        m_boxes.erase(m_boxes.begin() + m_selected);
        m_selected = -1;
        commit(QStringLiteral("Delete box"));
        return true;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down: return nudge(key, modifiers);
    case Qt::Key_Tab: return cycle(modifiers & Qt::ShiftModifier);
    case Qt::Key_Backtab: return cycle(true);
    default: return false;
    }
}

bool BoxTool::nudge(int key, Qt::KeyboardModifiers modifiers)
{
    if (m_selected < 0)
        return false;
    const double step = (modifiers & Qt::ShiftModifier) ? 10 : 1;
    Box &b = m_boxes[size_t(m_selected)];
    const Box before = b;
    const double dx = key == Qt::Key_Left ? -step : key == Qt::Key_Right ? step : 0;
    const double dy = key == Qt::Key_Up ? -step : key == Qt::Key_Down ? step : 0;
    b.left = std::clamp(b.left + dx, 0.0, std::max(0.0, m_imageSize.width() - b.width));
    b.top = std::clamp(b.top + dy, 0.0, std::max(0.0, m_imageSize.height() - b.height));
    if (!sameBox(b, before)) // against the edge: the key is used, but there is nothing to record
        commit(QStringLiteral("Nudge box"));
    return true;
}

bool BoxTool::cycle(bool backwards)
{
    const int n = int(m_boxes.size());
    if (n == 0)
        return false;
    if (m_selected < 0)
        m_selected = backwards ? n - 1 : 0;
    else
        m_selected = (m_selected + (backwards ? n - 1 : 1)) % n;
    return true;
}

bool BoxTool::cancel()
{
    switch (std::exchange(m_drag, Drag::None)) {
    case Drag::Draw: m_rubberBand.reset(); return true;
    case Drag::Move:
    case Drag::Resize: m_boxes[size_t(m_selected)] = m_startBox; return true;
    case Drag::None: break;
    }
    if (m_selected < 0)
        return false;
    m_selected = -1;
    return true;
}

bool BoxTool::setSelectedClass(int classId)
{
    if (m_drag != Drag::None || m_selected < 0 || m_boxes[size_t(m_selected)].classId == classId)
        return false;
    m_boxes[size_t(m_selected)].classId = classId;
    commit(QStringLiteral("Change box class"));
    return true;
}

void BoxTool::select(int index)
{
    if (m_drag != Drag::None)
        return;
    m_selected = index >= 0 && index < int(m_boxes.size()) ? index : -1;
}

void BoxTool::commit(const QString &text)
{
    if (m_selected >= 0) // the box a person just edited is theirs now, not a model's guess
        m_boxes[size_t(m_selected)].confidence.reset();
    datasets::Payload p = m_payload;
    p.boxes = m_boxes;
    p.imageWidth = m_imageSize.width();
    p.imageHeight = m_imageSize.height();
    p.imageDepth = m_payload.imageDepth > 0 ? m_payload.imageDepth : 3;
    m_payload = p;
    finishEdit(std::move(p), text);
}

} // namespace gw::labeling
