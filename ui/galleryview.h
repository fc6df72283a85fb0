#pragma once

// The gallery: a grid of thumbnails over a GalleryModel that stays fluid on a million images. Every cell has
// the grid's size, painting reads only what the model already holds, and thumbnails arrive in the background.

#include <QListView>
#include <QStyledItemDelegate>

namespace gw::ui {

/// Paints one gallery cell: the thumbnail (aspect kept, centred), the file name elided, a chip with the label
/// in its class colour, "auto 0.93" on automatic labels, a red flag on missing or unreadable media, and a
/// clear frame around selected cells. Nothing but painting happens here.
class GalleryDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit GalleryDelegate(QObject *parent = nullptr);

    void setThumbnailEdge(int px);
    int thumbnailEdge() const { return m_edge; }
    /// The size of every cell, which is also the view's grid.
    QSize cellSize(const QFontMetrics &fm) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    void paintThumbnail(QPainter *painter, const QRect &area, const QImage &img, const QPalette &palette) const;
    void paintChip(QPainter *painter, const QRect &area, const QString &text, const QColor &color,
                   const QFont &font) const;
    void paintAutoMarker(QPainter *painter, const QRect &area, const QVariant &confidence, const QFont &font) const;
    static void paintFlag(QPainter *painter, const QRect &area);

    int m_edge = 160;
};

/// A QListView set up as a fixed grid: left-to-right wrapping layout with uniform cells, laid out in batches.
/// Thumbnail arrivals repaint one cell without laying out the list again.
class GalleryView : public QListView
{
    Q_OBJECT
public:
    explicit GalleryView(QWidget *parent = nullptr);

    /// Cell size follows; a GalleryModel set on the view gets thumbnails of this size too.
    void setThumbnailEdge(int px);
    int thumbnailEdge() const;
    GalleryDelegate *galleryDelegate() const { return m_delegate; }

    void setModel(QAbstractItemModel *model) override;

    /// Rows laid out per batch: a few milliseconds of work, so scrolling stays fluid while a long list is
    /// laid out again after each page arrives.
    static constexpr int kLayoutBatchSize = 5000;

protected:
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                     const QList<int> &roles = QList<int>()) override;
    void changeEvent(QEvent *event) override;

private:
    void updateGrid();

    GalleryDelegate *m_delegate;
};

} // namespace gw::ui
