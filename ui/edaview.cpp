#include "ui/edaview.h"
#include "datasets/workpool.h"

#include "datasets/media.h"
#include "labeling/labelingsession.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
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
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
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

QChartView *viewOf(QChart *chart)
{
    auto *view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(380, 260);
    return view;
}

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

HeatMapView::HeatMapView(QImage image, int cells, QWidget *parent)
    : QWidget(parent), m_image(std::move(image)), m_cells(std::max(1, cells))
{
    setMinimumSize(m_image.size());
    setCursor(Qt::PointingHandCursor);
}

QPoint HeatMapView::cellAt(QPoint pos) const
{
    // The same layout as heatMapImage(): a title line, then square cells centred below it.
    const int side =
        std::max(1, std::min((m_image.width() - 20) / m_cells, (m_image.height() - 40) / m_cells));
    const QPoint origin((width() - m_image.width()) / 2 + (m_image.width() - side * m_cells) / 2, 30);
    const QPoint p = pos - origin;
    if (p.x() < 0 || p.y() < 0 || p.x() >= side * m_cells || p.y() >= side * m_cells)
        return {-1, -1};
    return {p.x() / side, p.y() / side};
}

void HeatMapView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.drawImage((width() - m_image.width()) / 2, 0, m_image);
}

void HeatMapView::mousePressEvent(QMouseEvent *event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.x() >= 0)
        Q_EMIT cellClicked(cell.x(), cell.y(), m_cells);
}

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
    m_suspectsButton = new QPushButton(tr("Find suspected label errors"));
    m_suspectsButton->setToolTip(
        tr("Trains a model on people's labels, each item scored by a model that did not "
           "see it, and lists the labels it contradicts most confidently"));
    m_suspectsButton->setEnabled(false);
    connect(m_suspectsButton, &QPushButton::clicked, this, &EdaView::findSuspects);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_suspectsButton);
    layout->addLayout(top);
    layout->addWidget(m_progress);
    layout->addWidget(scroll, 1);
}

EdaView::~EdaView()
{
    if (m_modelWatcher)
        m_modelWatcher->waitForFinished();
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
    m_insights.reset();
    if (m_modelWatcher) {
        m_modelWatcher->disconnect(this);
        m_modelWatcher->waitForFinished();
        m_modelWatcher->deleteLater();
        m_modelWatcher = nullptr;
    }
    m_storePath = storePath;
    m_job = job;
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
    m_watcher->setFuture(
        QtConcurrent::run(workPool(), [path = storePath.toStdString(), name = job.toStdString()]() -> Result<EdaReport> {
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

void EdaView::addFigures(std::vector<EdaFigure> figures)
{
    for (EdaFigure &f : figures) {
        if (!f.chart) {
            auto *map = new HeatMapView(f.image, m_report ? int(m_report->boxCentres.size()) : 16);
            map->setToolTip(
                tr("Where box centres fall in their images (top-left to bottom-right); darker: more "
                   "boxes. Click a cell for its images."));
            connect(map, &HeatMapView::cellClicked, this, [this](int column, int row, int cells) {
                requestItems(tr("Box centres in cell (%1, %2)").arg(column).arg(row), EdaMeasure::BoxCentre,
                             0, 0, false, column, row, cells);
            });
            addCard(map);
            continue;
        }
        if (f.measure)
            for (QAbstractSeries *series : f.chart->series())
                if (auto *bars = qobject_cast<QBarSeries *>(series))
                    connect(
                        bars, &QBarSeries::clicked, this,
                        [this, measure = *f.measure, h = f.histogram, title = f.title](int index, QBarSet *) {
                            const int n = int(h.counts.size());
                            if (index < 0 || index >= n)
                                return;
                            const double width = (h.max - h.min) / n;
                            const double low = h.min + width * index, high = low + width;
                            requestItems(tr("%1, %2 to %3").arg(title).arg(low).arg(high), measure, low, high,
                                         index == n - 1);
                        });
        if (f.title == tr("Accuracy of automatic labels per round"))
            for (QAbstractSeries *series : f.chart->series())
                if (auto *line = qobject_cast<QLineSeries *>(series))
                    connect(line, &QLineSeries::clicked, this, [this](const QPointF &at) {
                        if (!m_report || m_report->rounds.empty())
                            return;
                        const auto nearest = std::min_element(
                            m_report->rounds.begin(), m_report->rounds.end(),
                            [&](const RoundFigures &a, const RoundFigures &b) {
                                return std::abs(a.iteration - at.x()) < std::abs(b.iteration - at.x());
                            });
                        Q_EMIT authorRequested(QStringLiteral("autolabel-run-%1").arg(nearest->runId));
                    });
        if (f.classBars)
            for (QAbstractSeries *series : f.chart->series())
                if (auto *bars = qobject_cast<QStackedBarSeries *>(series))
                    connect(bars, &QStackedBarSeries::clicked, this, [this](int index, QBarSet *) {
                        if (index >= 0 && index < int(m_classIds.size()))
                            Q_EMIT classClicked(m_classIds[size_t(index)]);
                    });
        addCard(viewOf(f.chart));
    }
}

void EdaView::show(const EdaReport &r)
{
    m_report = r;
    m_suspectsButton->setEnabled(r.type == TaskType::ImageClassification ||
                                 r.type == TaskType::TextClassification);
    if (r.job.empty())
        m_suspectsButton->setEnabled(false);
    clearCards();
    QString summary = tr("%1 items").arg(r.items);
    if (!r.job.empty())
        summary += tr(", %1 labeled in job %2").arg(r.labelled).arg(qs(r.job));
    if (r.flagged)
        summary += tr("; %1 missing or unreadable").arg(r.flagged);
    if (r.itemsLabelledTwice)
        summary += QStringLiteral("; ") + agreementText(r);
    summary += tr(" (computed in %1 s). Click a class's bar to see its items.")
                   .arg(QString::number(r.seconds, 'f', 2));
    m_summary->setText(summary);

    m_classIds.clear();
    for (const ClassBalance &c : r.classes)
        m_classIds.push_back(c.id);
    addFigures(edaFigures(r, nullptr));
    if (!r.maskShares.empty()) {
        auto *t = table({tr("Class"), tr("Share of pixels")});
        for (const auto &[name, share] : r.maskShares)
            addRow(t, {qs(name), QString::number(100 * share, 'f', 2) + QLatin1Char('%')});
        addCard(t);
    }
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
                       a.medianSecondsPerItem > 0 ? QString::number(a.medianSecondsPerItem, 'f', 1)
                                                  : QStringLiteral("–")});
        t->setToolTip(tr("Double-click an annotator to see their items"));
        connect(t, &QTableWidget::cellDoubleClicked, this,
                [this, t](int row, int) { Q_EMIT authorRequested(t->item(row, 0)->text()); });
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
    m_pixelWatcher->setFuture(QtConcurrent::run(workPool(), [path = storePath.toStdString()] {
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
                        out.thumbnails.insert(
                            id, img.scaled(72, 72, Qt::KeepAspectRatio, Qt::SmoothTransformation));
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
    {
        // Brightness and contrast bins list their images straight from the figures in memory.
        std::vector<EdaFigure> figures = edaFigures(EdaReport{}, &*p.stats);
        for (EdaFigure &f : figures) {
            const bool brightness = f.title.startsWith(tr("Brightness"));
            std::vector<double> values;
            for (const ImageFigures &x : p.stats->images)
                if (!x.unreadable)
                    values.push_back(brightness ? x.brightness : x.contrast);
            const Histogram h = Histogram::of(values, 20);
            for (QAbstractSeries *series : f.chart->series())
                if (auto *bars = qobject_cast<QBarSeries *>(series))
                    connect(bars, &QBarSeries::clicked, this,
                            [this, h, brightness, title = f.title](int index, QBarSet *) {
                                std::vector<int64_t> ids;
                                for (const ImageFigures &x :
                                     m_pixels ? m_pixels->images : std::vector<ImageFigures>{})
                                    if (!x.unreadable &&
                                        h.binOf(brightness ? x.brightness : x.contrast) == index)
                                        ids.push_back(x.itemId);
                                Q_EMIT itemsRequested(tr("%1, bin %2").arg(title).arg(index + 1), ids);
                            });
        }
        addFigures(std::move(figures));
    }
    // Near-duplicates, side by side.
    auto *card = new QWidget;
    auto *layout = new QVBoxLayout(card);
    int64_t repeats = 0;
    for (const auto &g : p.stats->duplicateGroups)
        repeats += int64_t(g.size()) - 1;
    auto *title = new QLabel(
        p.stats->duplicateGroups.empty()
            ? tr("<b>Near-duplicates</b>: none (difference hashes within 4 bits)")
            : tr("<b>Near-duplicates</b>: %1 groups, %2 images repeating another%3")
                  .arg(p.stats->duplicateGroups.size())
                  .arg(repeats)
                  .arg(p.stats->unreadable ? tr("; %1 unreadable").arg(p.stats->unreadable) : QString()));
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
        auto *keep = new QPushButton(tr("Keep the first"));
        keep->setToolTip(
            tr("Sets the other %1 images of this group aside: out of exports and automated labeling "
               "(gw set-aside --restore brings them back)")
                .arg(group.size() - 1));
        connect(keep, &QPushButton::clicked, this, [this, keep, group] { keepFirst(group, keep); });
        row->addWidget(keep);
        layout->addLayout(row);
    }
    layout->addStretch();
    addCard(card, 2);
}

void EdaView::findSuspects()
{
    if (m_modelWatcher || m_job.isEmpty())
        return;
    m_suspectsButton->setEnabled(false);
    m_progress->show();
    m_modelWatcher = new QFutureWatcher<Result<activelearning::ModelInsights>>(this);
    connect(m_modelWatcher, &QFutureWatcherBase::finished, this, [this] {
        const auto r = m_modelWatcher->result();
        m_modelWatcher->deleteLater();
        m_modelWatcher = nullptr;
        m_progress->hide();
        m_suspectsButton->setEnabled(true);
        if (!r) {
            m_summary->setText(m_summary->text() + QLatin1Char(' ') +
                               tr("No model insights: %1").arg(qs(r.error().message)));
            Q_EMIT computed();
            return;
        }
        m_insights = *r;
        auto store = ProjectStore::open(m_storePath.toStdString(), ProjectStore::OpenMode::OpenExisting);
        auto job = store ? (*store)->job(m_job.toStdString()) : Result<Job>(fail(Error::notFound("")));
        if (job) {
            QChart *map = insightMapChart(*r, *job);
            // A point opens its item: the nearest mapped item to where the click landed.
            for (QAbstractSeries *series : map->series())
                if (auto *points = qobject_cast<QScatterSeries *>(series))
                    connect(points, &QScatterSeries::clicked, this, [this](const QPointF &at) {
                        if (!m_insights || m_insights->map.empty())
                            return;
                        size_t best = 0;
                        double bestDistance = INFINITY;
                        for (size_t i = 0; i < m_insights->map.size(); ++i) {
                            const double dx = m_insights->map[i][0] - at.x(),
                                         dy = m_insights->map[i][1] - at.y();
                            if (dx * dx + dy * dy < bestDistance) {
                                bestDistance = dx * dx + dy * dy;
                                best = i;
                            }
                        }
                        Q_EMIT itemActivated(m_insights->items[best]);
                    });
            addCard(viewOf(map), 2);
            auto *t = table({tr("Item"), tr("People said"), tr("The model says"), tr("Confidence")});
            for (const activelearning::SuspectedError &e : r->suspects) {
                auto item = (*store)->item(e.itemId);
                const LabelClass *given = job->classById(e.given), *predicted = job->classById(e.predicted);
                addRow(t, {item ? qs(item->kind == MediaKind::Text ? item->text.substr(0, 80) : item->uri)
                                : QString(),
                           given ? qs(given->name) : QString(), predicted ? qs(predicted->name) : QString(),
                           QString::number(e.confidence, 'f', 3)});
                t->item(t->rowCount() - 1, 0)->setData(Qt::UserRole, QVariant::fromValue(qint64(e.itemId)));
            }
            connect(t, &QTableWidget::cellDoubleClicked, this, [this, t](int row, int) {
                Q_EMIT itemActivated(t->item(row, 0)->data(Qt::UserRole).toLongLong());
            });
            t->setToolTip(
                tr("Suspected label errors (the model agrees with people on %1%); double-click to open")
                    .arg(QString::number(100 * r->outOfFoldAccuracy, 'f', 1)));
            addCard(t, 2);
        }
        Q_EMIT computed();
    });
    m_modelWatcher->setFuture(
        QtConcurrent::run(workPool(), [path = m_storePath.toStdString(),
                           name = m_job.toStdString()]() -> Result<activelearning::ModelInsights> {
            auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
            if (!store)
                return fail(store.error());
            auto job = (*store)->job(name);
            if (!job)
                return fail(job.error());
            return activelearning::modelInsights(**store, *job, {});
        }));
}

void EdaView::requestItems(const QString &what, EdaMeasure measure, double low, double high, bool lastBin,
                           int column, int row, int cells)
{
    auto *watcher = new QFutureWatcher<Result<std::vector<int64_t>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, what] {
        const auto ids = watcher->result();
        watcher->deleteLater();
        if (ids)
            Q_EMIT itemsRequested(what, *ids);
    });
    watcher->setFuture(
        QtConcurrent::run(workPool(), [path = m_storePath.toStdString(), job = m_job.toStdString(), measure, low, high,
                           lastBin, column, row, cells]() -> Result<std::vector<int64_t>> {
            auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
            if (!store)
                return fail(store.error());
            return itemsWhere(**store, job, measure, low, high, lastBin, column, row, cells);
        }));
}

void EdaView::keepFirst(const std::vector<int64_t> &group, QPushButton *button)
{
    button->setEnabled(false);
    auto *watcher = new QFutureWatcher<Result<int64_t>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, group, button] {
        const auto r = watcher->result();
        watcher->deleteLater();
        if (!r) {
            button->setEnabled(true);
            button->setToolTip(qs(r.error().message));
            return;
        }
        button->setText(tr("Kept the first; %1 set aside").arg(*r));
        Q_EMIT itemsSetAside(std::vector<int64_t>(group.begin() + 1, group.end()));
    });
    watcher->setFuture(QtConcurrent::run(workPool(), [path = m_storePath.toStdString(), group]() -> Result<int64_t> {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return fail(store.error());
        return keepOne(**store, group, labeling::LabelingSession::defaultAuthor());
    }));
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
