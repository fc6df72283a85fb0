#include "ui/imagecanvas.h"

#include "labeling/labelingsession.h"
#include "labeling/tools/maskimage.h"
#include "labeling/tools/tool.h"
#include "datasets/instances.h"

#include <QFutureWatcher>
#include <QKeyEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <cmath>

namespace gw::ui {

using namespace gw::datasets;
using labeling::PointerEvent;

namespace {

constexpr double kMinScale = 0.01, kMaxScale = 64.0;

void paintObjects(QPainter &p, const Payload &label, QSize image, const std::function<QPointF(QPointF)> &toWidget,
                  double scale, const std::function<QColor(int)> &colorOf, const std::function<QString(int)> &nameOf,
                  std::unordered_map<std::string, std::pair<QImage, QRectF>> &painted);

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

ImageCanvas::ImageCanvas(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(320, 240);
}

ImageCanvas::~ImageCanvas()
{
    cancelToolJob();
}

void ImageCanvas::setSession(labeling::LabelingSession *session)
{
    m_session = session;
    syncFromSession();
}

void ImageCanvas::setImage(std::shared_ptr<const LoadedImage> image, const QString &status)
{
    const bool sameSize = m_image && image && m_image->size == image->size;
    m_image = std::move(image);
    m_status = status;
    // Keep the view when stepping through images of one size (a labeling session rarely mixes sizes).
    if (!sameSize || !m_fitted)
        zoomFit();
    syncFromSession();
    update();
}

void ImageCanvas::setHint(const QString &hint)
{
    if (hint == m_hint)
        return;
    m_hint = hint;
    update();
}

void ImageCanvas::setTool(labeling::Tool *tool)
{
    if (tool != m_tool)
        cancelToolJob();
    m_tool = tool;
    syncFromSession();
    setCursor(tool ? Qt::CrossCursor : Qt::ArrowCursor);
    update();
}

void ImageCanvas::setCurrentClass(int classId)
{
    m_currentClass = classId;
    update();
}

QSize ImageCanvas::imageSize() const
{
    if (m_image && m_image->size.isValid())
        return m_image->size;
    if (m_session && m_session->hasItem())
        return QSize(m_session->item().width, m_session->item().height);
    return {};
}

labeling::ToolContext ImageCanvas::context() const
{
    labeling::ToolContext ctx;
    ctx.job = m_session ? &m_session->job() : nullptr;
    ctx.imageSize = imageSize();
    ctx.currentClassId = m_currentClass;
    ctx.viewScale = m_scale;
    ctx.itemId = m_session && m_session->hasItem() ? m_session->item().id : 0;
    return ctx;
}

void ImageCanvas::syncFromSession()
{
    const int64_t item = m_session && m_session->hasItem() ? m_session->item().id : 0;
    if (item != m_toolItem)
        cancelToolJob(); // work on the last item's image is of no use here
    if (m_tool && item && imageSize().isValid()) {
        m_tool->setPayload(m_session->payload(), context());
        m_toolItem = item;
    } else {
        m_toolItem = 0; // the tool holds no label of this item: it gets no input and shows nothing of its own
    }
    update();
}

bool ImageCanvas::toolReady() const
{
    return m_tool && m_session && m_session->hasItem() && m_toolItem == m_session->item().id;
}

void ImageCanvas::zoomFit()
{
    const QSize s = imageSize();
    if (!s.isValid() || s.isEmpty() || width() <= 0 || height() <= 0) {
        m_fitted = false;
        return;
    }
    m_scale = std::clamp(0.98 * std::min(double(width()) / s.width(), double(height()) / s.height()), kMinScale,
                         kMaxScale);
    m_offset = QPointF((width() - s.width() * m_scale) / 2, (height() - s.height() * m_scale) / 2);
    m_fitted = true;
    Q_EMIT zoomChanged(m_scale);
    update();
}

void ImageCanvas::zoomActual()
{
    zoomBy(1.0 / m_scale, QPointF(width() / 2.0, height() / 2.0));
}

void ImageCanvas::zoomBy(double factor, QPointF anchor)
{
    const QPointF imagePoint = widgetToImage(anchor);
    m_scale = std::clamp(m_scale * factor, kMinScale, kMaxScale);
    m_offset = anchor - imagePoint * m_scale; // the point under the anchor stays put
    Q_EMIT zoomChanged(m_scale);
    update();
}

void ImageCanvas::setOverlayOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void ImageCanvas::setAnnotationsVisible(bool visible)
{
    m_showAnnotations = visible;
    update();
}

void ImageCanvas::resizeEvent(QResizeEvent *)
{
    if (m_fitted)
        zoomFit();
}

QColor ImageCanvas::classColor(int classId) const
{
    if (m_session)
        if (const LabelClass *c = m_session->job().classById(classId))
            return QColor(QString::fromStdString(c->color));
    return Qt::yellow;
}

QString ImageCanvas::className(int classId) const
{
    if (m_session)
        if (const LabelClass *c = m_session->job().classById(classId))
            return QString::fromStdString(c->name);
    return QString::number(classId);
}

// ---- painting ----

void ImageCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(48, 48, 52));
    if (!m_image || !m_image->ok()) {
        p.setPen(QColor(220, 220, 220));
        const QString text = m_image ? tr("The image cannot be read: %1").arg(m_image->error)
                                     : (m_status.isEmpty() ? tr("No image") : m_status);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        paintHint(p);
        return;
    }
    const QImage &level = m_image->levelFor(m_scale);
    const QSizeF full(m_image->size);
    const QRectF target(m_offset, full * m_scale);
    // Only the visible part is transformed; pixels stay sharp from 1:1 up, so edges can be placed exactly.
    const QRectF visible = target.intersected(QRectF(rect()));
    if (!visible.isEmpty()) {
        const double k = double(level.width()) / full.width();
        const QRectF source((visible.topLeft() - m_offset) / m_scale * k, visible.size() / m_scale * k);
        p.setRenderHint(QPainter::SmoothPixmapTransform, m_scale < 1.0);
        p.drawImage(visible, level, source);
    }
    p.setRenderHint(QPainter::Antialiasing);
    if (m_showAnnotations && m_session) {
        // The label as the tool shows it while editing, else the session's.
        const Payload *live = toolReady() ? m_tool->liveLabel() : nullptr;
        const Payload &label = live ? *live : m_session->payload();
        switch (m_session->job().type) {
        case TaskType::BoundingBox: paintBoxes(p, label.boxes); break;
        case TaskType::SemanticSegmentation: paintSegmentation(p); break;
        case TaskType::InstanceSegmentation:
            paintObjects(
                p, label, imageSize(), [this](QPointF q) { return imageToWidget(q); }, m_scale,
                [this](int id) { return classColor(id); }, [this](int id) { return className(id); }, m_paintedObjects);
            break;
        default: paintClassification(p); break;
        }
        paintPreview(p);
    }
    paintHint(p);
}

void ImageCanvas::paintHint(QPainter &p) const
{
    // A running assist says what it does; otherwise the hint, if any.
    const QString hint = m_busy.isEmpty() ? m_hint : tr("%1  (Esc stops)").arg(m_busy);
    if (hint.isEmpty())
        return;
    // A band at the bottom, over the image, wrapped to the canvas's width.
    const int margin = 12;
    const QFontMetrics fm(font());
    const QRect text = fm.boundingRect(QRect(0, 0, width() - 4 * margin, height()), Qt::AlignCenter | Qt::TextWordWrap,
                                       hint);
    QRect band(0, 0, text.width() + 2 * margin, text.height() + margin);
    band.moveCenter(QPoint(width() / 2, height() - margin - band.height() / 2));
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 180));
    p.drawRoundedRect(band, 6, 6);
    p.setPen(QColor(235, 235, 235));
    p.drawText(band, Qt::AlignCenter | Qt::TextWordWrap, hint);
}

namespace {

/// The objects of an instance label, each filled with its class's colour and outlined (a later object over an
/// earlier one), with its number and class on a tag at its top-left corner, so that objects of one class can
/// be told apart.
void paintObjects(QPainter &p, const Payload &label, QSize image, const std::function<QPointF(QPointF)> &toWidget,
                  double scale, const std::function<QColor(int)> &colorOf, const std::function<QString(int)> &nameOf,
                  std::unordered_map<std::string, std::pair<QImage, QRectF>> &painted)
{
    // Painted objects are tinted once per pixels and colour: a repaint (every pointer move) only draws them.
    if (painted.size() > 64)
        painted.clear();
    const QFontMetrics fm(p.font());
    for (size_t i = 0; i < label.instances.size(); ++i) {
        const Instance &object = label.instances[i];
        const QColor c = colorOf(object.classId);
        QPainterPath shape;
        if (object.painted()) {
            const std::string key = object.rle + '#' + c.name().toStdString();
            auto cached = painted.find(key);
            if (cached == painted.end()) {
                auto own = instances::binary(object, image.width(), image.height());
                if (!own)
                    continue;
                // Only the object's box is kept, tinted.
                const instances::Extent e = instances::extent(*own);
                QImage alpha(std::max(1, e.x1 - e.x0), std::max(1, e.y1 - e.y0), QImage::Format_ARGB32_Premultiplied);
                alpha.fill(Qt::transparent);
                const QRgb fill = qPremultiply(qRgba(c.red(), c.green(), c.blue(), 110));
                for (int y = e.y0; y < e.y1; ++y) {
                    auto *row = reinterpret_cast<QRgb *>(alpha.scanLine(y - e.y0));
                    for (int x = e.x0; x < e.x1; ++x)
                        if (own->pixels[size_t(y) * size_t(own->width) + size_t(x)])
                            row[x - e.x0] = fill;
                }
                cached = painted.emplace(key, std::pair{alpha, QRectF(e.x0, e.y0, e.x1 - e.x0, e.y1 - e.y0)}).first;
            }
            const auto &[alpha, box] = cached->second;
            p.drawImage(QRectF(toWidget(box.topLeft()), box.size() * scale), alpha);
            shape.addRect(box); // for the tag's place only
        } else {
            // An outline read from LabelMe has its points at pixel centres (types.h).
            const double shift = object.labelmePixels ? 0.5 : 0.0;
            auto path = [&](const std::vector<std::vector<double>> &rings) {
                QPainterPath out;
                out.setFillRule(Qt::OddEvenFill);
                for (const auto &ring : rings) {
                    QPolygonF polygon;
                    for (size_t k = 0; k + 1 < ring.size(); k += 2)
                        polygon << toWidget(QPointF(ring[k] + shift, ring[k + 1] + shift));
                    QPainterPath one;
                    one.setFillRule(Qt::OddEvenFill);
                    one.addPolygon(polygon);
                    one.closeSubpath();
                    out = out.united(one);
                }
                return out;
            };
            shape = path(object.polygons);
            if (!object.holes.empty())
                shape = shape.subtracted(path(object.holes));
            p.setPen(QPen(c, 2));
            p.setBrush(QColor(c.red(), c.green(), c.blue(), 90));
            p.drawPath(shape);
        }
        const QRectF bounds = object.painted() ? QRectF(toWidget(shape.boundingRect().topLeft()),
                                                        shape.boundingRect().size() * scale)
                                               : shape.boundingRect();
        const QString tag = QStringLiteral("%1 %2").arg(i + 1).arg(nameOf(object.classId));
        QRectF box(bounds.topLeft(), QSizeF(fm.horizontalAdvance(tag) + 8, fm.height() + 2));
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawRect(box);
        p.setPen(c.lightness() > 150 ? Qt::black : Qt::white);
        p.drawText(box, Qt::AlignCenter, tag);
    }
}

} // namespace

void ImageCanvas::paintBoxes(QPainter &p, const std::vector<Box> &boxes) const
{
    const QFontMetrics fm(font());
    for (const Box &b : boxes) {
        const QColor c = classColor(b.classId);
        const QRectF r(imageToWidget(QPointF(b.left, b.top)), QSizeF(b.width, b.height) * m_scale);
        p.setPen(QPen(c, 2));
        p.setBrush(withAlpha(c, 30));
        p.drawRect(r);
        // The class name on a tag above the box (inside when the box touches the top).
        const QString name = className(b.classId);
        QRectF tag(r.topLeft() - QPointF(0, fm.height() + 2), QSizeF(fm.horizontalAdvance(name) + 8, fm.height() + 2));
        if (tag.top() < 0)
            tag.moveTop(r.top());
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawRect(tag);
        p.setPen(c.lightness() > 150 ? Qt::black : Qt::white);
        p.drawText(tag, Qt::AlignCenter, name);
    }
}

void ImageCanvas::paintSegmentation(QPainter &p)
{
    const QImage *mask = toolReady() ? m_tool->liveMask() : nullptr;
    QImage decoded;
    if (!mask) {
        decoded = labeling::decodeMask(m_session->payload(), imageSize());
        mask = &decoded;
    }
    if (!mask->isNull() && m_opacity > 0) {
        // Rebuild the coloured overlay only when the mask or the opacity changed.
        if (mask->cacheKey() != m_overlayKey || m_opacity != m_overlayOpacity || m_overlay.isNull()) {
            QImage tinted = *mask;
            QList<QRgb> table = tinted.colorTable();
            table.resize(256);
            const int alpha = int(std::lround(m_opacity * 255));
            for (int i = 0; i < table.size(); ++i)
                table[i] = i == 0 ? qRgba(0, 0, 0, 0) : qPremultiply(qRgba(qRed(table[i]), qGreen(table[i]), qBlue(table[i]), alpha));
            tinted.setColorTable(table);
            m_overlay = tinted.convertToFormat(QImage::Format_ARGB32_Premultiplied);
            m_overlayKey = mask->cacheKey();
            m_overlayOpacity = m_opacity;
        }
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(QRectF(m_offset, QSizeF(m_overlay.size()) * m_scale), m_overlay);
    }
}

void ImageCanvas::paintPreview(QPainter &p) const
{
    if (!toolReady())
        return;
    const labeling::ToolPreview preview = m_tool->preview(context());
    // A mask (non-zero = on) in one colour over the image.
    auto tint = [](const QImage &mask, QRgb colour) {
        QImage out(mask.size(), QImage::Format_ARGB32_Premultiplied);
        out.fill(Qt::transparent);
        const QRgb on = qPremultiply(colour);
        for (int y = 0; y < out.height(); ++y) {
            const uchar *src = mask.constScanLine(y);
            auto *dst = reinterpret_cast<QRgb *>(out.scanLine(y));
            for (int x = 0; x < out.width(); ++x)
                if (src[x])
                    dst[x] = on;
        }
        return out;
    };
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    if (!preview.proposal.isNull()) {
        // The proposal in its class's colour until it is accepted or dropped.
        if (preview.proposal.cacheKey() != m_proposalKey || preview.proposalClass != m_proposalTint) {
            const QColor c = classColor(preview.proposalClass);
            m_tintedProposal = tint(preview.proposal, qRgba(c.red(), c.green(), c.blue(), 130));
            m_proposalKey = preview.proposal.cacheKey();
            m_proposalTint = preview.proposalClass;
        }
        p.drawImage(QRectF(m_offset, QSizeF(m_tintedProposal.size()) * m_scale), m_tintedProposal);
    }
    if (!preview.lines.isNull()) {
        // Thin boundaries (superpixels): white, half transparent, one image pixel wide.
        if (preview.lines.cacheKey() != m_linesKey) {
            m_tintedLines = tint(preview.lines, qRgba(255, 255, 255, 110));
            m_linesKey = preview.lines.cacheKey();
        }
        p.drawImage(QRectF(m_offset, QSizeF(m_tintedLines.size()) * m_scale), m_tintedLines);
    }
    using Style = labeling::ToolPreview::Style;
    for (const labeling::ToolPreview::Shape &shape : preview.shapes) {
        const QColor c = shape.classId >= 0 ? classColor(shape.classId) : QColor(Qt::white);
        QPolygonF w;
        for (const QPointF &pt : shape.points)
            w << imageToWidget(pt);
        const QRectF r(imageToWidget(shape.rect.topLeft()), shape.rect.size() * m_scale);
        switch (shape.style) {
        case Style::Fill: p.setPen(Qt::NoPen); p.setBrush(withAlpha(c, 50)); break;
        case Style::Outline: p.setPen(QPen(c, 2)); p.setBrush(Qt::NoBrush); break;
        case Style::Dashed: p.setPen(QPen(c, shape.points.isEmpty() ? 2 : 1, Qt::DashLine)); p.setBrush(Qt::NoBrush); break;
        case Style::Selected: p.setPen(QPen(c, 3)); p.setBrush(withAlpha(c, 40)); break;
        case Style::Handle: p.setPen(QPen(Qt::white, 1)); p.setBrush(c); break;
        case Style::Vertex: p.setPen(QPen(Qt::white, 1)); p.setBrush(c); break;
        case Style::SelectedVertex: p.setPen(QPen(Qt::white, 1)); p.setBrush(Qt::white); break;
        case Style::Cursor: p.setPen(QPen(Qt::white, 1.5)); p.setBrush(Qt::NoBrush); break;
        }
        if (!w.isEmpty()) {
            if (shape.style == Style::Fill || (shape.closed && shape.style != Style::Dashed))
                p.drawPolygon(w);
            else
                p.drawPolyline(w);
        } else if (shape.ellipse) {
            p.drawEllipse(r);
        } else {
            p.drawRect(r);
        }
    }
    // Crosshair guides across the image while placing boxes.
    if (preview.crosshair && m_cursor && !m_panning) {
        const QSize s = imageSize();
        const QPointF c = imageToWidget(*m_cursor);
        const QRectF img(m_offset, QSizeF(s) * m_scale);
        if (img.contains(c)) {
            p.setPen(QPen(QColor(255, 255, 255, 160), 1, Qt::DashLine));
            p.drawLine(QPointF(img.left(), c.y()), QPointF(img.right(), c.y()));
            p.drawLine(QPointF(c.x(), img.top()), QPointF(c.x(), img.bottom()));
        }
    }
}

void ImageCanvas::paintClassification(QPainter &p) const
{
    const auto &current = m_session->current();
    if (!current)
        return;
    QStringList names;
    for (int id : current->payload.classes)
        names << className(id);
    QString text = names.join(QStringLiteral(", "));
    if (current->provenance.source == Source::Auto)
        text += tr("  (auto %1)").arg(current->provenance.confidence.value_or(0), 0, 'f', 2);
    if (text.isEmpty())
        return;
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    p.setFont(f);
    const QFontMetrics fm(f);
    const QRectF tag(12, 12, fm.horizontalAdvance(text) + 20, fm.height() + 12);
    const QColor c = classColor(current->payload.classes.empty() ? 0 : current->payload.classes.front());
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawRoundedRect(tag, 6, 6);
    p.setPen(c.lightness() > 150 ? Qt::black : Qt::white);
    p.drawText(tag, Qt::AlignCenter, text);
}

// ---- input ----

bool ImageCanvas::toolWantsKey(int key) const
{
    if (!m_tool)
        return false;
    switch (key) {
    case Qt::Key_Backspace: return !m_backspaceToWindow && m_tool->usesBackspace();
    case Qt::Key_Delete:
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Tab:
    case Qt::Key_Backtab:
    case Qt::Key_Escape:
    case Qt::Key_BracketLeft:
    case Qt::Key_BracketRight: return true;
    case Qt::Key_Return:
    case Qt::Key_Enter: return m_tool->usesEnter(); // closes a polygon; otherwise the window's "accept label"
    case Qt::Key_PageUp:
    case Qt::Key_PageDown: return m_tool->wantsKey(key);
    default: return false;
    }
}

bool ImageCanvas::event(QEvent *event)
{
    // The tool's editing keys win over window shortcuts, and Tab cycles boxes instead of moving focus.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (toolWantsKey(key->key()) && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            event->accept();
            return true;
        }
    }
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab) && m_tool) {
            keyPressEvent(key);
            return true;
        }
    }
    return QWidget::event(event);
}

void ImageCanvas::forward(QMouseEvent *event, int type)
{
    m_cursor = widgetToImage(event->position());
    if (!toolReady() || !imageSize().isValid()) {
        update();
        return;
    }
    PointerEvent e;
    e.type = PointerEvent::Type(type);
    e.pos = *m_cursor;
    e.button = event->button();
    e.buttons = event->buttons();
    e.modifiers = event->modifiers();
    m_tool->pointer(e, context());
    takeEdit();
    runToolJob();
    update();
    if (e.type != PointerEvent::Type::Move)
        Q_EMIT toolUsed();
}

void ImageCanvas::runToolJob()
{
    if (!m_tool)
        return;
    auto job = m_tool->takeJob();
    if (!job)
        return;
    if (!m_image || m_image->full.isNull()) {
        // Still loading, or kept only as a preview level (hundreds of megapixels): the assists need the pixels.
        const bool loading = !m_image || !m_image->ok();
        m_tool->jobDone(job->id, {fail(Error::invalid(loading ? "the image is not loaded yet" : "the image is too large")), {}});
        Q_EMIT editFailed(loading ? tr("The image is still loading: try again in a moment.")
                                  : tr("This image is too large for assisted segmentation: draw the outline instead."));
        return;
    }
    cancelToolJob(); // a newer question replaces an older one
    m_jobCancel = std::make_shared<std::atomic_bool>(false);
    m_jobId = job->id;
    m_jobTool = m_tool;
    m_busy = job->what;
    m_job = std::make_unique<QFutureWatcher<labeling::ToolJobResult>>();
    connect(m_job.get(), &QFutureWatcherBase::finished, this, &ImageCanvas::toolJobFinished);
    // The image is shared, not copied: QImage is copy-on-write and nobody writes to a decoded image.
    m_job->setFuture(QtConcurrent::run([run = std::move(job->run), image = m_image, cancel = m_jobCancel] {
        return run(image->full, cancel.get());
    }));
    setCursor(Qt::BusyCursor);
    update();
}

void ImageCanvas::toolJobFinished()
{
    if (!m_job)
        return;
    labeling::ToolJobResult result = m_job->result();
    m_job.release()->deleteLater();
    m_busy.clear();
    setCursor(m_tool ? Qt::CrossCursor : Qt::ArrowCursor);
    if (m_tool && m_tool == m_jobTool) {
        const bool failed = !result.mask && result.mask.error().code != Error::Code::Cancelled;
        const QString why = failed ? QString::fromStdString(result.mask.error().message) : QString();
        if (m_tool->jobDone(m_jobId, std::move(result)) && failed)
            Q_EMIT editFailed(why);
        takeEdit();
        runToolJob();
    }
    update();
    Q_EMIT toolUsed();
}

void ImageCanvas::cancelToolJob()
{
    if (!m_job)
        return;
    m_jobCancel->store(true);
    // Its result is of no use any more; the worker finishes on its own and the watcher goes with it.
    QFutureWatcher<labeling::ToolJobResult> *watcher = m_job.release();
    disconnect(watcher, nullptr, this, nullptr);
    connect(watcher, &QFutureWatcherBase::finished, watcher, &QObject::deleteLater);
    m_busy.clear();
    setCursor(m_tool ? Qt::CrossCursor : Qt::ArrowCursor);
}

void ImageCanvas::takeEdit()
{
    if (!m_tool || !m_session)
        return;
    if (auto edit = m_tool->takeEdit()) {
        // Arrow-key nudges of one box merge into one undo step.
        const int mergeId = edit->text.startsWith(QStringLiteral("Nudge")) ? 1 : -1;
        if (auto r = m_session->apply(edit->payload, edit->text, mergeId); !r) {
            Q_EMIT editFailed(QString::fromStdString(r.error().message));
            syncFromSession(); // back to what is stored
        }
    }
}

void ImageCanvas::mousePressEvent(QMouseEvent *event)
{
    setFocus();
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panning = true;
        m_panFrom = event->position();
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    forward(event, int(PointerEvent::Type::Press));
}

void ImageCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_offset += event->position() - m_panFrom;
        m_panFrom = event->position();
        m_fitted = false;
        update();
        return;
    }
    forward(event, int(PointerEvent::Type::Move));
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_panning = false;
        setCursor(m_spaceHeld ? Qt::OpenHandCursor : (m_tool ? Qt::CrossCursor : Qt::ArrowCursor));
        return;
    }
    forward(event, int(PointerEvent::Type::Release));
}

void ImageCanvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    forward(event, int(PointerEvent::Type::DoubleClick));
}

void ImageCanvas::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (toolReady() && m_tool->wheel(int(std::lround(steps)), event->modifiers(), context())) {
        runToolJob();
        update();
        return;
    }
    zoomBy(std::pow(1.15, steps), event->position());
    m_fitted = false;
}

void ImageCanvas::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        setCursor(Qt::OpenHandCursor);
        return;
    }
    if (event->key() == Qt::Key_Escape && m_job)
        cancelToolJob(); // and the tool drops what it waited for
    if (toolReady() && m_tool->key(event->key(), event->modifiers(), context())) {
        takeEdit();
        runToolJob();
        update();
        Q_EMIT toolUsed();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        setCursor(m_tool ? Qt::CrossCursor : Qt::ArrowCursor);
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void ImageCanvas::leaveEvent(QEvent *)
{
    m_cursor.reset();
    if (m_tool)
        m_tool->pointerLeft();
    update();
}

} // namespace gw::ui
