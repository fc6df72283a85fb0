#include "ui/edacharts.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCoreApplication>
#include <QGraphicsScene>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gw::ui {

using namespace gw::datasets;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EdaCharts", text);
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QChart *baseChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

/// A count axis from least to at least most with whole-number ticks: 1, 2 or 5 times a power of ten apart, at
/// most eight intervals, the top rounded up to a tick. Qt's default five ticks over a range of 1 print
/// "0, 0, 0, 0, 1" through "%d".
void setCountAxis(QValueAxis *axis, double most, double least = 0)
{
    constexpr int kMaxIntervals = 8;
    const double span = std::max(1.0, std::ceil(most) - least);
    double step = 1;
    for (int i = 0; span / step > kMaxIntervals; ++i)
        step *= i % 3 == 1 ? 2.5 : 2; // 1, 2, 5, 10, 20, 50, ...
    const double top = least + std::ceil(span / step) * step;
    axis->setRange(least, top);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(least);
    axis->setTickInterval(step);
    axis->setTickCount(int(std::lround((top - least) / step)) + 1);
    axis->setMinorTickCount(0);
    axis->setLabelFormat(QStringLiteral("%d"));
}

QString shortNumber(double v)
{
    if (std::abs(v) >= 100)
        return QString::number(std::round(v));
    return QString::number(v, 'g', 3);
}

QChart *histogramChart(const QString &title, const Histogram &h, const QString &unit)
{
    auto *set = new QBarSet(unit);
    set->setColor(QColor(0x1f, 0x77, 0xb4));
    QStringList categories;
    const int n = int(h.counts.size());
    const double width = n ? (h.max - h.min) / n : 0;
    for (int i = 0; i < n; ++i) {
        *set << double(h.counts[size_t(i)]);
        categories << shortNumber(h.min + width * i);
    }
    auto *series = new QBarSeries;
    series->append(set);
    series->setBarWidth(0.95);
    QChart *chart = baseChart(title);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(unit);
    if (n > 8) { // bin labels would not fit under narrow bars: the range goes in the title
        x->setLabelsVisible(false);
        x->setTitleVisible(false);
        chart->setTitle(tr("%1 (%2: %3 to %4)").arg(title, unit, shortNumber(h.min), shortNumber(h.max)));
    }
    auto *y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    setCountAxis(y, h.counts.empty() ? 0 : double(*std::max_element(h.counts.begin(), h.counts.end())));
    chart->legend()->hide();
    return chart;
}

QChart *classBalanceChart(const EdaReport &r, bool bySplit)
{
    struct Part
    {
        QString name;
        std::vector<const char *> keys;
        QColor color;
    };
    std::vector<Part> parts;
    if (bySplit) {
        parts.push_back({tr("train"), {"train"}, QColor(0x2c, 0xa0, 0x2c)});
        parts.push_back({tr("validation"), {"validation"}, QColor(0x94, 0x67, 0xbd)});
        parts.push_back({tr("test"), {"test"}, QColor(0xd6, 0x27, 0x28)});
        parts.push_back({tr("none"), {""}, QColor(0xbb, 0xbb, 0xbb)});
    } else {
        parts.push_back({tr("people"), {"human", "consolidated"}, QColor(0x1f, 0x77, 0xb4)});
        parts.push_back({tr("automatic"), {"auto"}, QColor(0xff, 0x7f, 0x0e)});
        parts.push_back({tr("imported"), {"imported"}, QColor(0x7f, 0x7f, 0x7f)});
    }
    auto *series = new QStackedBarSeries;
    std::vector<int64_t> stacked(r.classes.size(), 0);
    for (const Part &part : parts) {
        auto *set = new QBarSet(part.name);
        set->setColor(part.color);
        for (size_t i = 0; i < r.classes.size(); ++i) {
            int64_t n = 0;
            const auto &m = bySplit ? r.classes[i].bySplit : r.classes[i].bySource;
            for (const char *key : part.keys)
                if (auto it = m.find(key); it != m.end())
                    n += it->second;
            *set << double(n);
            stacked[i] += n;
        }
        series->append(set);
    }
    QChart *chart =
        baseChart(bySplit ? tr("Items per class, by split") : tr("Items per class, by who labeled them"));
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    for (const ClassBalance &c : r.classes)
        x->append(qs(c.name));
    auto *y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    setCountAxis(y, stacked.empty() ? 0 : double(*std::max_element(stacked.begin(), stacked.end())));
    return chart;
}

QChart *roundsChart(const EdaReport &r)
{
    auto *estimated = new QLineSeries;
    estimated->setName(tr("estimated (95% bound)"));
    auto *audited = new QLineSeries;
    audited->setName(tr("audited"));
    double low = 1;
    for (const RoundFigures &f : r.rounds) {
        if (f.estimated > 0) { // rounds without a qualifying threshold estimate nothing
            estimated->append(f.iteration, f.estimated);
            low = std::min(low, f.estimated);
        }
        if (f.audited) {
            audited->append(f.iteration, *f.audited);
            low = std::min(low, *f.audited);
        }
    }
    QChart *chart = baseChart(tr("Accuracy of automatic labels per round"));
    chart->addSeries(estimated);
    chart->addSeries(audited);
    auto *x = new QValueAxis;
    setCountAxis(x, std::max(2, r.rounds.back().iteration), 1);
    x->setTitleText(tr("round"));
    auto *y = new QValueAxis;
    y->setRange(std::max(0.0, std::floor((low - 0.01) * 20) / 20), 1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries *s : {estimated, audited}) {
        s->attachAxis(x);
        s->attachAxis(y);
        s->setPointsVisible(true);
    }
    return chart;
}

} // namespace

QChart *insightMapChart(const activelearning::ModelInsights &insights, const Job &job)
{
    QChart *chart =
        baseChart(tr("Items mapped by the model (PCA of its features: %1% + %2% of the variance)")
                      .arg(QString::number(100 * insights.explained[0], 'f', 0),
                           QString::number(100 * insights.explained[1], 'f', 0)));
    std::map<int, QScatterSeries *> byClass;
    for (const LabelClass &c : job.classes) {
        auto *series = new QScatterSeries;
        series->setName(qs(c.name));
        series->setColor(QColor(qs(c.color)));
        series->setBorderColor(QColor(qs(c.color)));
        series->setMarkerSize(6);
        byClass[c.id] = series;
    }
    for (size_t i = 0; i < insights.map.size(); ++i)
        if (auto it = byClass.find(insights.classes[i]); it != byClass.end())
            it->second->append(insights.map[i][0], insights.map[i][1]);
    for (auto &[id, series] : byClass)
        chart->addSeries(series);
    chart->createDefaultAxes();
    return chart;
}

QImage heatMapImage(const std::vector<std::vector<int64_t>> &cells, const QString &title, QSize size)
{
    QImage img(size, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setPen(Qt::black);
    QFont f = p.font();
    f.setBold(true);
    p.setFont(f);
    p.drawText(QRect(0, 4, size.width(), 20), Qt::AlignCenter, title);
    if (cells.empty() || cells.front().empty())
        return img;
    int64_t most = 1;
    for (const auto &row : cells)
        for (int64_t n : row)
            most = std::max(most, n);
    const int rows = int(cells.size()), cols = int(cells.front().size());
    const int side = std::max(1, std::min((size.width() - 20) / cols, (size.height() - 40) / rows));
    const QPoint origin((size.width() - side * cols) / 2, 30);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) {
            const double t = std::sqrt(double(cells[size_t(y)][size_t(x)]) / double(most));
            p.fillRect(QRect(origin + QPoint(x * side, y * side), QSize(side - 1, side - 1)),
                       QColor::fromRgbF(1 - 0.88 * t, 1 - 0.6 * t, 1 - 0.2 * t));
        }
    p.setPen(QColor(0xaa, 0xaa, 0xaa));
    p.drawRect(QRect(origin, QSize(side * cols, side * rows)).adjusted(-1, -1, 0, 0));
    return img;
}

QImage renderChart(QChart *chart, QSize size)
{
    QGraphicsScene scene; // owns the chart from here on
    scene.addItem(chart);
    chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    scene.setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
    QImage img(size, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    scene.render(&p, QRectF(QPointF(0, 0), QSizeF(size)), scene.sceneRect());
    return img;
}

std::vector<EdaFigure> edaFigures(const EdaReport &r, const ImageStats *pixels)
{
    std::vector<EdaFigure> out;
    auto add = [&](QChart *chart, bool classBars = false) {
        out.push_back({chart->title(), chart, {}, classBars, {}, {}});
    };
    auto addHistogram = [&](QChart *chart, EdaMeasure measure, const Histogram &h) {
        out.push_back({chart->title(), chart, {}, false, measure, h});
    };
    if (!r.classes.empty()) {
        add(classBalanceChart(r, false), true);
        add(classBalanceChart(r, true), true);
    }
    if (r.labelsPerItem.total)
        addHistogram(histogramChart(r.type == TaskType::BoundingBox              ? tr("Objects per image")
                                    : r.type == TaskType::NamedEntityRecognition ? tr("Entities per text")
                                                                                 : tr("Labels per item"),
                                    r.labelsPerItem, tr("count")),
                     EdaMeasure::LabelsPerItem, r.labelsPerItem);
    if (r.boxArea.total) {
        addHistogram(histogramChart(tr("Box width"), r.boxWidth, tr("pixels")), EdaMeasure::BoxWidth,
                     r.boxWidth);
        addHistogram(histogramChart(tr("Box height"), r.boxHeight, tr("pixels")), EdaMeasure::BoxHeight,
                     r.boxHeight);
        addHistogram(histogramChart(tr("Box area (share of the image)"), r.boxArea, tr("share")),
                     EdaMeasure::BoxArea, r.boxArea);
        addHistogram(histogramChart(tr("Box aspect ratio (width / height)"), r.boxAspect, tr("ratio")),
                     EdaMeasure::BoxAspect, r.boxAspect);
        out.push_back({tr("Box centres"),
                       nullptr,
                       heatMapImage(r.boxCentres, tr("Box centres"), QSize(420, 300)),
                       false,
                       EdaMeasure::BoxCentre,
                       {}});
    }
    if (r.autoConfidence.total)
        addHistogram(histogramChart(tr("Confidence of automatic labels"), r.autoConfidence, tr("confidence")),
                     EdaMeasure::AutoConfidence, r.autoConfidence);
    if (!r.rounds.empty())
        add(roundsChart(r));
    if (r.imageWidth.total) {
        addHistogram(histogramChart(tr("Image width"), r.imageWidth, tr("pixels")), EdaMeasure::ImageWidth,
                     r.imageWidth);
        addHistogram(histogramChart(tr("Image aspect ratio (width / height)"), r.imageAspect, tr("ratio")),
                     EdaMeasure::ImageAspect, r.imageAspect);
    }
    if (r.textLength.total)
        addHistogram(histogramChart(tr("Text length"), r.textLength, tr("characters")),
                     EdaMeasure::TextLength, r.textLength);
    if (pixels) {
        std::vector<double> brightness, contrast;
        for (const ImageFigures &f : pixels->images)
            if (!f.unreadable) {
                brightness.push_back(f.brightness);
                contrast.push_back(f.contrast);
            }
        if (!brightness.empty()) {
            add(histogramChart(tr("Brightness (mean grey level)"), Histogram::of(brightness, 20),
                               tr("0-255")));
            add(histogramChart(tr("Contrast (spread of grey levels)"), Histogram::of(contrast, 20),
                               tr("std. dev.")));
        }
    }
    return out;
}

QString agreementText(const datasets::EdaReport &r)
{
    QString text = QCoreApplication::translate("gw::ui::EdaView", "people agree on %1% of the %2 items two or more answered")
                       .arg(QString::number(100 * r.agreement, 'f', 1))
                       .arg(r.itemsLabelledTwice);
    if (r.alpha || r.kappa) {
        QStringList parts;
        if (r.alpha)
            parts << QCoreApplication::translate("gw::ui::EdaView", "Krippendorff's \u03b1 %1").arg(*r.alpha, 0, 'f', 2);
        if (r.kappa)
            parts << QCoreApplication::translate("gw::ui::EdaView", "Fleiss' \u03ba %1").arg(*r.kappa, 0, 'f', 2);
        text += QStringLiteral(" (") + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
    } else if (r.pairwise) {
        text += QCoreApplication::translate("gw::ui::EdaView", " (%1 between two answers: %2 on average)")
                    .arg(QString::fromStdString(r.agreementMeasure))
                    .arg(*r.pairwise, 0, 'f', 2);
    }
    if (r.lowAgreement > 0)
        text += QCoreApplication::translate("gw::ui::EdaView", "; %1 items below half").arg(r.lowAgreement);
    return text;
}

} // namespace gw::ui
