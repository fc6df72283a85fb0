#pragma once

// The EDA charts, built once for both the app's EDA view and the HTML report (which renders them to PNG):
// each figure of a report as a Qt Charts chart, or an image for the box-centre heat map.

#include "datasets/eda.h"
#include "activelearning/insights.h"
#include "datasets/imagestats.h"

#include <QImage>
#include <QString>

#include <optional>

#include <vector>

class QChart;

namespace gw::ui {

struct EdaFigure
{
    QString title;
    QChart *chart = nullptr; ///< owned by the caller (a view or a scene) once taken
    QImage image;            ///< instead of a chart (the heat map)
    bool classBars = false;  ///< bars per class, in the report's class order (drill-down)
    std::optional<datasets::EdaMeasure> measure; ///< a histogram of this measure (drill-down by bin)
    datasets::Histogram histogram;
};

/// The figures of a report, in the order the view shows them; pixels may be null.
std::vector<EdaFigure> edaFigures(const datasets::EdaReport &report, const datasets::ImageStats *pixels);
/// How much the people who answered the same items agree, in a sentence without a capital or full stop:
/// "people agree on 85.0% of the 120 items two or more answered (Krippendorff's α 0.71, Fleiss' κ 0.70);
/// 6 items below half".
QString agreementText(const datasets::EdaReport &report);
/// The model's map of the labelled items (one colour per class of the job).
QChart *insightMapChart(const activelearning::ModelInsights &insights, const datasets::Job &job);
/// Box centres as an image of the given size (darker: more boxes).
QImage heatMapImage(const std::vector<std::vector<int64_t>> &cells, const QString &title, QSize size);
/// Renders a chart into an image (the chart is deleted).
QImage renderChart(QChart *chart, QSize size);

} // namespace gw::ui
