// Training runs as separate processes (gw run-exec, started detached): a SageMaker-style script reads its
// hyperparameters and manifest and writes its model; a failing script's reason is kept; stopping a run stops
// its whole process tree; a run whose process dies is noticed; a search records its trials; automated labeling
// starts from a chosen run's model.

#include "activelearning/autolabeler.h"
#include "activelearning/runs.h"
#include "datasets/splits.h"
#include "datasets/versions.h"
#include "digits.h"
#include "labeling/labeler.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTest>

#include <signal.h>
#include <unistd.h>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;

namespace {

/// Waits (up to timeoutMs) until the run leaves "queued" / "running"; its final record.
Run waitForEnd(ProjectStore &store, int64_t id, int timeoutMs = 60000)
{
    QElapsedTimer t;
    t.start();
    Run r;
    while (t.elapsed() < timeoutMs) {
        auto fresh = store.run(id);
        if (fresh) {
            r = *fresh;
            if (r.status != "queued" && r.status != "running")
                return r;
        }
        QTest::qWait(100);
    }
    return r;
}

Run waitForStatus(ProjectStore &store, int64_t id, const std::string &status, int timeoutMs = 30000)
{
    QElapsedTimer t;
    t.start();
    Run r;
    while (t.elapsed() < timeoutMs) {
        if (auto fresh = store.run(id); fresh && (r = *fresh).status == status)
            return r;
        QTest::qWait(50);
    }
    return r;
}

json::Value metricsOf(const Run &r)
{
    json::Value v;
    json::parse(r.metrics, v);
    return v;
}

/// A digits project (perClass per class) with splits and dataset version 1 of its labelled items (every item,
/// or every other one with everyOther).
int64_t digitsVersion(const QTemporaryDir &dir, int perClass, test::Digits &d, bool everyOther = false)
{
    test::makeDigits(dir, perClass, d);
    if (!d.store)
        return 0;
    labeling::Labeler person(*d.store, "annotator");
    for (const auto &[id, cls] : d.truth) {
        if (everyOther && id % 2)
            continue;
        Payload p;
        p.classes = {cls};
        p.classConfidence = {std::nullopt};
        if (!person.setLabel(d.job, *d.store->item(id), p))
            return 0;
    }
    SplitOptions split;
    split.job = d.job.name;
    split.ratios = {0.7, 0.15, 0.15};
    if (!assignSplits(*d.store, split))
        return 0;
    DatasetExport request;
    request.jobs = {d.job.name};
    request.options.outPath = test::path(dir, "digits.manifest");
    auto v = exportDataset(*d.store, request);
    return v ? v->version.id : 0;
}

} // namespace

class TestRuns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scriptReadsHyperparametersAndManifest()
    {
        QTemporaryDir dir;
        test::Digits d;
        const int64_t version = digitsVersion(dir, 3, d);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(version > 0);
        RunRequest request;
        request.kind = "script";
        request.versionId = version;
        request.hyperparameters = {{"epochs", "3"}, {"note", "warm up"}};
        request.metricDefinitions = {{"loss", "loss: ([0-9.]+)"}};
        // A training script as SageMaker runs it: hyperparameters.json, the manifest in its channel, SM_MODEL_DIR.
        request.command =
            "epochs=$(sed 's/.*\"epochs\":\"\\([0-9]*\\)\".*/\\1/' input/config/hyperparameters.json); "
            "lines=$(cat \"$SM_CHANNEL_TRAIN\"/*.manifest | wc -l); "
            "i=1; while [ $i -le $epochs ]; do echo \"epoch $i loss: 0.$((10 - i))\"; i=$((i + 1)); done; "
            "found=0; for f in $(grep -o '\"source-ref\":\"[^\"]*\"' \"$SM_CHANNEL_TRAIN\"/*.manifest | cut -d'\"' -f4); do "
            "test -f \"$SM_CHANNEL_TRAIN/$f\" && found=$((found + 1)); done; "
            "echo \"trained on $lines lines ($found images) for $epochs epochs\" > \"$SM_MODEL_DIR/model.txt\"";
        auto run = createRun(*d.store, request);
        GW_VERIFY_OK(run);
        QCOMPARE(run->status, std::string("queued"));
        GW_VERIFY_OK(launchRun(*d.store, run->id, gwProgram()));
        const Run done = waitForEnd(*d.store, run->id);
        QCOMPARE(done.status, std::string("done"));
        QCOMPARE(done.host, hostName());
        QVERIFY(done.pid > 0);
        const json::Value m = metricsOf(done);
        QCOMPARE(json::toString(*m.find("loss")), std::string("[0.9,0.8,0.7]"));
        QCOMPARE(json::toString(*m.find("artifacts")), std::string("[{\"path\":\"model/model.txt\",\"bytes\":45}]"));
        // The images are in the channel beside the manifest, its references relative to the channel folder.
        QCOMPARE(test::readFile(done.dir + "/model/model.txt"), std::string("trained on 30 lines (30 images) for 3 epochs\n"));
        // The files the app follows: the log lines and the metric points, in order.
        RunFollower follow(done.dir);
        std::vector<std::string> lines;
        std::vector<MetricPoint> points;
        follow.read(lines, points);
        QVERIFY(std::find(lines.begin(), lines.end(), "epoch 2 loss: 0.8") != lines.end());
        QCOMPARE(points.size(), size_t(3));
        QCOMPARE(points[2].name, std::string("loss"));
        QCOMPARE(points[2].step, 3);
        QCOMPARE(points[2].value, 0.7);
        lines.clear();
        points.clear();
        follow.read(lines, points); // nothing new
        QVERIFY(lines.empty() && points.empty());
        // A run that ended does not start again.
        QVERIFY(!launchRun(*d.store, run->id, gwProgram()));
    }

    void failingScriptKeepsItsReason()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        RunRequest request;
        request.kind = "script";
        request.command = "echo 'the manifest has no labels' > output/failure; exit 3";
        auto run = createRun(*store, request);
        GW_VERIFY_OK(run);
        GW_VERIFY_OK(launchRun(*store, run->id, gwProgram()));
        const Run done = waitForEnd(*store, run->id);
        QCOMPARE(done.status, std::string("failed"));
        QCOMPARE(runMetricText(done, "failure"), std::string("the manifest has no labels\n"));
        QCOMPARE(metricsOf(done).find("exit_code")->toInt(), int64_t(3));
    }

    void stoppingStopsTheProcessTree()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        RunRequest request;
        request.kind = "script";
        request.command = "sleep 3071 & sleep 3072 & echo started; wait";
        auto run = createRun(*store, request);
        GW_VERIFY_OK(run);
        GW_VERIFY_OK(launchRun(*store, run->id, gwProgram()));
        QTRY_VERIFY_WITH_TIMEOUT(test::processesWithArgument("3071") == 1 && test::processesWithArgument("3072") == 1, 20000);
        const Run running = waitForStatus(*store, run->id, "running");
        QCOMPARE(running.status, std::string("running"));
        // Detached: not a child of the launching program (the app), in a session of its own — closing the app or
        // its terminal does not end the run.
        QFile stat(QStringLiteral("/proc/%1/stat").arg(running.pid));
        QVERIFY(stat.open(QIODevice::ReadOnly));
        const QList<QByteArray> fields = stat.readAll().split(')').last().trimmed().split(' ');
        QVERIFY(fields.size() > 4);
        QVERIFY(fields[1].toLongLong() != getpid()); // parent
        QVERIFY(getsid(pid_t(running.pid)) != getsid(0));
        GW_VERIFY_OK(stopRun(*store, run->id));
        const Run stopped = waitForEnd(*store, run->id, 30000);
        QCOMPARE(stopped.status, std::string("stopped"));
        QTRY_VERIFY_WITH_TIMEOUT(test::processesWithArgument("3071") == 0 && test::processesWithArgument("3072") == 0, 10000);
        // The run's own process ends too, once it has recorded itself stopped (a moment after the record).
        QTRY_VERIFY_WITH_TIMEOUT(!runProcessAlive(stopped), 10000);
    }

    void aRunWhoseProcessDiedIsMarkedFailed()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        RunRequest request;
        request.kind = "script";
        request.command = "sleep 3073";
        auto run = createRun(*store, request);
        GW_VERIFY_OK(run);
        auto pid = launchRun(*store, run->id, gwProgram());
        GW_VERIFY_OK(pid);
        const Run running = waitForStatus(*store, run->id, "running");
        QCOMPARE(running.status, std::string("running"));
        QVERIFY(runProcessAlive(running));
        QCOMPARE(*refreshRuns(*store), 0); // alive: left alone
        // Killed once its command runs (before that, the command dies with it: PR_SET_PDEATHSIG).
        QTRY_VERIFY_WITH_TIMEOUT(test::processesWithArgument("3073") > 0, 10000);
        ::kill(pid_t(*pid), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(!runProcessAlive(running), 10000);
        QCOMPARE(*refreshRuns(*store), 1);
        const Run failed = *store->run(run->id);
        QCOMPARE(failed.status, std::string("failed"));
        QVERIFY2(runMetricText(failed, "failure").find("crashed or was killed") != std::string::npos,
                 failed.metrics.c_str());
        // The script it left running is stopped with it.
        QTRY_VERIFY_WITH_TIMEOUT(test::processesWithArgument("3073") == 0, 10000);
    }

    void builtInTrainingStopsAtTheEpochOrAtOnceWhenAskedTwice()
    {
        QTemporaryDir dir;
        test::Digits d;
        const int64_t version = digitsVersion(dir, 20, d);
        if (QTest::currentTestFailed())
            return;
        RunRequest request;
        request.versionId = version;
        request.hyperparameters = {{"epochs", "1000"}, {"patience", "1000"}, {"image_size", "48"}};
        // Asked once: the training ends its epoch, keeps what it learnt in the log, and records itself stopped.
        auto graceful = createRun(*d.store, request);
        GW_VERIFY_OK(graceful);
        GW_VERIFY_OK(launchRun(*d.store, graceful->id, gwProgram()));
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(graceful->dir + "/log.txt").find("epoch 1/1000") != std::string::npos, 60000);
        GW_VERIFY_OK(stopRun(*d.store, graceful->id));
        const Run stopped = waitForEnd(*d.store, graceful->id);
        QCOMPARE(stopped.status, std::string("stopped"));
        QVERIFY(test::readFile(stopped.dir + "/log.txt").find("stopped after") != std::string::npos);
        // What it learnt is kept: the best epoch so far, evaluated and saved like a finished training's.
        QVERIFY(QFile::exists(QString::fromStdString(stopped.dir + "/model/model.pt")));
        QVERIFY(!runMetricText(stopped, "test_accuracy").empty());
        QVERIFY(metricsOf(stopped).find("stopped")->toBool());
        // Asked twice: killed at once, and recorded as failed.
        auto hurried = createRun(*d.store, request);
        GW_VERIFY_OK(hurried);
        GW_VERIFY_OK(launchRun(*d.store, hurried->id, gwProgram()));
        const Run running = waitForStatus(*d.store, hurried->id, "running");
        QCOMPARE(running.status, std::string("running"));
        GW_VERIFY_OK(stopRun(*d.store, hurried->id));
        GW_VERIFY_OK(stopRun(*d.store, hurried->id));
        QTRY_VERIFY_WITH_TIMEOUT(!runProcessAlive(running), 5000);
        GW_VERIFY_OK(refreshRuns(*d.store));
        QCOMPARE(d.store->run(hurried->id)->status, std::string("failed"));
    }

    void stoppingATrialLetsTheSearchGoOn()
    {
        QTemporaryDir dir;
        test::Digits d;
        const int64_t version = digitsVersion(dir, 10, d);
        if (QTest::currentTestFailed())
            return;
        RunRequest search;
        search.kind = "search";
        search.versionId = version;
        search.hyperparameters = {{"epochs", "100000"}, {"patience", "100000"}, {"image_size", "32"}};
        search.method = "grid";
        search.ranges = {{"batch_size", "choice:8,16,32"}};
        auto run = createRun(*d.store, search);
        GW_VERIFY_OK(run);
        auto searchPid = launchRun(*d.store, run->id, gwProgram());
        GW_VERIFY_OK(searchPid);
        // Whatever happens below, the endless search does not outlive the test.
        const auto cleanup = qScopeGuard([pid = *searchPid] { ::kill(pid_t(pid), SIGKILL); });
        auto trialOf = [&](int n) -> std::optional<Run> {
            int seen = 0;
            const auto all = d.store->runs(0); // kept: a range-for over *runs(0) would outlive its Result
            for (const Run &r : all.value_or(std::vector<Run>{}))
                if (r.parent == run->id && ++seen == n)
                    return r;
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(trialOf(1) && trialOf(1)->status == "running", 60000);
        QVERIFY(runProcessAlive(*trialOf(1))); // a trial lives in the search's process
        GW_VERIFY_OK(stopRun(*d.store, trialOf(1)->id));
        QTRY_VERIFY_WITH_TIMEOUT(trialOf(2) && trialOf(2)->status == "running", 60000);
        QCOMPARE(trialOf(1)->status, std::string("stopped"));
        QCOMPARE(d.store->run(run->id)->status, std::string("running"));
        GW_VERIFY_OK(stopRun(*d.store, run->id));
        QCOMPARE(waitForEnd(*d.store, run->id).status, std::string("stopped"));
        QCOMPARE(trialOf(2)->status, std::string("stopped"));
        QVERIFY(!trialOf(3)); // no trial after a stopped search
    }

    void aLongLogIsFollowedFromItsEnd()
    {
        QTemporaryDir dir;
        std::string log;
        for (int i = 0; i < 100000; ++i)
            log += "line " + std::to_string(i) + " of a chatty training script\n"; // ~3.7 MB
        test::writeFile(test::path(dir, "log.txt"), log);
        RunFollower follow(dir.path().toStdString());
        std::vector<std::string> lines;
        std::vector<MetricPoint> points;
        follow.read(lines, points);
        QVERIFY(lines.size() > 1000 && lines.size() < 40000); // the last megabyte, not all of it
        QVERIFY(lines.front().find("of the log are in") != std::string::npos);
        QCOMPARE(lines.back(), std::string("line 99999 of a chatty training script"));
        QVERIFY(lines[1].rfind("line ", 0) == 0); // whole lines only
        lines.clear();
        QFile f(dir.path() + QStringLiteral("/log.txt"));
        QVERIFY(f.open(QIODevice::Append));
        f.write("one more\n");
        f.close();
        follow.read(lines, points);
        QCOMPARE(lines, std::vector<std::string>{"one more"});
    }

    void aQueuedRunStoppedBeforeItStartsNeverStarts()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        RunRequest request;
        request.kind = "script";
        request.command = "echo should not run";
        auto run = createRun(*store, request);
        GW_VERIFY_OK(run);
        GW_VERIFY_OK(stopRun(*store, run->id));
        QCOMPARE(store->run(run->id)->status, std::string("stopped"));
        QVERIFY(!launchRun(*store, run->id, gwProgram()));
        // Nor is a process with a recycled id taken for a run: this test is alive, but it is not that run.
        Run impostor = *store->run(run->id);
        impostor.status = "running";
        impostor.pid = getpid();
        impostor.host = hostName();
        QVERIFY(!runProcessAlive(impostor));
        test::writeFile(impostor.dir + "/process.start", std::to_string(getpid()) + " 1");
        QVERIFY(!runProcessAlive(impostor)); // recorded with another start time
    }

    void searchRecordsItsTrialsAndWarmStartsAutomatedLabeling()
    {
        QTemporaryDir dir;
        test::Digits d;
        const int64_t version = digitsVersion(dir, 60, d, true);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(version > 0);
        RunRequest search;
        search.kind = "search";
        search.versionId = version;
        search.hyperparameters = {{"epochs", "6"}, {"image_size", "20"}};
        search.method = "grid";
        search.trials = 4;
        search.ranges = {{"learning_rate", "choice:0.003,0.00001"}, {"batch_size", "choice:16,32"}};
        auto run = createRun(*d.store, search);
        GW_VERIFY_OK(run);
        std::atomic<bool> stop{false};
        auto done = executeRun(*d.store, run->id, stop);
        GW_VERIFY_OK(done);
        QCOMPARE(done->status, std::string("done"));
        const json::Value m = metricsOf(*done);
        const json::Array &trials = m.find("trials")->toArray();
        QCOMPARE(trials.size(), size_t(4));
        auto all = d.store->runs(0);
        int children = 0;
        for (const Run &r : *all)
            children += r.parent == run->id;
        QCOMPARE(children, 4);
        // A learning rate of 1e-5 learns next to nothing in 6 epochs: once two good trials completed, such a
        // trial is stopped early by the median rule.
        int early = 0;
        for (const json::Value &t : trials)
            early += t.find("status")->toString() == "stopped-early";
        QVERIFY2(early >= 1, m.find("trials") ? json::toString(*m.find("trials")).c_str() : "");
        QVERIFY2(m.find("best_run"), done->metrics.c_str());
        const int64_t best = m.find("best_run")->toInt();
        const Run bestRun = *d.store->run(best);
        QCOMPARE(bestRun.status, std::string("done"));
        QVERIFY(std::stod(runMetricText(bestRun, "validation_accuracy")) > 0.6);
        // The comparison lines the trials up with their settings.
        const auto rows = compareRuns({bestRun, *d.store->run(best == run->id + 1 ? best + 1 : run->id + 1)});
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const ComparisonRow &r) { return r.field == "learning_rate"; }));

        // "Use this model for automated labeling": only a finished training of the job's classes is accepted.
        QVERIFY(!setStartModelRun(*d.store, "digit", run->id)); // a search has no model itself
        GW_VERIFY_OK(setStartModelRun(*d.store, "digit", best));
        QCOMPARE(*startModelRun(*d.store, "digit"), best);
        LoopOptions opt;
        opt.probeMin = 40;
        opt.validationMin = 100;
        opt.minAboveThreshold = 30;
        opt.imageSize = 20;
        opt.model.maxEpochs = 2;
        AutoLabeler loop(*d.store, d.job, opt);
        GW_VERIFY_OK(loop.start());
        labeling::Labeler person(*d.store, "annotator");
        const auto queue = loop.humanQueue();
        QVERIFY(queue.has_value());
        for (int64_t id : *queue) {
            Payload p;
            p.classes = {d.truth.at(id)};
            p.classConfidence = {std::nullopt};
            GW_VERIFY_OK(person.setLabel(d.job, *d.store->item(id), p));
        }
        auto round = loop.iterate();
        GW_VERIFY_OK(round);
        QVERIFY2(round->trained, round->note.c_str());
        QCOMPARE(round->startModelRun, best);
        QVERIFY(round->startModelNote.empty());
        // Clearing it: rounds start from scratch again.
        GW_VERIFY_OK(setStartModelRun(*d.store, "digit", 0));
        QCOMPARE(*startModelRun(*d.store, "digit"), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestRuns)
#include "tst_runs.moc"
