#pragma once

// The EDA view: the figures of datasets/eda as charts — class balance by source and by split, labels per
// item, box areas and aspect ratios, a heat map of box centres, auto-label confidence, the automated-labeling
// rounds, image sizes and text lengths — with tables of annotators and characteristic words. Computed in the
// background on a store connection of its own; clicking a class's bar asks the main window to show that
// class's items.

#include "datasets/eda.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QChartView;
class QGridLayout;
class QLabel;
class QProgressBar;
class QTableWidget;

namespace gw::ui {

class EdaView : public QWidget
{
    Q_OBJECT
public:
    explicit EdaView(QWidget *parent = nullptr);
    ~EdaView() override;

    /// Computes the job's figures in the background (job empty: the project's items only).
    void setJob(const QString &storePath, const QString &job);
    bool isComputing() const { return m_watcher != nullptr; }
    const std::optional<datasets::EdaReport> &report() const { return m_report; }
    /// The charts shown, by title (for tests and screenshots).
    QStringList chartTitles() const;
    QChartView *chart(const QString &title) const;

Q_SIGNALS:
    /// Someone clicked the bar of a class: show its items.
    void classClicked(int classId);
    void computed();

private:
    void show(const datasets::EdaReport &r);
    void clearCards();
    void addCard(QWidget *w, int span = 1);
    QChartView *histogramChart(const QString &title, const datasets::Histogram &h, const QString &unit);

    QLabel *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    QGridLayout *m_grid = nullptr;
    QWidget *m_cards = nullptr;
    int m_next = 0;
    std::vector<int> m_classIds;
    std::optional<datasets::EdaReport> m_report;
    QFutureWatcher<Result<datasets::EdaReport>> *m_watcher = nullptr;
    QList<QChartView *> m_charts;
};

} // namespace gw::ui
