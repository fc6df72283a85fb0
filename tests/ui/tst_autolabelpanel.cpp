// The automated-labeling panel in the main window, driven as a team lead and an annotator would: turn it on,
// label what it queues (most useful first, in the list's default order), watch the next round start by itself
// in the background, see the figures and the chart, cancel a round, and come back to the job's last figures.

#include "testutil.h"
#include "ui/autolabelpanel.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QAbstractItemView>
#include <QChart>
#include <QComboBox>
#include <QLineSeries>
#include <QSettings>
#include <QTest>

#include <array>
#include <map>

using namespace gw;
using namespace gw::datasets;

namespace {

/// 600 short texts in three topics (words of their own and words they share); the truth by item id.
std::string makeProject(const QTemporaryDir &dir, std::map<int64_t, int> &truth)
{
    const std::string path = test::path(dir, "topics.gwproj");
    auto store = test::newProject(path);
    const char *topics[3][4] = {{"goal", "match", "league", "striker"},
                                {"guitar", "chord", "melody", "drummer"},
                                {"compiler", "kernel", "bytes", "debugger"}};
    const char *shared[] = {"the", "new", "today", "people", "great", "about", "with", "their"};
    uint32_t seed = 11;
    auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
    auto tx = store->begin();
    for (int i = 0; i < 600; ++i) {
        Item it;
        it.kind = MediaKind::Text;
        it.text = std::to_string(i);
        for (int w = 0; w < 8; ++w)
            it.text += std::string(" ") + (next() % 3 ? shared[next() % 8] : topics[i % 3][next() % 4]);
        it.text += std::string(" ") + topics[i % 3][next() % 4];
        (void)(*tx)->addItem(it);
        truth[it.id] = i % 3;
    }
    (void)(*tx)->commit();
    Job j;
    j.name = "topic";
    j.type = TaskType::TextClassification;
    j.classes = {{0, "sport", "#1f77b4", "1", {}}, {1, "music", "#ff7f0e", "2", {}}, {2, "computing", "#2ca02c", "3", {}}};
    (void)store->createJob(j);
    return path;
}

int classOf(ProjectStore *store, int64_t item)
{
    auto a = store->currentAnnotation(store->job("topic")->id, item);
    return a && *a && !(*a)->payload.classes.empty() ? (*a)->payload.classes.front() : -1;
}

/// Labels every row of the list with its true class through the class keys, as an annotator would.
int labelList(ui::MainWindow &w, const std::map<int64_t, int> &truth)
{
    const int rows = w.itemList()->model()->rowCount();
    for (int row = 0; row < rows; ++row) {
        w.goToRow(row);
        const int64_t id = w.labelingPane()->currentItem();
        w.labelingPane()->handleClassKey(QKeySequence(QKeyCombination(Qt::Key(Qt::Key_1 + truth.at(id)))));
    }
    return rows;
}

} // namespace

class TestAutoLabelPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void turnOnLabelQueueAndRoundsFollow()
    {
        QTemporaryDir dir;
        std::map<int64_t, int> truth;
        const std::string path = makeProject(dir, truth);
        ui::MainWindow w;
        QVERIFY(w.openProject(QString::fromStdString(path)));
        QVERIFY(w.selectJob(QStringLiteral("topic")));
        ui::AutoLabelPanel *panel = w.autoLabelPanel();
        activelearning::LoopOptions options;
        options.batchSize = 60;
        panel->setLoopOptions(options);
        QTRY_VERIFY(!panel->isBusy());
        QCOMPARE(panel->shown().iteration, 0);

        // On: a random probe and validation sample is queued and becomes the list's order.
        panel->setOn(true);
        QTRY_VERIFY(!panel->isBusy() && !panel->queue().empty());
        QCOMPARE(panel->queue().size(), size_t(10 + 150));
        QCOMPARE(w.itemList()->model()->rowCount(), int(panel->queue().size()));
        w.goToRow(0);
        QCOMPARE(w.labelingPane()->currentItem(), panel->queue().front());

        // People label the queue; the last label starts a round, and labelling did not wait for it.
        labelList(w, truth);
        QVERIFY2(panel->isBusy(), "the round runs in the background");
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 60000);
        QCOMPARE(panel->shown().iteration, 1);
        QVERIFY2(panel->statusText().startsWith(QStringLiteral("Round 1 done")), qPrintable(panel->statusText()));

        // Round after round until the model labels items itself, above the target against the truth.
        for (int round = 0; round < 6 && panel->shown().autoLabeledTotal == 0; ++round) {
            QVERIFY(!panel->queue().empty());
            labelList(w, truth);
            QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 60000);
        }
        const auto &shown = panel->shown();
        QVERIFY2(shown.autoLabeledTotal > 0, qPrintable(panel->statusText()));
        QVERIFY(shown.threshold.has_value());
        QVERIFY(shown.estimatedAccuracy >= 0.95);
        ProjectStore *store = w.store();
        int64_t right = 0, total = 0;
        for (const auto &[id, cls] : truth) {
            auto a = store->currentAnnotation(store->job("topic")->id, id);
            if (a && *a && (*a)->provenance.source == Source::Auto) {
                ++total;
                right += classOf(store, id) == cls;
            }
        }
        QCOMPARE(total, shown.autoLabeledTotal);
        QVERIFY(double(right) / double(total) >= 0.95);
        // The chart shows the validation curve, the target and the threshold in use.
        const auto series = panel->chart()->series();
        QCOMPARE(series.size(), 4);
        QVERIFY(static_cast<QLineSeries *>(series.at(0))->count() > 1);
        QCOMPARE(static_cast<QLineSeries *>(series.at(2))->at(0).y(), 0.95);
        QCOMPARE(static_cast<QLineSeries *>(series.at(3))->at(0).x(), *shown.threshold);
        // The list is the new queue: audits of auto-labels and the uncertain items, unlabelled by people.
        QCOMPARE(w.itemList()->model()->rowCount(), int(panel->queue().size()));

        // Another window on the same project shows the job's last round without running one.
        const int iteration = shown.iteration;
        ui::MainWindow second;
        QVERIFY(second.openProject(QString::fromStdString(path)));
        QVERIFY(second.selectJob(QStringLiteral("topic")));
        QTRY_VERIFY(!second.autoLabelPanel()->isBusy());
        QCOMPARE(second.autoLabelPanel()->shown().iteration, iteration);
        QCOMPARE(second.autoLabelPanel()->shown().autoLabeledTotal, shown.autoLabeledTotal);
    }

    void cancelledRoundKeepsWhatWasThere()
    {
        QTemporaryDir dir;
        std::map<int64_t, int> truth;
        const std::string path = makeProject(dir, truth);
        ui::MainWindow w;
        QVERIFY(w.openProject(QString::fromStdString(path)));
        QVERIFY(w.selectJob(QStringLiteral("topic")));
        ui::AutoLabelPanel *panel = w.autoLabelPanel();
        QTRY_VERIFY(!panel->isBusy());
        panel->setOn(true);
        QTRY_VERIFY(!panel->isBusy() && !panel->queue().empty());
        panel->setOn(false); // people label, but rounds only start by hand
        labelList(w, truth);
        QVERIFY(!panel->isBusy());

        QVERIFY(panel->runRound());
        panel->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 60000);
        QVERIFY2(panel->statusText().contains(QStringLiteral("cancelled")), qPrintable(panel->statusText()));
        QCOMPARE(panel->shown().iteration, 0);
        auto runs = w.store()->runs(w.store()->job("topic")->id);
        QVERIFY(runs && runs->size() == 1);
        QCOMPARE(runs->front().status, std::string("cancelled"));
        ItemFilter autoLabelled;
        autoLabelled.labeled = true;
        autoLabelled.source = Source::Auto;
        autoLabelled.jobId = w.store()->job("topic")->id;
        QCOMPARE(*w.store()->countItems(autoLabelled), int64_t(0));

        // The next round runs to the end.
        QVERIFY(panel->runRound());
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 60000);
        QCOMPARE(panel->shown().iteration, 1);
    }

    void otherTaskTypesAreExplained()
    {
        QTemporaryDir dir;
        const std::string path = test::path(dir, "boxes.gwproj");
        {
            auto store = test::newProject(path);
            Job j;
            j.name = "boxes";
            j.type = TaskType::BoundingBox;
            j.classes = {{0, "car", "#1f77b4", "1", {}}};
            (void)store->createJob(j);
        }
        ui::MainWindow w;
        QVERIFY(w.openProject(QString::fromStdString(path)));
        QVERIFY(w.selectJob(QStringLiteral("boxes")));
        QVERIFY(!w.autoLabelPanel()->runRound());
        QVERIFY(w.autoLabelPanel()->statusText().contains(QStringLiteral("single-label image and text")));
    }
};

QTEST_MAIN(TestAutoLabelPanel)
#include "tst_autolabelpanel.moc"
