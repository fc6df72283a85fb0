#include "labeling/tools/objecttool.h"

#include "datasets/instances.h"

#include <QLineF>

#include <algorithm>
#include <cmath>

namespace gw::labeling {

using datasets::Instance;

namespace {

QPointF clampTo(QPointF p, QSize size)
{
    return QPointF(std::clamp(p.x(), 0.0, double(size.width())), std::clamp(p.y(), 0.0, double(size.height())));
}

std::vector<double> flat(const QPolygonF &polygon)
{
    std::vector<double> xy;
    xy.reserve(size_t(polygon.size()) * 2);
    for (const QPointF &p : polygon) {
        xy.push_back(p.x());
        xy.push_back(p.y());
    }
    return xy;
}

QPolygonF polygonOf(const std::vector<double> &xy)
{
    QPolygonF p;
    for (size_t i = 0; i + 1 < xy.size(); i += 2)
        p << QPointF(xy[i], xy[i + 1]);
    return p;
}

} // namespace

void ObjectTool::setMode(Mode mode)
{
    if (m_stroking)
        endStroke();
    m_polygon.clear();
    m_rubberBand.reset();
    m_dragging = false;
    m_mode = mode;
}

void ObjectTool::setPayload(const datasets::Payload &current, const ToolContext &ctx)
{
    m_committed = current;
    m_imageSize = ctx.imageSize;
    if (m_committed.imageWidth <= 0 && ctx.imageSize.isValid()) {
        m_committed.imageWidth = ctx.imageSize.width();
        m_committed.imageHeight = ctx.imageSize.height();
        m_committed.imageDepth = 3;
    }
    m_live = m_committed;
    // Another item's object is not this one's: the selection goes with the item.
    if (ctx.itemId != m_itemId || m_selected >= int(m_live.instances.size()))
        m_selected = -1;
    m_itemId = ctx.itemId;
    m_polygon.clear();
    m_rubberBand.reset();
    m_dragging = m_moved = m_stroking = false;
    m_proposal = QImage();
}

void ObjectTool::select(int index)
{
    if (m_dragging || m_stroking)
        return;
    m_selected = index >= 0 && index < int(m_live.instances.size()) ? index : -1;
}

int ObjectTool::objectAt(QPointF pos) const
{
    const int x = int(std::floor(pos.x())), y = int(std::floor(pos.y()));
    const int w = m_live.imageWidth, h = m_live.imageHeight;
    if (x < 0 || y < 0 || x >= w || y >= h)
        return -1;
    for (int i = int(m_live.instances.size()) - 1; i >= 0; --i) {
        auto own = datasets::instances::binary(m_live.instances[size_t(i)], w, h);
        if (own && own->pixels[size_t(y) * size_t(w) + size_t(x)])
            return i;
    }
    return -1;
}

bool ObjectTool::wantsKey(int key) const
{
    return (key == Qt::Key_PageUp || key == Qt::Key_PageDown) && m_selected >= 0;
}

bool ObjectTool::setSelectedClass(int classId)
{
    if (m_dragging || m_stroking || m_selected < 0 || m_live.instances[size_t(m_selected)].classId == classId)
        return false;
    m_live.instances[size_t(m_selected)].classId = classId;
    commit(QStringLiteral("Change object class"));
    return true;
}

void ObjectTool::setRadius(double radius)
{
    m_radius = std::clamp(radius, kMinRadius, kMaxRadius);
}

void ObjectTool::adjustRadius(int steps)
{
    setRadius(m_radius * std::pow(kRadiusStep, steps));
}

bool ObjectTool::wheel(int steps, Qt::KeyboardModifiers modifiers, const ToolContext &)
{
    if (!(modifiers & Qt::ControlModifier) || (m_mode != Mode::Brush && m_mode != Mode::Eraser))
        return false;
    adjustRadius(steps);
    return true;
}

void ObjectTool::setProposal(const QImage &mask, int classId)
{
    m_proposal = mask.isNull() ? QImage() : mask.convertToFormat(QImage::Format_Grayscale8);
    m_proposalClass = classId;
}

bool ObjectTool::acceptProposal(bool add, const ToolContext &)
{
    if (m_proposal.isNull())
        return false;
    const int w = m_live.imageWidth, h = m_live.imageHeight;
    if (m_proposal.width() != w || m_proposal.height() != h) {
        m_proposal = QImage();
        return false;
    }
    datasets::mask::IndexedMask own{w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)};
    const bool join = add && m_selected >= 0;
    if (join) {
        auto current = datasets::instances::binary(m_live.instances[size_t(m_selected)], w, h);
        if (current)
            own = std::move(*current);
    }
    int64_t n = 0;
    for (int y = 0; y < h; ++y) {
        const uchar *row = m_proposal.constScanLine(y);
        for (int x = 0; x < w; ++x)
            if (row[x]) {
                own.pixels[size_t(y) * size_t(w) + size_t(x)] = 1;
                ++n;
            }
    }
    m_proposal = QImage();
    if (n == 0)
        return false;
    // Outlined along pixel edges: exact, and editable like any outline.
    if (join) {
        const int cls = m_live.instances[size_t(m_selected)].classId;
        m_live.instances[size_t(m_selected)] = datasets::instances::fromBinary(own, cls);
        commit(QStringLiteral("Add to object"));
    } else {
        addObject(datasets::instances::fromBinary(own, m_proposalClass), QStringLiteral("Add object"));
    }
    return true;
}

bool ObjectTool::pointer(const PointerEvent &event, const ToolContext &ctx)
{
    m_cursor = event.pos;
    switch (event.type) {
    case PointerEvent::Type::Press:
        return event.button == Qt::LeftButton && press(event, ctx);
    case PointerEvent::Type::DoubleClick:
        if (m_mode == Mode::Polygon && event.button == Qt::LeftButton)
            return m_polygon.size() >= 3 ? closePolygon(ctx) : press(event, ctx);
        if (m_mode == Mode::Brush || m_mode == Mode::Eraser) // quick successive dabs arrive as double-clicks
            return press(event, ctx);
        return false;
    case PointerEvent::Type::Move: move(event.pos, ctx); return true; // the polygon's segment follows the pointer
    case PointerEvent::Type::Release: return event.button == Qt::LeftButton && release(ctx);
    }
    return false;
}

bool ObjectTool::press(const PointerEvent &event, const ToolContext &ctx)
{
    const QPointF pos = clampTo(event.pos, ctx.imageSize);
    m_pressPos = pos;
    switch (m_mode) {
    case Mode::Polygon: {
        if (m_polygon.size() >= 3 && ctx.viewScale > 0
            && QLineF(m_polygon.first(), pos).length() * ctx.viewScale <= kVertexScreenPx)
            return closePolygon(ctx);
        m_polygon << pos;
        return true;
    }
    case Mode::Box:
        m_rubberBand = QRectF(pos, pos);
        return true;
    case Mode::Select:
        m_selected = objectAt(event.pos);
        if (m_selected >= 0) {
            m_dragging = true;
            m_moved = false;
            m_startObject = m_live.instances[size_t(m_selected)];
        }
        return true;
    case Mode::Brush:
    case Mode::Eraser: {
        const int w = m_live.imageWidth, h = m_live.imageHeight;
        if (w <= 0 || h <= 0)
            return false;
        if (m_mode == Mode::Eraser && m_selected < 0)
            m_selected = objectAt(event.pos);
        if (m_mode == Mode::Eraser && m_selected < 0)
            return false; // nothing to erase from
        m_strokeNew = m_mode == Mode::Brush && m_selected < 0;
        if (m_strokeNew) {
            m_stroke = {w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)};
            Instance object;
            object.classId = ctx.currentClassId;
            m_live.instances.push_back(object);
            m_selected = int(m_live.instances.size()) - 1;
        } else {
            auto own = datasets::instances::binary(m_live.instances[size_t(m_selected)], w, h);
            if (!own)
                return false;
            m_stroke = std::move(*own);
        }
        m_stroking = true;
        m_strokeChanged = 0;
        m_last = event.pos;
        paintStroke(event.pos, event.pos);
        return true;
    }
    }
    return false;
}

bool ObjectTool::move(QPointF pos, const ToolContext &ctx)
{
    if (m_rubberBand) {
        m_rubberBand = QRectF(m_pressPos, clampTo(pos, ctx.imageSize)).normalized();
        return true;
    }
    if (m_dragging && m_selected >= 0) {
        const QPointF delta = clampTo(pos, ctx.imageSize) - m_pressPos;
        m_live.instances[size_t(m_selected)] = m_startObject;
        moveSelected(delta);
        m_moved = m_moved || !delta.isNull();
        return true;
    }
    if (m_stroking) {
        paintStroke(m_last, pos);
        m_last = pos;
        return true;
    }
    return m_mode == Mode::Polygon && !m_polygon.isEmpty();
}

bool ObjectTool::release(const ToolContext &ctx)
{
    if (m_rubberBand) {
        const QRectF r = *m_rubberBand;
        m_rubberBand.reset();
        if (r.width() * ctx.viewScale < kMinBoxScreenPx || r.height() * ctx.viewScale < kMinBoxScreenPx)
            return true; // a click, not a box
        Instance object;
        object.classId = ctx.currentClassId;
        object.polygons.push_back({r.left(), r.top(), r.right(), r.top(), r.right(), r.bottom(), r.left(), r.bottom()});
        addObject(object, QStringLiteral("Add object"));
        return true;
    }
    if (m_dragging) {
        m_dragging = false;
        if (m_moved)
            commit(QStringLiteral("Move object"));
        return true;
    }
    if (m_stroking) {
        endStroke();
        return true;
    }
    return false;
}

bool ObjectTool::closePolygon(const ToolContext &ctx)
{
    if (m_polygon.size() < 3)
        return false;
    Instance object;
    object.classId = ctx.currentClassId;
    object.polygons.push_back(flat(m_polygon));
    m_polygon.clear();
    addObject(object, QStringLiteral("Add object"));
    return true;
}

void ObjectTool::addObject(Instance object, const QString &text)
{
    m_live.instances.push_back(std::move(object));
    m_selected = int(m_live.instances.size()) - 1;
    commit(text);
}

void ObjectTool::commit(const QString &text)
{
    m_committed = m_live;
    finishEdit(m_live, text);
}

void ObjectTool::moveSelected(QPointF delta)
{
    Instance &object = m_live.instances[size_t(m_selected)];
    if (!object.painted()) {
        // An outline stops at the image's edge (a point outside it is no valid label).
        datasets::Payload one;
        one.instances = {object};
        const std::vector<datasets::Box> bounds = datasets::instances::outlineBoxes(one);
        if (!bounds.empty() && m_live.imageWidth > 0) {
            const datasets::Box &b = bounds.front();
            delta.setX(std::clamp(delta.x(), std::min(0.0, -b.left), std::max(0.0, m_live.imageWidth - b.left - b.width)));
            delta.setY(std::clamp(delta.y(), std::min(0.0, -b.top), std::max(0.0, m_live.imageHeight - b.top - b.height)));
        }
        for (auto *rings : {&object.polygons, &object.holes})
            for (auto &ring : *rings)
                for (size_t i = 0; i + 1 < ring.size(); i += 2) {
                    ring[i] += delta.x();
                    ring[i + 1] += delta.y();
                }
        return;
    }
    // Painted pixels move by whole pixels; what leaves the image is gone.
    const int w = m_live.imageWidth, h = m_live.imageHeight;
    const int dx = int(std::lround(delta.x())), dy = int(std::lround(delta.y()));
    auto own = datasets::instances::binary(object, w, h);
    if (!own || (dx == 0 && dy == 0))
        return;
    datasets::mask::IndexedMask moved{w, h, std::vector<uint8_t>(own->pixels.size(), 0)};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (own->pixels[size_t(y) * size_t(w) + size_t(x)]) {
                const int nx = x + dx, ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < w && ny < h)
                    moved.pixels[size_t(ny) * size_t(w) + size_t(nx)] = 1;
            }
    object = datasets::instances::fromBinary(moved, object.classId, false);
}

void ObjectTool::paintStroke(QPointF a, QPointF b)
{
    // Every pixel whose centre is within the radius of the segment a–b.
    const int w = m_stroke.width, h = m_stroke.height;
    const uint8_t value = m_mode == Mode::Brush ? 1 : 0;
    const int x0 = std::max(0, int(std::floor(std::min(a.x(), b.x()) - m_radius)));
    const int x1 = std::min(w - 1, int(std::ceil(std::max(a.x(), b.x()) + m_radius)));
    const int y0 = std::max(0, int(std::floor(std::min(a.y(), b.y()) - m_radius)));
    const int y1 = std::min(h - 1, int(std::ceil(std::max(a.y(), b.y()) + m_radius)));
    const QPointF d = b - a;
    const double len2 = QPointF::dotProduct(d, d);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const QPointF c(x + 0.5, y + 0.5);
            const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(c - a, d) / len2, 0.0, 1.0) : 0.0;
            const QPointF n = a + t * d - c;
            if (QPointF::dotProduct(n, n) > m_radius * m_radius)
                continue;
            uint8_t &px = m_stroke.pixels[size_t(y) * size_t(w) + size_t(x)];
            if (px != value) {
                px = value;
                ++m_strokeChanged;
            }
        }
    Instance &object = m_live.instances[size_t(m_selected)];
    object = datasets::instances::fromBinary(m_stroke, object.classId, false);
}

void ObjectTool::endStroke()
{
    m_stroking = false;
    if (m_strokeChanged == 0) {
        m_live = m_committed; // a dab that changed nothing, or a new object left empty
        if (m_selected >= int(m_live.instances.size()))
            m_selected = -1;
        return;
    }
    if (std::all_of(m_stroke.pixels.begin(), m_stroke.pixels.end(), [](uint8_t v) { return v == 0; })) {
        m_live.instances.erase(m_live.instances.begin() + m_selected);
        m_selected = -1;
        commit(QStringLiteral("Erase object"));
        return;
    }
    commit(m_strokeNew ? QStringLiteral("Paint object") : m_mode == Mode::Brush ? QStringLiteral("Paint onto object")
                                                                                : QStringLiteral("Erase from object"));
}

bool ObjectTool::reorder(int by)
{
    if (m_selected < 0)
        return false;
    const int to = std::clamp(m_selected + by, 0, int(m_live.instances.size()) - 1);
    if (to == m_selected)
        return true;
    Instance object = m_live.instances[size_t(m_selected)];
    m_live.instances.erase(m_live.instances.begin() + m_selected);
    m_live.instances.insert(m_live.instances.begin() + to, object);
    m_selected = to;
    commit(by > 0 ? QStringLiteral("Bring object forward") : QStringLiteral("Send object back"));
    return true;
}

bool ObjectTool::cancel()
{
    if (!m_proposal.isNull()) {
        m_proposal = QImage();
        return true;
    }
    if (m_stroking || m_dragging) {
        m_live = m_committed;
        m_stroking = m_dragging = false;
        if (m_selected >= int(m_live.instances.size()))
            m_selected = -1;
        return true;
    }
    if (!m_polygon.isEmpty() || m_rubberBand) {
        m_polygon.clear();
        m_rubberBand.reset();
        return true;
    }
    if (m_selected >= 0) {
        m_selected = -1;
        return true;
    }
    return false;
}

bool ObjectTool::key(int key, Qt::KeyboardModifiers modifiers, const ToolContext &ctx)
{
    if ((m_stroking || m_dragging) && key != Qt::Key_Escape)
        return false; // a gesture in progress owns the object
    switch (key) {
    case Qt::Key_Escape: return cancel();
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (!m_proposal.isNull())
            return acceptProposal(modifiers & Qt::ShiftModifier, ctx);
        return closePolygon(ctx);
    case Qt::Key_Backspace:
        if (!m_polygon.isEmpty()) {
            m_polygon.removeLast();
            return true;
        }
        [[fallthrough]];
    case Qt::Key_Delete:
        if (m_selected < 0)
            return false;
        m_live.instances.erase(m_live.instances.begin() + m_selected);
        m_selected = -1;
        commit(QStringLiteral("Delete object"));
        return true;
    case Qt::Key_Tab:
    case Qt::Key_Backtab: {
        const int n = int(m_live.instances.size());
        if (n == 0)
            return false;
        const bool back = key == Qt::Key_Backtab || (modifiers & Qt::ShiftModifier);
        m_selected = m_selected < 0 ? (back ? n - 1 : 0) : (m_selected + (back ? n - 1 : 1)) % n;
        return true;
    }
    case Qt::Key_PageUp: return reorder(1);
    case Qt::Key_PageDown: return reorder(-1);
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down: {
        if (m_selected < 0)
            return false;
        const double step = modifiers & Qt::ShiftModifier ? 10 : 1;
        const QPointF delta = key == Qt::Key_Left ? QPointF(-step, 0) : key == Qt::Key_Right ? QPointF(step, 0)
                              : key == Qt::Key_Up ? QPointF(0, -step) : QPointF(0, step);
        moveSelected(delta);
        commit(QStringLiteral("Move object"));
        return true;
    }
    case Qt::Key_BracketLeft:
    case Qt::Key_BracketRight:
        if (m_mode != Mode::Brush && m_mode != Mode::Eraser)
            return false;
        adjustRadius(key == Qt::Key_BracketRight ? 1 : -1);
        return true;
    default: return false;
    }
}

ToolPreview ObjectTool::preview(const ToolContext &ctx) const
{
    ToolPreview p;
    if (m_mode == Mode::Polygon)
        p = openPolygonPreview(m_polygon, -1, m_cursor, ctx);
    if (m_mode == Mode::Box)
        p.crosshair = true;
    if (m_rubberBand)
        p.shapes.push_back({ToolPreview::Style::Dashed, ctx.currentClassId, {}, true, *m_rubberBand, false});
    if (m_selected >= 0 && m_selected < int(m_live.instances.size())) {
        const Instance &object = m_live.instances[size_t(m_selected)];
        if (object.painted()) {
            datasets::Payload one;
            one.imageWidth = m_live.imageWidth;
            one.imageHeight = m_live.imageHeight;
            one.instances = {object};
            for (const datasets::Box &b : datasets::instances::outlineBoxes(one))
                p.shapes.push_back(
                    {ToolPreview::Style::Selected, object.classId, {}, true, QRectF(b.left, b.top, b.width, b.height), false});
        } else {
            const double shift = object.labelmePixels ? 0.5 : 0.0; // points at pixel centres (types.h)
            for (const auto &ring : object.polygons)
                p.shapes.push_back({ToolPreview::Style::Selected, object.classId,
                                    polygonOf(ring).translated(shift, shift), true, {}, false});
        }
    }
    if ((m_mode == Mode::Brush || m_mode == Mode::Eraser) && m_cursor)
        p.shapes.push_back(brushOutline(*m_cursor, m_radius));
    if (!m_proposal.isNull()) {
        p.proposal = m_proposal;
        p.proposalClass = m_proposalClass;
    }
    return p;
}

} // namespace gw::labeling
