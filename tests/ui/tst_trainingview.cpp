// The training window on real runs: a run started from the launch dialog's request trains in its own process
// while the window follows its log and curves, then shows its evaluation; a window opened later re-attaches
// to a running run and stops it; runs compare side by side; a run's model becomes automated labeling's start.

#include "activelearning/runs.h"
#include "datasets/splits.h"
#include "datasets/versions.h"
#include "digits.h"
#include "labeling/labeler.h"
#include "ui/rundialogs.h"
#include "ui/trainingview.h"

#include <QAbstractSeries>
#include <QApplication>
#include <QChart>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTest>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;
using namespace gw::ui;

namespace {

QString statusOf(const TrainingView &view, int64_t runId)
{
    QTableWidget *t = view.runsTable();
    for (int row = 0; row < t->rowCount(); ++row)
        if (t->item(row, 0)->data(Qt::UserRole).toLongLong() == runId)
            return t->item(row, 2)->text();
    return {};
}

QLineSeries *seriesNamed(QChart *chart, const QString &name)
{
    for (QAbstractSeries *s : chart->series())
        if (s->name() == name)
            return qobject_cast<QLineSeries *>(s);
    return nullptr;
}

} // namespace

class TestTrainingView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        test::makeDigits(*m_dir, 30, m_digits);
        if (QTest::currentTestFailed() || !m_digits.store)
            return;
        labeling::Labeler person(*m_digits.store, "annotator");
        for (const auto &[id, cls] : m_digits.truth) {
            Payload p;
            p.classes = {cls};
            p.classConfidence = {std::nullopt};
            GW_VERIFY_OK(person.setLabel(m_digits.job, *m_digits.store->item(id), p));
        }
        SplitOptions split;
        split.job = "digit";
        split.ratios = {0.6, 0.2, 0.2};
        GW_VERIFY_OK(assignSplits(*m_digits.store, split));
        DatasetExport request;
        request.jobs = {"digit"};
        request.options.outPath = test::path(*m_dir, "digits.manifest");
        auto v = exportDataset(*m_digits.store, request);
        GW_VERIFY_OK(v);
        m_version = v->version.id;
    }

    void launchDialogChecksWhatItIsGiven()
    {
        auto versions = m_digits.store->datasetVersions();
        LaunchRunDialog dialog(*versions);
        dialog.setVersion(m_version);
        dialog.setSearch(true, QStringLiteral("learning_rate=log:0.001:0.01\nbatch_size 32"));
        auto bad = dialog.request();
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("line 2") != std::string::npos, bad.error().message.c_str());
        dialog.setSearch(true, QStringLiteral("learning_rate=log:0.001:0.01"));
        auto search = dialog.request();
        GW_VERIFY_OK(search);
        QCOMPARE(search->kind, std::string("search"));
        QCOMPARE(search->versionId, m_version);
        QVERIFY(!search->hyperparameters.count("learning_rate")); // searched, not fixed
        dialog.setScript(QStringLiteral("sh train.sh"), QStringLiteral("acc=acc=([0-9.]+)"));
        auto script = dialog.request();
        GW_VERIFY_OK(script);
        QCOMPARE(script->kind, std::string("script"));
        QCOMPARE(script->metricDefinitions.front().second, std::string("acc=([0-9.]+)"));
    }

    void runFollowedLiveThenEvaluated()
    {
        TrainingView view;
        view.resize(1200, 800);
        view.show();
        view.setProject(QString::fromStdString(m_digits.store->path()), QStringLiteral("digit"));
        LaunchRunDialog dialog(*m_digits.store->datasetVersions());
        dialog.setVersion(m_version);
        dialog.setEpochs(8);
        auto request = dialog.request();
        GW_VERIFY_OK(request);
        request->hyperparameters["image_size"] = "20";
        auto id = view.launch(*request);
        GW_VERIFY_OK(id);
        QCOMPARE(view.selectedRun(), *id);
        // While it trains, the log and the curves grow (the window follows the run's files).
        QTRY_VERIFY_WITH_TIMEOUT(view.logView()->toPlainText().contains(QStringLiteral("epoch 1/8")), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(view, *id), QStringLiteral("done"), 120000);
        QTRY_VERIFY(view.logView()->toPlainText().contains(QStringLiteral("best epoch")));
        QLineSeries *accuracy = seriesNamed(view.curvesChart(), QStringLiteral("validation_accuracy"));
        QVERIFY(accuracy != nullptr);
        const Run run = *m_digits.store->run(*id);
        QCOMPARE(accuracy->count(), std::stoi(runMetricText(run, "epochs")));
        QVERIFY(seriesNamed(view.curvesChart(), QStringLiteral("train_loss")) != nullptr);
        // The evaluation: one row per class; the supports add up to the test split.
        QCOMPARE(view.classTable()->rowCount(), 10);
        int support = 0;
        for (int row = 0; row < 10; ++row)
            support += view.classTable()->item(row, 3)->text().toInt();
        QCOMPARE(support, 60);
        QVERIFY(std::stod(runMetricText(run, "test_accuracy")) > 0.5);
        m_doneRuns.push_back(*id);
    }

    void reopenedWindowReattachesAndStops()
    {
        int64_t id = 0;
        {
            TrainingView first;
            first.show();
            first.setProject(QString::fromStdString(m_digits.store->path()), QStringLiteral("digit"));
            RunRequest script;
            script.kind = "script";
            script.command = "echo started; sleep 3081 & wait";
            auto launched = first.launch(script);
            GW_VERIFY_OK(launched);
            id = *launched;
            QTRY_COMPARE_WITH_TIMEOUT(statusOf(first, id), QStringLiteral("running"), 20000);
        } // the window closes; the run goes on
        QVERIFY(test::processesWithArgument("3081") == 1);
        TrainingView second;
        second.show();
        second.setProject(QString::fromStdString(m_digits.store->path()), QStringLiteral("digit"));
        QCOMPARE(statusOf(second, id), QStringLiteral("running"));
        second.selectRun(id);
        QTRY_VERIFY(second.logView()->toPlainText().contains(QStringLiteral("started")));
        QVERIFY(second.statusLabel()->text().contains(QStringLiteral("in progress")));
        second.stopSelected();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(second, id), QStringLiteral("stopped"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(test::processesWithArgument("3081"), 0, 10000);
    }

    void compareAndUseForAutomatedLabeling()
    {
        QVERIFY(!m_doneRuns.empty());
        TrainingView view;
        view.resize(1200, 800);
        view.show();
        view.setProject(QString::fromStdString(m_digits.store->path()), QStringLiteral("digit"));
        RunRequest second;
        second.versionId = m_version;
        second.hyperparameters = {{"epochs", "4"}, {"image_size", "20"}, {"learning_rate", "0.01"}};
        auto id = view.launch(second);
        GW_VERIFY_OK(id);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(view, *id), QStringLiteral("done"), 120000);
        // Both runs selected: the comparison shows the learning rate that differs and both curves.
        view.runsTable()->clearSelection();
        for (int row = 0; row < view.runsTable()->rowCount(); ++row) {
            const int64_t rowRun = view.runsTable()->item(row, 0)->data(Qt::UserRole).toLongLong();
            if (rowRun == *id || rowRun == m_doneRuns.front())
                view.runsTable()->selectionModel()->select(view.runsTable()->model()->index(row, 0),
                                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
        view.compareSelected();
        CompareRunsDialog *compare = view.findChild<CompareRunsDialog *>();
        QVERIFY(compare != nullptr);
        QStringList fields;
        for (int row = 0; row < compare->table()->rowCount(); ++row)
            fields << compare->table()->verticalHeaderItem(row)->text();
        QVERIFY2(fields.contains(QStringLiteral("learning_rate")), qPrintable(fields.join(QLatin1Char(','))));
        QVERIFY(fields.contains(QStringLiteral("test_accuracy")));
        QCOMPARE(compare->chart()->series().size(), 2);
        compare->close();

        view.selectRun(*id);
        view.useSelectedForAutoLabeling();
        QCOMPARE(*startModelRun(*m_digits.store, "digit"), *id);
        QVERIFY(view.statusLabel()->text().contains(QStringLiteral("run %1").arg(*id)));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    test::Digits m_digits;
    int64_t m_version = 0;
    std::vector<int64_t> m_doneRuns;
};

QTEST_MAIN(TestTrainingView)
#include "tst_trainingview.moc"
