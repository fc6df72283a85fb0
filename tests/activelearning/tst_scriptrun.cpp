// Training scripts run SageMaker's way on this machine: the run directory and environment a SageMaker script
// reads, its metrics taken from the log by regular expressions, output/failure as the reason, and stopping a
// run stops its whole process tree.

#include "activelearning/scriptrun.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QTest>

#include <signal.h>

using namespace gw;
using namespace gw::activelearning;

class TestScriptRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scriptReadsItsInputsAndReportsMetrics()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "train.manifest"), "{\"source\":\"a\",\"topic\":0}\n{\"source\":\"b\",\"topic\":1}\n");
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        spec.jobName = "topics-1";
        spec.hyperparameters = {{"epochs", "3"}, {"learning-rate", "0.1"}};
        spec.metricDefinitions = {{"train:loss", "loss=([0-9.]+)"}, {"validation:accuracy", "val_acc=([0-9.]+)"}};
        spec.channels = {{"train", test::path(dir, "train.manifest")}};
        // A script written for SageMaker: it reads hyperparameters.json, the channel's manifest and SM_* variables.
        spec.command = R"sh(
set -e
epochs=$(sed -E 's/.*"epochs":"([0-9]+)".*/\1/' input/config/hyperparameters.json)
lines=$(cat "$SM_CHANNEL_TRAIN"/train.manifest | wc -l)
echo "job $TRAINING_JOB_NAME: $lines lines, lr $SM_HP_LEARNING_RATE, hosts $SM_HOSTS"
i=1
while [ $i -le $epochs ]; do echo "epoch=$i loss=0.$((9 - i)) val_acc=0.$((6 + i))"; i=$((i + 1)); done
echo trained > "$SM_MODEL_DIR/model.txt"
)sh";
        std::vector<std::string> log;
        spec.onLog = [&](const std::string &line) { log.push_back(line); };
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QVERIFY2(r->succeeded(), r->failure.c_str());
        QCOMPARE(log.front(), std::string("job topics-1: 2 lines, lr 0.1, hosts [\"algo-1\"]"));
        QCOMPARE(r->metrics["train:loss"], (std::vector<double>{0.8, 0.7, 0.6}));
        QCOMPARE(r->metrics["validation:accuracy"], (std::vector<double>{0.7, 0.8, 0.9}));
        QCOMPARE(test::readFile(spec.runDir + "/model/model.txt"), std::string("trained\n"));
        QCOMPARE(test::readFile(spec.runDir + "/input/config/hyperparameters.json"),
                 std::string("{\"epochs\":\"3\",\"learning-rate\":\"0.1\"}"));
        QVERIFY(test::readFile(spec.runDir + "/input/config/inputdataconfig.json").find("\"train\"") != std::string::npos);
        QVERIFY(test::readFile(spec.runDir + "/output/log.txt").find("epoch=3") != std::string::npos);
    }

    void failureReasonAndExitCode()
    {
        QTemporaryDir dir;
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        spec.command = "echo 'no training data in channel train' > output/failure; exit 3";
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QCOMPARE(r->exitCode, 3);
        QVERIFY(!r->succeeded());
        QCOMPARE(r->failure, std::string("no training data in channel train\n"));
        spec.metricDefinitions = {{"bad", "(unclosed"}};
        QVERIFY(!runScript(spec));
    }

    void stoppingStopsTheProcessTree()
    {
        QTemporaryDir dir;
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        // A child that would outlive a shell killed alone.
        spec.command = "sleep 60 & echo $! > child.pid; echo started; wait";
        QElapsedTimer t;
        t.start();
        bool started = false;
        spec.onLog = [&](const std::string &line) { started = started || line == "started"; };
        spec.shouldStop = [&] { return started; };
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QVERIFY(r->stopped);
        QVERIFY(t.elapsed() < 20000);
        const int child = std::stoi(test::readFile(spec.runDir + "/child.pid"));
        QTRY_VERIFY(::kill(child, 0) != 0); // gone
    }
};

QTEST_GUILESS_MAIN(TestScriptRun)
#include "tst_scriptrun.moc"
