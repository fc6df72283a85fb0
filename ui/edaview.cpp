#include "ui/edaview.h"

#include "datasets/media.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPainter>
#include <QProgressBar>
#include <QScrollArea>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace gw::ui {

using namespace gw::datasets;

namespace {

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

QChartView *viewOf(QChart *chart)
{
    auto *view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(380, 260);
    return view;
}

/// "12.5" without trailing zeros, for bin labels.
QString shortNumber(double v)
{
    if (std::abs(v) >= 100)
        return QString::number(std::round(v));
    return QString::number(v, 'g', 3);
}

/// A heat map of counts on a grid (box centres over the image).
class HeatMap : public QWidget
{
public:
    HeatMap(std::vector<std::vector<int64_t>> cells, QString title) : m_cells(std::move(cells)), m_title(std::move(title))
    {
        setMinimumSize(380, 260);
        setToolTip(tr("Where box centres fall in their images (top-left to bottom-right); darker: more boxes"));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), palette().base());
        p.setPen(palette().text().color());
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        p.drawText(QRect(0, 4, width(), 20), Qt::AlignCenter, m_title);
        if (m_cells.empty())
            return;
        int64_t most = 1;
        for (const auto &row : m_cells)
            for (int64_t n : row)
                most = std::max(most, n);
        const int rows = int(m_cells.size()), cols = int(m_cells.front().size());
        const int side = std::min((width() - 20) / cols, (height() - 40) / rows);
        const QPoint origin((width() - side * cols) / 2, 30);
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) {
                const double t = std::sqrt(double(m_cells[size_t(y)][size_t(x)]) / double(most));
                const QColor c = QColor::fromRgbF(1 - 0.88 * t, 1 - 0.6 * t, 1 - 0.2 * t);
                p.fillRect(QRect(origin + QPoint(x * side, y * side), QSize(side - 1, side - 1)), c);
            }
        p.setPen(QPen(palette().mid().color()));
        p.drawRect(QRect(origin, QSize(side * cols, side * rows)).adjusted(-1, -1, 0, 0));
    }

private:
    std::vector<std::vector<int64_t>> m_cells;
    QString m_title;
};

QTableWidget *table(const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setMinimumSize(380, 200);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells)
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

} // namespace

EdaView::EdaView(QWidget *parent) : QWidget(parent)
{
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    m_progress->setMaximumHeight(10);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_cards = new QWidget;
    m_grid = new QGridLayout(m_cards);
    m_grid->setSpacing(10);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_cards);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addWidget(scroll, 1);
}

EdaView::~EdaView()
{
    if (m_watcher)
        m_watcher->waitForFinished();
    if (m_pixelWatcher)
        m_pixelWatcher->waitForFinished();
}

void EdaView::setJob(const QString &storePath, const QString &job)
{
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->waitForFinished();
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
    if (m_pixelWatcher) {
        m_pixelWatcher->disconnect(this);
        m_pixelWatcher->waitForFinished();
        m_pixelWatcher->deleteLater();
        m_pixelWatcher = nullptr;
    }
    m_pixels.reset();
    m_storePath = storePath;
    m_summary->setText(tr("Computing the figures of %1…").arg(job.isEmpty() ? tr("the project") : job));
    m_progress->show();
    m_watcher = new QFutureWatcher<Result<EdaReport>>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<EdaReport> r = m_watcher->result();
        m_watcher->deleteLater();
        m_watcher = nullptr;
        m_progress->hide();
        if (!r) {
            m_summary->setText(tr("The figures could not be computed: %1").arg(qs(r.error().message)));
            return;
        }
        show(*r);
        if (r->job.empty() || taskInfo(r->type).image) {
            startPixels(m_storePath);
            return; // computed() when the pixels are in too
        }
        Q_EMIT computed();
    });
    m_watcher->setFuture(QtConcurrent::run([path = storePath.toStdString(), name = job.toStdString()]() -> Result<EdaReport> {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return fail(store.error());
        EdaOptions o;
        o.job = name;
        return computeEda(**store, o);
    }));
}

void EdaView::clearCards()
{
    while (QLayoutItem *item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_charts.clear();
    m_next = 0;
}

void EdaView::addCard(QWidget *w, int span)
{
    constexpr int columns = 2;
    if (m_next % columns + span > columns)
        m_next += columns - m_next % columns;
    m_grid->addWidget(w, m_next / columns, m_next % columns, 1, span);
    m_next += span;
    if (auto *view = qobject_cast<QChartView *>(w))
        m_charts.push_back(view);
}

QChartView *EdaView::histogramChart(const QString &title, const Histogram &h, const QString &unit)
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
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart->legend()->hide();
    return viewOf(chart);
}

void EdaView::show(const EdaReport &r)
{
    m_report = r;
    clearCards();
    QString summary = tr("%1 items").arg(r.items);
    if (!r.job.empty())
        summary += tr(", %1 labelled in job %2").arg(r.labelled).arg(qs(r.job));
    if (r.flagged)
        summary += tr("; %1 missing or unreadable").arg(r.flagged);
    if (r.itemsLabelledTwice)
        summary += tr("; people agree on %1% of the %2 items two of them labelled")
                       .arg(QString::number(100 * r.agreement, 'f', 1))
                       .arg(r.itemsLabelledTwice);
    summary += tr(" (computed in %1 s). Click a class's bar to see its items.").arg(QString::number(r.seconds, 'f', 2));
    m_summary->setText(summary);

    if (!r.classes.empty()) {
        // Class balance by who labelled, and by split.
        QStringList names;
        m_classIds.clear();
        for (const ClassBalance &c : r.classes) {
            names << qs(c.name);
            m_classIds.push_back(c.id);
        }
        auto stacked = [&](const QString &title, const std::vector<std::pair<QString, std::vector<const char *>>> &parts,
                           bool bySplit, const std::vector<QColor> &colors) {
            auto *series = new QStackedBarSeries;
            for (size_t k = 0; k < parts.size(); ++k) {
                auto *set = new QBarSet(parts[k].first);
                set->setColor(colors[k % colors.size()]);
                for (const ClassBalance &c : r.classes) {
                    int64_t n = 0;
                    const auto &m = bySplit ? c.bySplit : c.bySource;
                    for (const char *key : parts[k].second)
                        if (auto it = m.find(key); it != m.end())
                            n += it->second;
                    *set << double(n);
                }
                series->append(set);
            }
            connect(series, &QStackedBarSeries::clicked, this, [this](int index, QBarSet *) {
                if (index >= 0 && index < int(m_classIds.size()))
                    Q_EMIT classClicked(m_classIds[size_t(index)]);
            });
            QChart *chart = baseChart(title);
            chart->addSeries(series);
            auto *x = new QBarCategoryAxis;
            x->append(names);
            auto *y = new QValueAxis;
            y->setLabelFormat(QStringLiteral("%d"));
            chart->addAxis(x, Qt::AlignBottom);
            chart->addAxis(y, Qt::AlignLeft);
            series->attachAxis(x);
            series->attachAxis(y);
            return viewOf(chart);
        };
        addCard(stacked(tr("Items per class, by who labelled them"),
                        {{tr("people"), {"human", "consolidated"}}, {tr("automatic"), {"auto"}}, {tr("imported"), {"imported"}}},
                        false, {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x7f, 0x7f, 0x7f)}));
        addCard(stacked(tr("Items per class, by split"),
                        {{tr("train"), {"train"}}, {tr("validation"), {"validation"}}, {tr("test"), {"test"}}, {tr("none"), {""}}},
                        true,
                        {QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd), QColor(0xd6, 0x27, 0x28), QColor(0xbb, 0xbb, 0xbb)}));
    }
    if (r.labelsPerItem.total)
        addCard(histogramChart(r.type == TaskType::BoundingBox ? tr("Objects per image")
                               : r.type == TaskType::NamedEntityRecognition ? tr("Entities per text")
                                                                            : tr("Labels per item"),
                               r.labelsPerItem, tr("count")));
    if (r.boxArea.total) {
        addCard(histogramChart(tr("Box area (share of the image)"), r.boxArea, tr("share")));
        addCard(histogramChart(tr("Box aspect ratio (width / height)"), r.boxAspect, tr("ratio")));
        addCard(new HeatMap(r.boxCentres, tr("Box centres")));
    }
    if (!r.maskShares.empty()) {
        auto *t = table({tr("Class"), tr("Share of pixels")});
        for (const auto &[name, share] : r.maskShares)
            addRow(t, {qs(name), QString::number(100 * share, 'f', 2) + QLatin1Char('%')});
        addCard(t);
    }
    if (r.autoConfidence.total)
        addCard(histogramChart(tr("Confidence of automatic labels"), r.autoConfidence, tr("confidence")));
    if (!r.rounds.empty()) {
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
        const int last = std::max(2, r.rounds.back().iteration);
        x->setRange(1, last);
        x->setTickCount(std::min(last, 11));
        x->setLabelFormat(QStringLiteral("%d"));
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
        addCard(viewOf(chart));
    }
    if (r.imageWidth.total)
        addCard(histogramChart(tr("Image width"), r.imageWidth, tr("pixels")));
    if (r.textLength.total)
        addCard(histogramChart(tr("Text length"), r.textLength, tr("characters")));
    if (!r.characteristicWords.empty()) {
        auto *t = table({tr("Class"), tr("Characteristic words")});
        for (const auto &[cls, words] : r.characteristicWords) {
            QStringList list;
            for (const auto &[w, z] : words)
                list << qs(w);
            addRow(t, {qs(cls), list.join(QStringLiteral(", "))});
        }
        t->resizeColumnToContents(0);
        addCard(t, 2);
    }
    if (!r.annotators.empty()) {
        auto *t = table({tr("Annotator"), tr("Labels"), tr("Per hour"), tr("Seconds per item")});
        for (const AnnotatorStats &a : r.annotators)
            addRow(t, {qs(a.name), QString::number(a.labels), QString::number(a.itemsPerHour, 'f', 1),
                       a.medianSecondsPerItem > 0 ? QString::number(a.medianSecondsPerItem, 'f', 1) : QStringLiteral("–")});
        addCard(t);
    }
}

void EdaView::startPixels(const QString &storePath)
{
    m_progress->show();
    m_pixelWatcher = new QFutureWatcher<Pixels>(this);
    connect(m_pixelWatcher, &QFutureWatcherBase::finished, this, [this] {
        const Pixels p = m_pixelWatcher->result();
        m_pixelWatcher->deleteLater();
        m_pixelWatcher = nullptr;
        m_progress->hide();
        showPixels(p);
        Q_EMIT computed();
    });
    m_pixelWatcher->setFuture(QtConcurrent::run([path = storePath.toStdString()] {
        Pixels out;
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store) {
            out.stats = fail(store.error());
            return out;
        }
        out.stats = computeImageStats(**store, {});
        if (!out.stats)
            return out;
        const std::string dir = (*store)->projectDir();
        for (size_t g = 0; g < out.stats->duplicateGroups.size() && g < 8; ++g)
            for (size_t k = 0; k < out.stats->duplicateGroups[g].size() && k < 6; ++k) {
                const int64_t id = out.stats->duplicateGroups[g][k];
                if (auto item = (*store)->item(id)) {
                    QImage img(QString::fromStdString(media::resolve(dir, item->uri)));
                    if (!img.isNull())
                        out.thumbnails.insert(id, img.scaled(72, 72, Qt::KeepAspectRatio, Qt::SmoothTransformation));
                }
            }
        return out;
    }));
}

void EdaView::showPixels(const Pixels &p)
{
    if (!p.stats) {
        m_summary->setText(m_summary->text() + QLatin1Char(' ') +
                           tr("Pixel figures could not be computed: %1").arg(qs(p.stats.error().message)));
        return;
    }
    m_pixels = *p.stats;
    std::vector<double> brightness, contrast;
    for (const ImageFigures &f : p.stats->images)
        if (!f.unreadable) {
            brightness.push_back(f.brightness);
            contrast.push_back(f.contrast);
        }
    if (!brightness.empty()) {
        addCard(histogramChart(tr("Brightness (mean grey level)"), Histogram::of(brightness, 20), tr("0-255")));
        addCard(histogramChart(tr("Contrast (spread of grey levels)"), Histogram::of(contrast, 20), tr("std. dev.")));
    }
    // Near-duplicates, side by side.
    auto *card = new QWidget;
    auto *layout = new QVBoxLayout(card);
    int64_t repeats = 0;
    for (const auto &g : p.stats->duplicateGroups)
        repeats += int64_t(g.size()) - 1;
    auto *title = new QLabel(p.stats->duplicateGroups.empty()
                                 ? tr("<b>Near-duplicates</b>: none (difference hashes within 4 bits)")
                                 : tr("<b>Near-duplicates</b>: %1 groups, %2 images repeating another%3")
                                       .arg(p.stats->duplicateGroups.size())
                                       .arg(repeats)
                                       .arg(p.stats->unreadable ? tr("; %1 unreadable").arg(p.stats->unreadable)
                                                                : QString()));
    layout->addWidget(title);
    for (size_t g = 0; g < p.stats->duplicateGroups.size() && g < 8; ++g) {
        auto *row = new QHBoxLayout;
        const auto &group = p.stats->duplicateGroups[g];
        for (size_t k = 0; k < group.size() && k < 6; ++k) {
            auto *thumb = new QLabel;
            thumb->setFixedSize(76, 76);
            thumb->setAlignment(Qt::AlignCenter);
            thumb->setFrameShape(QFrame::StyledPanel);
            thumb->setPixmap(QPixmap::fromImage(p.thumbnails.value(group[k])));
            thumb->setToolTip(tr("item %1").arg(group[k]));
            row->addWidget(thumb);
        }
        if (group.size() > 6)
            row->addWidget(new QLabel(tr("and %1 more").arg(group.size() - 6)));
        row->addStretch();
        layout->addLayout(row);
    }
    layout->addStretch();
    addCard(card, 2);
}

QStringList EdaView::chartTitles() const
{
    QStringList titles;
    for (QChartView *v : m_charts)
        titles << v->chart()->title();
    return titles;
}

QChartView *EdaView::chart(const QString &title) const
{
    for (QChartView *v : m_charts)
        if (v->chart()->title() == title || v->chart()->title().startsWith(title + QStringLiteral(" (")))
            return v;
    return nullptr;
}

} // namespace gw::ui
