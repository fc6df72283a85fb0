#pragma once

// The EDA view: the figures of datasets/eda as charts — class balance by source and by split, labels per
// item, box areas and aspect ratios, a heat map of box centres, auto-label confidence, the automated-labeling
// rounds, image sizes and text lengths — with tables of annotators and characteristic words. Computed in the
// background on a store connection of its own; clicking a class's bar asks the main window to show that
// class's items.

#include "datasets/eda.h"
#include "datasets/imagestats.h"
#include "ui/edacharts.h"

#include <QImage>
#include <QMap>

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QChartView;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace gw::ui {

/// The box-centre heat map (an image from edacharts) whose cells can be clicked.
class HeatMapView : public QWidget
{
    Q_OBJECT
public:
    HeatMapView(QImage image, int cells, QWidget *parent = nullptr);
    QSize sizeHint() const override { return m_image.size(); }
    /// The cell under a point of the widget, or (-1, -1).
    QPoint cellAt(QPoint pos) const;

Q_SIGNALS:
    void cellClicked(int column, int row, int cells);

protected:
    void paintEvent(QPaintEvent *) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QImage m_image;
    int m_cells;
};

class EdaView : public QWidget
{
    Q_OBJECT
public:
    explicit EdaView(QWidget *parent = nullptr);
    ~EdaView() override;

    /// Computes the job's figures in the background (job empty: the project's items only).
    void setJob(const QString &storePath, const QString &job);
    bool isComputing() const { return m_watcher || m_pixelWatcher || m_modelWatcher; }
    const std::optional<datasets::EdaReport> &report() const { return m_report; }
    /// The pixel figures (image jobs), once computed.
    const std::optional<datasets::ImageStats> &imageStats() const { return m_pixels; }
    /// The charts shown, by title (for tests and screenshots).
    QStringList chartTitles() const;
    QChartView *chart(const QString &title) const;
    /// Trains a model on people's labels (k-fold) in the background to list suspected label errors and map the
    /// items; single-label classification jobs.
    void findSuspects();
    const std::optional<activelearning::ModelInsights> &insights() const { return m_insights; }

Q_SIGNALS:
    /// Someone clicked the bar of a class: show its items.
    void classClicked(int classId);
    /// Someone clicked a histogram's bar: the items behind it.
    void itemsRequested(const QString &what, const std::vector<int64_t> &itemIds);
    /// Someone clicked a round or an annotator: show the items labelled by that author.
    void authorRequested(const QString &author);
    /// Items were set aside ("keep the first" of near-duplicates): views should reload them.
    void itemsSetAside(const std::vector<int64_t> &itemIds);
    /// Someone double-clicked a suspected label error: open the item.
    void itemActivated(int64_t itemId);
    void computed();

private:
    void show(const datasets::EdaReport &r);
    struct Pixels
    {
        Result<datasets::ImageStats> stats = fail(Error::internal("not computed"));
        QMap<int64_t, QImage> thumbnails; ///< of the first duplicate groups
    };
    void startPixels(const QString &storePath);
    void showPixels(const Pixels &p);
    void clearCards();
    void addCard(QWidget *w, int span = 1);
    void addFigures(std::vector<EdaFigure> figures);
    void keepFirst(const std::vector<int64_t> &group, QPushButton *button);
    void requestItems(const QString &what, datasets::EdaMeasure measure, double low, double high, bool lastBin,
                      int column = 0, int row = 0, int cells = 16);

    QLabel *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    QGridLayout *m_grid = nullptr;
    QWidget *m_cards = nullptr;
    int m_next = 0;
    std::vector<int> m_classIds;
    std::optional<datasets::EdaReport> m_report;
    QFutureWatcher<Result<datasets::EdaReport>> *m_watcher = nullptr;
    QFutureWatcher<Pixels> *m_pixelWatcher = nullptr;
    QFutureWatcher<Result<activelearning::ModelInsights>> *m_modelWatcher = nullptr;
    std::optional<activelearning::ModelInsights> m_insights;
    QPushButton *m_suspectsButton = nullptr;
    QString m_job;
    std::optional<datasets::ImageStats> m_pixels;
    QString m_storePath;
    QList<QChartView *> m_charts;
};

} // namespace gw::ui
