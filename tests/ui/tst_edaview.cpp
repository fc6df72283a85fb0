// The EDA view in the main window: the charts of a job fill in from the background, and clicking a class's
// bar shows that class's items in the gallery.

#include "datasets/eda.h"
#include "testutil.h"
#include "ui/edacharts.h"
#include "ui/edaview.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QAbstractItemView>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QImage>
#include <QSettings>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QTest>
#include <QValueAxis>

#include <cmath>
#include <set>

using namespace gw;
using namespace gw::datasets;

namespace {

/// The values an axis puts ticks at, whichever way its ticks are set.
std::vector<double> tickValues(const QValueAxis &axis)
{
    std::vector<double> ticks;
    if (axis.tickType() == QValueAxis::TicksDynamic) {
        const double step = axis.tickInterval();
        for (double v = axis.tickAnchor() + std::ceil((axis.min() - axis.tickAnchor()) / step - 1e-9) * step;
             v <= axis.max() + 1e-9 * step; v += step)
            ticks.push_back(v);
    } else {
        for (int i = 0; i < axis.tickCount(); ++i)
            ticks.push_back(axis.min() + (axis.max() - axis.min()) * i / (axis.tickCount() - 1));
    }
    return ticks;
}

/// The tallest bar of a chart (stacked bars add up).
double tallestBar(const QChart &chart)
{
    std::map<int, double> heights;
    for (QAbstractSeries *series : chart.series())
        if (auto *bars = qobject_cast<QAbstractBarSeries *>(series))
            for (QBarSet *set : bars->barSets())
                for (int i = 0; i < set->count(); ++i) {
                    if (bars->type() == QAbstractSeries::SeriesTypeStackedBar)
                        heights[i] += set->at(i);
                    else
                        heights[i] = std::max(heights[i], set->at(i));
                }
    double most = 0;
    for (const auto &[i, h] : heights)
        most = std::max(most, h);
    return most;
}

} // namespace

class TestEdaView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void chartsFillInAndBarsDrillDown()
    {
        QTemporaryDir dir;
        const std::string path = test::path(dir, "p.gwproj");
        {
            auto s = test::newProject(path);
            Job j;
            j.name = "objects";
            j.type = TaskType::BoundingBox;
            j.classes = {{0, "car", "#1f77b4", "1", {}}, {1, "person", "#d62728", "2", {}}};
            const Job job = *s->createJob(j);
            auto tx = s->begin();
            for (int i = 0; i < 6; ++i) {
                Item it;
                it.uri = "img" + std::to_string(i) + ".png";
                it.width = 100;
                it.height = 80;
                it.split = i < 4 ? "train" : "test";
                (void)(*tx)->addItem(it);
                Annotation a;
                a.jobId = job.id;
                a.itemId = it.id;
                a.payload.boxes = {{i % 2, 10, 10, 20.0 + i, 30, std::nullopt}};
                a.provenance.author = "ann";
                (void)(*tx)->putAnnotation(a);
            }
            QVERIFY((*tx)->commit());
        }
        ui::MainWindow w;
        QVERIFY(w.openProject(QString::fromStdString(path)));
        QVERIFY(w.selectJob(QStringLiteral("objects")));
        ui::EdaView *view = w.explore();
        QVERIFY(view);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isComputing() && view->report().has_value(), 10000);
        QCOMPARE(view->report()->labelled, int64_t(6));
        // The pixel figures follow (these images are names only: all six unreadable, no duplicates).
        QVERIFY(view->imageStats().has_value());
        QCOMPARE(view->imageStats()->unreadable, int64_t(6));
        QVERIFY(view->imageStats()->duplicateGroups.empty());
        const QStringList titles = view->chartTitles();
        for (const char *t : {"Items per class, by who labeled them", "Items per class, by split", "Objects per image",
                              "Box area (share of the image)", "Box aspect ratio (width / height)"})
            QVERIFY2(view->chart(QString::fromUtf8(t)), qPrintable(titles.join(QStringLiteral(" | "))));
        // Clicking the "person" bar: the gallery shows people only.
        auto *series = qobject_cast<QStackedBarSeries *>(
            view->chart(QStringLiteral("Items per class, by split"))->chart()->series().value(0));
        QVERIFY(series);
        QCOMPARE(series->barSets().front()->at(1), 2.0); // person: 2 of the 4 train items
        Q_EMIT series->clicked(1, series->barSets().front());
        auto *classFilter = w.findChildren<QComboBox *>().at(2);
        QCOMPARE(classFilter->currentData().toInt(), 1);
        QTRY_COMPARE(w.itemList()->model()->rowCount(), 3);

        // A histogram's bar lists the items behind it: the smallest box area is image 0's alone.
        auto *areas = qobject_cast<QBarSeries *>(
            view->chart(QStringLiteral("Box area (share of the image)"))->chart()->series().value(0));
        QVERIFY(areas);
        Q_EMIT areas->clicked(0, areas->barSets().front());
        auto *filter = w.findChildren<QComboBox *>().at(1);
        QTRY_COMPARE(filter->currentText(), QStringLiteral("Selected in Explore"));
        QTRY_COMPARE(w.itemList()->model()->rowCount(), 1);
        QCOMPARE(w.itemList()->model()->index(0, 0).data(Qt::UserRole).toLongLong(), qint64(1));

        // A heat-map cell lists the images with a box centred there: all six boxes centre in cell (3, 5) of 16.
        auto *map = view->findChild<ui::HeatMapView *>();
        QVERIFY(map);
        QPoint inside(-1, -1);
        for (int y = 0; y < map->height() && inside.x() < 0; ++y)
            for (int x = 0; x < map->width(); ++x)
                if (map->cellAt(QPoint(x, y)) == QPoint(3, 5)) {
                    inside = QPoint(x + 2, y + 2);
                    break;
                }
        QVERIFY(inside.x() >= 0);
        QTest::mouseClick(map, Qt::LeftButton, {}, inside);
        QTRY_COMPARE(w.itemList()->model()->rowCount(), 6);

        // An annotator's row: the items they labelled (all six are ann's).
        QTableWidget *people = nullptr;
        for (QTableWidget *t : view->findChildren<QTableWidget *>())
            if (t->horizontalHeaderItem(0)->text() == QStringLiteral("Annotator"))
                people = t;
        QVERIFY(people);
        Q_EMIT people->cellDoubleClicked(0, 0);
        auto *author = w.findChildren<QComboBox *>().at(3);
        QCOMPARE(author->currentText(), QStringLiteral("ann"));
        QTRY_COMPARE(w.itemList()->model()->rowCount(), 6);
    }

    void countAxesShowWholeNumbers_data()
    {
        QTest::addColumn<int>("labels");
        QTest::newRow("one label") << 1;
        QTest::newRow("three labels") << 3;
        QTest::newRow("seven labels") << 7;
        QTest::newRow("230 labels") << 230;
    }
    void countAxesShowWholeNumbers()
    {
        // A count axis labelled "1, 0, 0, 0" (fractional ticks printed as whole numbers) says nothing: every
        // tick is a distinct whole number, and the tallest bar fits.
        QFETCH(int, labels);
        QTemporaryDir dir;
        const std::string path = test::path(dir, "p.gwproj");
        auto s = test::newProject(path);
        Job j;
        j.name = "topic";
        j.type = TaskType::TextClassification;
        j.classes = {{0, "sport", "#1f77b4", "1", {}}, {1, "music", "#ff7f0e", "2", {}}};
        const Job job = *s->createJob(j);
        auto tx = s->begin();
        for (int i = 0; i < labels; ++i) {
            Item it;
            it.kind = MediaKind::Text;
            it.text = "text number " + std::to_string(i) + std::string(size_t(i % 7), '!');
            it.split = i % 3 ? "train" : "test";
            (void)(*tx)->addItem(it);
            Annotation a;
            a.jobId = job.id;
            a.itemId = it.id;
            a.payload.classes = {i % 3 == 2 ? 1 : 0};
            a.payload.classConfidence = {std::nullopt};
            a.provenance.author = "ann";
            (void)(*tx)->putAnnotation(a);
        }
        QVERIFY((*tx)->commit());
        EdaOptions o;
        o.job = "topic";
        auto report = computeEda(*s, o);
        GW_VERIFY_OK(report);
        std::vector<ui::EdaFigure> figures = ui::edaFigures(*report, nullptr);
        int countAxes = 0;
        for (ui::EdaFigure &f : figures) {
            const std::unique_ptr<QChart> chart(f.chart);
            if (!chart || (!f.classBars && !f.measure))
                continue; // bars per class and histograms have counts up the side
            const auto vertical = chart->axes(Qt::Vertical);
            QCOMPARE(vertical.size(), 1);
            auto *axis = qobject_cast<QValueAxis *>(vertical.front());
            QVERIFY(axis);
            ++countAxes;
            const QString what = f.title + QStringLiteral(": ");
            const std::vector<double> ticks = tickValues(*axis);
            QVERIFY2(ticks.size() >= 2 && ticks.size() <= 11, qPrintable(what + QString::number(ticks.size())));
            QCOMPARE(axis->min(), 0.0);
            QVERIFY2(axis->max() >= tallestBar(*chart), qPrintable(what + QString::number(axis->max())));
            std::set<QString> shown;
            for (double v : ticks) {
                QVERIFY2(std::abs(v - std::round(v)) < 1e-9, qPrintable(what + QString::number(v)));
                shown.insert(QString::asprintf(axis->labelFormat().toLatin1().constData(), int(std::lround(v))));
            }
            QVERIFY2(shown.size() == ticks.size(), qPrintable(what + QString::number(ticks.size())));
            QCOMPARE(axis->labelFormat(), QStringLiteral("%d"));
        }
        QCOMPARE(countAxes, 4); // items per class by source and by split, labels per item, text length
    }

    void suspectedLabelErrorsFromAModel()
    {
        QTemporaryDir dir;
        const std::string path = test::path(dir, "t.gwproj");
        int64_t wrong = 0;
        {
            auto s = test::newProject(path);
            Job j;
            j.name = "topic";
            j.type = TaskType::TextClassification;
            j.classes = {{0, "sport", "#1f77b4", "1", {}}, {1, "music", "#ff7f0e", "2", {}}};
            const Job job = *s->createJob(j);
            const char *words[2][4] = {{"goal", "match", "league", "striker"}, {"guitar", "chord", "melody", "drummer"}};
            auto tx = s->begin();
            for (int i = 0; i < 120; ++i) {
                Item it;
                it.kind = MediaKind::Text;
                it.text = std::to_string(i) + " " + words[i % 2][i % 4] + " " + words[i % 2][(i / 2) % 4] + " today";
                (void)(*tx)->addItem(it);
                Annotation a;
                a.jobId = job.id;
                a.itemId = it.id;
                const int cls = i == 41 ? 0 : i % 2; // item 42 is music, labelled sport
                if (i == 41)
                    wrong = it.id;
                a.payload.classes = {cls};
                a.payload.classConfidence = {std::nullopt};
                a.provenance.author = "ann";
                (void)(*tx)->putAnnotation(a);
            }
            QVERIFY((*tx)->commit());
        }
        ui::MainWindow w;
        QVERIFY(w.openProject(QString::fromStdString(path)));
        QVERIFY(w.selectJob(QStringLiteral("topic")));
        ui::EdaView *view = w.explore();
        QTRY_VERIFY_WITH_TIMEOUT(!view->isComputing() && view->report().has_value(), 10000);
        view->findSuspects();
        QTRY_VERIFY_WITH_TIMEOUT(!view->isComputing() && view->insights().has_value(), 60000);
        QVERIFY(!view->insights()->suspects.empty());
        QCOMPARE(view->insights()->suspects.front().itemId, wrong);
        QCOMPARE(view->insights()->map.size(), size_t(120));
        // Clicking the suspect's point on the map opens it in the main window.
        QChartView *mapView = nullptr;
        for (QChartView *v : view->findChildren<QChartView *>())
            if (v->chart()->title().startsWith(QStringLiteral("Items mapped by the model")))
                mapView = v;
        QVERIFY(mapView);
        const auto &insights = *view->insights();
        const size_t at = size_t(std::find(insights.items.begin(), insights.items.end(), wrong) - insights.items.begin());
        auto *points = qobject_cast<QScatterSeries *>(mapView->chart()->series().value(0));
        QVERIFY(points);
        Q_EMIT points->clicked(QPointF(insights.map[at][0], insights.map[at][1]));
        QTRY_COMPARE(w.labelingPane()->currentItem(), wrong);
    }
};

QTEST_MAIN(TestEdaView)
#include "tst_edaview.moc"
