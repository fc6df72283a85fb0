#include "ui/galleryview.h"

#include "ui/gallerymodel.h"
#include "ui/thumbnailcache.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace gw::ui {

namespace {

constexpr int kPad = 6;       ///< inside a cell, around the thumbnail
constexpr int kTextGap = 4;   ///< between the thumbnail and the file name
constexpr int kInset = 4;     ///< markers from the thumbnail's edges

QFont smallFont(const QFont &base)
{
    QFont f = base;
    if (f.pointSizeF() > 0)
        f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.85));
    else
        f.setPixelSize(std::max(8, f.pixelSize() * 85 / 100));
    return f;
}

} // namespace

GalleryDelegate::GalleryDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void GalleryDelegate::setThumbnailEdge(int px)
{
    m_edge = std::max(16, px);
}

QSize GalleryDelegate::cellSize(const QFontMetrics &fm) const
{
    return {m_edge + 2 * kPad, kPad + m_edge + kTextGap + fm.height() + kPad};
}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return cellSize(option.fontMetrics);
}

void GalleryDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    painter->save();
    const QPalette &palette = option.palette;
    const QRect cell = option.rect.adjusted(2, 2, -2, -2);
    const bool selected = option.state & QStyle::State_Selected;
    if (selected) {
        QColor tint = palette.color(QPalette::Highlight);
        tint.setAlpha(70);
        painter->fillRect(cell, tint);
    }

    const int edge = std::min({m_edge, cell.width() - 2 * kPad, cell.height() - 2 * kPad});
    const QRect thumb(cell.left() + (cell.width() - edge) / 2, cell.top() + kPad, edge, edge);
    paintThumbnail(painter, thumb, index.data(Qt::DecorationRole).value<QImage>(), palette);

    const QFont small = smallFont(option.font);
    if (index.data(GalleryModel::FlaggedRole).toBool())
        paintFlag(painter, thumb);
    if (index.data(GalleryModel::SourceRole).toString() == QLatin1String("auto"))
        paintAutoMarker(painter, thumb, index.data(GalleryModel::ConfidenceRole), small);
    const QString label = index.data(GalleryModel::LabelTextRole).toString();
    if (!label.isEmpty())
        paintChip(painter, thumb, label, index.data(GalleryModel::LabelColorRole).value<QColor>(), small);

    const QRect nameRect(cell.left() + kPad, thumb.bottom() + 1 + kTextGap, cell.width() - 2 * kPad,
                         option.fontMetrics.height());
    painter->setFont(option.font);
    painter->setPen(palette.color(QPalette::Text));
    painter->drawText(nameRect, Qt::AlignCenter,
                      option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle,
                                                    nameRect.width()));

    if (selected) {
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(palette.color(QPalette::Highlight), 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4);
    } else if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), 1, Qt::DashLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(cell.adjusted(0, 0, -1, -1));
    }
    painter->restore();
}

void GalleryDelegate::paintThumbnail(QPainter *painter, const QRect &area, const QImage &img,
                                     const QPalette &palette) const
{
    if (img.isNull()) { // still decoding
        painter->fillRect(area, palette.color(QPalette::AlternateBase));
        return;
    }
    if (ThumbnailCache::isPlaceholder(img)) { // unreadable: a grey tile with a cross
        painter->fillRect(area, palette.color(QPalette::Mid));
        painter->setPen(QPen(palette.color(QPalette::Dark), 2));
        const QRect r = area.adjusted(area.width() / 3, area.height() / 3, -area.width() / 3, -area.height() / 3);
        painter->drawLine(r.topLeft(), r.bottomRight());
        painter->drawLine(r.topRight(), r.bottomLeft());
        return;
    }
    QSize size = img.size();
    if (size.width() > area.width() || size.height() > area.height())
        size.scale(area.size(), Qt::KeepAspectRatio);
    QRect target(QPoint(), size);
    target.moveCenter(area.center());
    if (size == img.size()) {
        painter->drawImage(target.topLeft(), img); // the usual case: decoded at this size, a plain copy
    } else {
        painter->setRenderHint(QPainter::SmoothPixmapTransform);
        painter->drawImage(target, img);
    }
}

void GalleryDelegate::paintChip(QPainter *painter, const QRect &area, const QString &text, const QColor &color,
                                const QFont &font) const
{
    const QFontMetrics fm(font);
    const int padX = 5;
    const QString shown = fm.elidedText(text, Qt::ElideRight, area.width() - 2 * kInset - 2 * padX);
    const QRect chip(area.left() + kInset, area.bottom() - kInset - fm.height() - 1,
                     fm.horizontalAdvance(shown) + 2 * padX, fm.height() + 2);
    const QColor fill = color.isValid() ? color : QColor(0x60, 0x60, 0x60);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(chip, chip.height() / 2.0, chip.height() / 2.0);
    painter->setFont(font);
    painter->setPen(fill.lightnessF() > 0.6 ? Qt::black : Qt::white);
    painter->drawText(chip, Qt::AlignCenter, shown);
}

void GalleryDelegate::paintAutoMarker(QPainter *painter, const QRect &area, const QVariant &confidence,
                                      const QFont &font) const
{
    const QString text = confidence.isValid()
                             ? tr("auto %1").arg(confidence.toDouble(), 0, 'f', 2)
                             : tr("auto");
    const QFontMetrics fm(font);
    const int w = fm.horizontalAdvance(text) + 8;
    const QRect box(area.right() - kInset - w + 1, area.top() + kInset, w, fm.height() + 2);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 170));
    painter->drawRoundedRect(box, 3, 3);
    painter->setFont(font);
    painter->setPen(Qt::white);
    painter->drawText(box, Qt::AlignCenter, text);
}

void GalleryDelegate::paintFlag(QPainter *painter, const QRect &area)
{
    const QPointF base(area.left() + kInset + 2, area.top() + kInset);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(QColor(0x40, 0x10, 0x10), 1.5));
    painter->drawLine(base, base + QPointF(0, 18));
    QPainterPath pennant;
    pennant.moveTo(base);
    pennant.lineTo(base + QPointF(13, 4.5));
    pennant.lineTo(base + QPointF(0, 9));
    pennant.closeSubpath();
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0xd6, 0x27, 0x28));
    painter->drawPath(pennant);
}

GalleryView::GalleryView(QWidget *parent) : QListView(parent), m_delegate(new GalleryDelegate(this))
{
    setItemDelegate(m_delegate);
    // A wrapping left-to-right list with a fixed grid is the icon grid without IconMode's free layout, which
    // keeps an item object and a BSP tree entry per row and costs several times more per page inserted.
    setViewMode(QListView::ListMode);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched);
    setBatchSize(kLayoutBatchSize);
    setSpacing(0);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setWordWrap(false);
    updateGrid();
}

void GalleryView::setThumbnailEdge(int px)
{
    m_delegate->setThumbnailEdge(px);
    if (auto *gallery = qobject_cast<GalleryModel *>(model()))
        gallery->thumbnails()->setThumbnailEdge(m_delegate->thumbnailEdge());
    updateGrid();
}

int GalleryView::thumbnailEdge() const
{
    return m_delegate->thumbnailEdge();
}

void GalleryView::setModel(QAbstractItemModel *model)
{
    QListView::setModel(model);
    if (auto *gallery = qobject_cast<GalleryModel *>(model))
        gallery->thumbnails()->setThumbnailEdge(m_delegate->thumbnailEdge());
}

void GalleryView::dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    // Every cell has the grid's size, so no change of data moves anything: repaint the cells and skip
    // QListView's relayout of every row, which would run for each thumbnail that arrives.
    QAbstractItemView::dataChanged(topLeft, bottomRight, roles);
}

void GalleryView::changeEvent(QEvent *event)
{
    QListView::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateGrid();
}

void GalleryView::updateGrid()
{
    setGridSize(m_delegate->cellSize(fontMetrics()));
}

} // namespace gw::ui
